// The Compare screen's own state: the comparison and the drift check being set up (kept while the user looks at
// a report and comes back), and the drift jobs started from this window.
import { create } from 'zustand';
import type { ComparisonConfigInput, DriftRequest, PredictionRule } from '../../../src-shared/contract';

export interface ComparisonDraft {
  /** Ticked versions in the order they were ticked: the first is the baseline. */
  versions: string[];
  dataset: string;
  /** '' for none. */
  reference: string;
  /** '' for the inferred prediction. */
  predictionOutput: string;
  /** '' for the rule the output's signature implies. */
  predictionRule: '' | PredictionRule;
  name: string;
  /** Text fields, checked when the comparison starts. */
  batchSize: string;
  explorerRows: string;
  bootstrapIterations: string;
  confidence: string;
}

export interface DriftDraft {
  current: string;
  /** 'dataset': against `reference`; 'version': against the reference bound to `referenceOf`. */
  against: 'dataset' | 'version';
  reference: string;
  referenceOf: string;
  test: 'auto' | 'ks' | 'wasserstein' | 'psi' | 'jensenShannon' | 'chiSquare' | 'zTest';
  thresholds: Record<'ks' | 'chiSquare' | 'zTest' | 'wasserstein' | 'jensenShannon' | 'psi', string>;
  datasetDriftShare: string;
  /** Holm-corrected family-wise level for p-value tests; '' turns that rule off. */
  familyWiseAlpha: string;
  calibrate: boolean;
}

export const newComparisonDraft = (): ComparisonDraft => ({
  versions: [],
  dataset: '',
  reference: '',
  predictionOutput: '',
  predictionRule: '',
  name: '',
  batchSize: '',
  explorerRows: '50',
  bootstrapIterations: '1000',
  confidence: '0.95',
});

export const newDriftDraft = (): DriftDraft => ({
  current: '',
  against: 'dataset',
  reference: '',
  referenceOf: '',
  test: 'auto',
  thresholds: { ks: '0.05', chiSquare: '0.05', zTest: '0.05', wasserstein: '0.1', jensenShannon: '0.1', psi: '0.1' },
  datasetDriftShare: '0.5',
  familyWiseAlpha: '0.05',
  calibrate: true,
});

/** A whole number from a text field, or the reason it is not one. */
function wholeNumber(text: string, what: string, min: number, max: number): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    return `${what} must be a whole number from ${min} to ${max}`;
  return n;
}

function fraction(text: string, what: string, low: number, high: number): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= low || n > high)
    return `${what} must be a number above ${low} and at most ${high}`;
  return n;
}

/** The config the draft stands for, or every problem with it, in words. */
export function comparisonConfig(draft: ComparisonDraft): { config: ComparisonConfigInput } | { problems: string[] } {
  const problems: string[] = [];
  if (draft.versions.length < 2) problems.push('tick at least two versions (the first ticked is the baseline)');
  if (!draft.dataset) problems.push('choose the dataset to replay');
  if (draft.reference && draft.reference === draft.dataset)
    problems.push('the reference must be another dataset than the one replayed');
  const batch = draft.batchSize.trim() === '' ? null : wholeNumber(draft.batchSize, 'batch size', 1, 65_536);
  const explorer = wholeNumber(draft.explorerRows, 'explorer rows', 0, 1000);
  const iterations = wholeNumber(draft.bootstrapIterations, 'bootstrap resamples', 100, 100_000);
  const confidence = Number(draft.confidence);
  if (!(confidence > 0.5 && confidence < 1)) problems.push('confidence must be between 0.5 and 1 (e.g. 0.95)');
  for (const v of [batch, explorer, iterations]) if (typeof v === 'string') problems.push(v);
  if (problems.length > 0) return { problems };
  return {
    config: {
      ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
      versions: draft.versions,
      dataset: draft.dataset,
      reference: draft.reference || null,
      prediction: draft.predictionOutput
        ? { output: draft.predictionOutput, ...(draft.predictionRule ? { rule: draft.predictionRule } : {}) }
        : null,
      batchSize: batch as number | null,
      explorerRows: explorer as number,
      bootstrap: { iterations: iterations as number, confidence },
    },
  };
}

export function driftRequest(draft: DriftDraft): { request: DriftRequest } | { problems: string[] } {
  const problems: string[] = [];
  if (!draft.current) problems.push('choose the current dataset');
  if (draft.against === 'dataset' && !draft.reference) problems.push('choose the reference dataset');
  if (draft.against === 'version' && !draft.referenceOf) problems.push('choose the version whose reference to use');
  if (draft.against === 'dataset' && draft.reference && draft.reference === draft.current)
    problems.push('the reference and the current dataset are the same');
  const thresholds: Record<string, number> = {};
  for (const [test, text] of Object.entries(draft.thresholds)) {
    const v = fraction(text, `the ${test} threshold`, 0, 1e6);
    if (typeof v === 'string') problems.push(v);
    else thresholds[test] = v;
  }
  const share = fraction(draft.datasetDriftShare, 'the dataset drift share', 0, 1);
  if (typeof share === 'string') problems.push(share);
  const alphaText = draft.familyWiseAlpha.trim();
  const alpha = Number(alphaText);
  if (alphaText !== '' && !(alpha > 0 && alpha < 1))
    problems.push('the family-wise level must be between 0 and 1 (e.g. 0.05), or empty to turn it off');
  if (problems.length > 0) return { problems };
  return {
    request: {
      current: draft.current,
      ...(draft.against === 'dataset' ? { reference: draft.reference } : { referenceOf: draft.referenceOf }),
      options: {
        test: draft.test,
        thresholds,
        datasetDriftShare: share as number,
        familyWiseAlpha: alphaText === '' ? null : alpha,
        calibration: { enabled: draft.calibrate },
      },
    },
  };
}

export interface CompareUiState {
  draft: ComparisonDraft;
  /** The user has ticked or unticked a version: the first-visit defaults must not replace their choice. */
  touched: boolean;
  driftDraft: DriftDraft;
  /** Drift jobs started from this window, newest first, with what they measure (progress and report come from the job). */
  driftJobs: { id: string; title: string }[];
  advancedOpen: boolean;
  edit(patch: (draft: ComparisonDraft) => Partial<ComparisonDraft>): void;
  toggleVersion(ref: string): void;
  editDrift(patch: (draft: DriftDraft) => Partial<DriftDraft>): void;
  addDriftJob(id: string, title: string): void;
  setAdvancedOpen(open: boolean): void;
}

export const useCompareUi = create<CompareUiState>((set) => ({
  draft: newComparisonDraft(),
  touched: false,
  driftDraft: newDriftDraft(),
  driftJobs: [],
  advancedOpen: false,
  edit: (patch) => set((s) => ({ draft: { ...s.draft, ...patch(s.draft) } })),
  toggleVersion: (ref) =>
    set((s) => ({
      touched: true,
      draft: {
        ...s.draft,
        versions: s.draft.versions.includes(ref)
          ? s.draft.versions.filter((v) => v !== ref)
          : [...s.draft.versions, ref],
      },
    })),
  editDrift: (patch) => set((s) => ({ driftDraft: { ...s.driftDraft, ...patch(s.driftDraft) } })),
  addDriftJob: (id, title) => set((s) => ({ driftJobs: [{ id, title }, ...s.driftJobs.filter((j) => j.id !== id)] })),
  setAdvancedOpen: (open) => set({ advancedOpen: open }),
}));
