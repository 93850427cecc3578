// The pure side of the Load test form: the drafts the user edits (text, so a half-typed number is not lost),
// their defaults, and how they become a LoadTestConfig — with the schedule compiler's own messages for a bad
// shape, so the form says exactly what the engine would.
import {
  LoadTestConfigSchema,
  type LoadTestConfigInput,
  type Segment,
  type SegmentInput,
  type ShapeInput,
} from '../../../src-shared/contract';
import { compileShape, ShapeError, type SchedulePreview } from '../../../src-shared/loadtest/schedule';

export type SegmentKind = Segment['kind'];

interface NumberField {
  type: 'number';
  key: string;
  label: string;
  unit: string;
  value: string;
}
interface ChoiceField {
  type: 'choice';
  key: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value: string;
}
export type SegmentField = NumberField | ChoiceField;

const ARRIVALS: ChoiceField = {
  type: 'choice',
  key: 'arrivals',
  label: 'Arrivals',
  options: [
    { value: 'uniform', label: 'evenly spaced' },
    { value: 'poisson', label: 'Poisson (random gaps)' },
  ],
  value: 'uniform',
};
const num = (key: string, label: string, unit: string, value: string): NumberField => ({
  type: 'number',
  key,
  label,
  unit,
  value,
});

export interface SegmentKindInfo {
  kind: SegmentKind;
  label: string;
  /** One line on what the segment sends. */
  about: string;
  fields: readonly SegmentField[];
}

/** Every kind with its parameters and defaults (short enough to try at once, long enough to see a shape). */
export const SEGMENT_KINDS: readonly SegmentKindInfo[] = [
  {
    kind: 'constant',
    label: 'Constant',
    about: 'A steady rate.',
    fields: [num('rate', 'Rate', 'req/s', '50'), num('duration', 'Duration', 's', '10'), ARRIVALS],
  },
  {
    kind: 'ramp',
    label: 'Ramp',
    about: 'The rate changes linearly from one value to another.',
    fields: [
      num('from', 'From', 'req/s', '10'),
      num('to', 'To', 'req/s', '100'),
      num('duration', 'Duration', 's', '10'),
      ARRIVALS,
    ],
  },
  {
    kind: 'steps',
    label: 'Staircase',
    about: 'Steps up (or down) by a fixed amount, holding each step.',
    fields: [
      num('from', 'First step', 'req/s', '20'),
      num('step', 'Step by', 'req/s', '20'),
      num('count', 'Steps', '', '5'),
      num('stepDuration', 'Each step', 's', '5'),
      ARRIVALS,
    ],
  },
  {
    kind: 'spike',
    label: 'Spike',
    about: 'Baseline, a rise to a peak, a hold, and back down.',
    fields: [
      num('base', 'Base', 'req/s', '20'),
      num('peak', 'Peak', 'req/s', '200'),
      num('before', 'Before', 's', '5'),
      num('rise', 'Rise', 's', '1'),
      num('hold', 'Hold', 's', '5'),
      num('fall', 'Fall', 's', '1'),
      num('after', 'After', 's', '5'),
      ARRIVALS,
    ],
  },
  {
    kind: 'sine',
    label: 'Sine (diurnal)',
    about: 'mean + amplitude · sin(2π t / period + phase); a long period makes a day-like curve.',
    fields: [
      num('mean', 'Mean', 'req/s', '50'),
      num('amplitude', 'Amplitude', 'req/s', '25'),
      num('period', 'Period', 's', '10'),
      num('phase', 'Phase', 'rad', '0'),
      num('duration', 'Duration', 's', '20'),
      ARRIVALS,
    ],
  },
  {
    kind: 'poisson',
    label: 'Poisson',
    about: 'Random arrivals at a constant average rate.',
    fields: [num('rate', 'Rate', 'req/s', '50'), num('duration', 'Duration', 's', '10')],
  },
  {
    kind: 'bursts',
    label: 'Bursts',
    about: 'On/off traffic: the rate while on, another (often 0) while off.',
    fields: [
      num('rate', 'On rate', 'req/s', '100'),
      num('on', 'On for', 's', '1'),
      num('off', 'Off for', 's', '1'),
      num('offRate', 'Off rate', 'req/s', '0'),
      num('duration', 'Duration', 's', '10'),
      ARRIVALS,
    ],
  },
  {
    kind: 'trace',
    label: 'Trace replay',
    about: 'Recorded send times (timestamps or gaps, in seconds), sped up and looped.',
    fields: [
      {
        type: 'choice',
        key: 'format',
        label: 'Values are',
        options: [
          { value: 'timestamps', label: 'timestamps (s)' },
          { value: 'gaps', label: 'gaps between sends (s)' },
        ],
        value: 'timestamps',
      },
      num('speedup', 'Speed-up', '×', '1'),
      num('loops', 'Loops', '', '1'),
    ],
  },
  {
    kind: 'concurrency',
    label: 'Concurrency (closed loop)',
    about: 'N clients, each sending when its last answer arrives (perf_analyzer’s concurrency mode).',
    fields: [],
  },
];

export const kindInfo = (kind: SegmentKind): SegmentKindInfo => SEGMENT_KINDS.find((k) => k.kind === kind)!;

export interface LevelDraft {
  concurrency: string;
  duration: string;
}

export interface SegmentDraft {
  /** Stable React key (segments move). */
  id: number;
  kind: SegmentKind;
  values: Record<string, string>;
  /** Trace values, as typed or read from a file. */
  times: string;
  /** Concurrency levels. */
  levels: LevelDraft[];
}

let nextSegmentId = 1;

export function newSegment(kind: SegmentKind): SegmentDraft {
  return {
    id: nextSegmentId++,
    kind,
    values: Object.fromEntries(kindInfo(kind).fields.map((f) => [f.key, f.value])),
    times: kind === 'trace' ? '0 0.02 0.03 0.1 0.12 0.3 0.31 0.32 0.5 0.9' : '',
    levels:
      kind === 'concurrency'
        ? [
            { concurrency: '1', duration: '5' },
            { concurrency: '4', duration: '5' },
            { concurrency: '16', duration: '5' },
          ]
        : [],
  };
}

/** A draft as a segment, or the first thing wrong with it. */
function toSegment(draft: SegmentDraft, index: number): SegmentInput | string {
  const name = `segment ${index + 1} (${kindInfo(draft.kind).label.toLowerCase()})`;
  const out: Record<string, unknown> = { kind: draft.kind };
  for (const field of kindInfo(draft.kind).fields) {
    const text = (draft.values[field.key] ?? '').trim();
    if (field.type === 'choice') {
      out[field.key] = text;
      continue;
    }
    const value = Number(text);
    if (text === '' || !Number.isFinite(value))
      return `${name}: ${field.label.toLowerCase()} must be a number${field.unit ? ` (${field.unit})` : ''}`;
    out[field.key] = value;
  }
  if (draft.kind === 'trace') {
    const tokens = draft.times.split(/[\s,;]+/).filter(Boolean);
    if (tokens.length === 0) return `${name}: give at least one time (seconds), or read them from a file`;
    const times: number[] = [];
    for (const [i, token] of tokens.entries()) {
      const value = Number(token);
      if (!Number.isFinite(value)) return `${name}: value ${i + 1} ('${token}') is not a number of seconds`;
      times.push(value);
    }
    out.times = times;
  }
  if (draft.kind === 'concurrency') {
    if (draft.levels.length === 0) return `${name}: add at least one level`;
    const levels: { concurrency: number; duration: number }[] = [];
    for (const [i, level] of draft.levels.entries()) {
      const concurrency = Number(level.concurrency.trim());
      const duration = Number(level.duration.trim());
      if (level.concurrency.trim() === '' || !Number.isInteger(concurrency))
        return `${name}: level ${i + 1}'s clients must be a whole number`;
      if (level.duration.trim() === '' || !Number.isFinite(duration))
        return `${name}: level ${i + 1}'s duration must be a number (s)`;
      levels.push({ concurrency, duration });
    }
    out.levels = levels;
  }
  return out as SegmentInput;
}

export type ShapeBuild = { ok: true; shape: ShapeInput } | { ok: false; error: string };

export function buildShape(segments: readonly SegmentDraft[], seedText: string): ShapeBuild {
  if (segments.length === 0) return { ok: false, error: 'Add at least one segment.' };
  const seed = Number(seedText.trim());
  if (seedText.trim() === '' || !Number.isInteger(seed) || seed < 0)
    return { ok: false, error: 'The seed is a whole number of 0 or more.' };
  const built: SegmentInput[] = [];
  for (const [i, draft] of segments.entries()) {
    const segment = toSegment(draft, i);
    if (typeof segment === 'string') return { ok: false, error: segment };
    built.push(segment);
  }
  return { ok: true, shape: { segments: built, seed } };
}

export interface ShapePreview {
  durationSeconds: number;
  /** Open-loop requests the schedule sends. */
  expectedRequests: number;
  /** Some segment is closed loop (its requests depend on the target's speed). */
  closedLoop: boolean;
  binSeconds: number;
  bins: SchedulePreview;
}

/** Bins for the preview chart: about 300 over the shape, on a round size. */
export function previewBinSeconds(durationSeconds: number): number {
  const raw = Math.max(durationSeconds / 300, 0.01);
  const steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  return steps.find((s) => s >= raw) ?? 3600;
}

/** The compiled schedule's figures and preview, or the compiler's message (a ShapeError) for a bad shape. */
export function previewShape(shape: ShapeInput): { ok: true; preview: ShapePreview } | { ok: false; error: string } {
  try {
    const schedule = compileShape(shape);
    const durationSeconds = schedule.durationMs / 1000;
    const binSeconds = previewBinSeconds(durationSeconds);
    return {
      ok: true,
      preview: {
        durationSeconds,
        expectedRequests: schedule.expectedRequests,
        closedLoop: schedule.phases.some((p) => p.kind === 'closed'),
        binSeconds,
        bins: schedule.preview(binSeconds),
      },
    };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The whole form

export type TargetKind = 'endpoint' | 'runtime' | 'url';

export interface HeaderDraft {
  name: string;
  value: string;
}

export interface LoadTestDraft {
  name: string;
  target: {
    kind: TargetKind;
    model: string;
    /** '' for the model's default version (production, else latest). */
    version: string;
    url: string;
    modelName: string;
    modelVersion: string;
    apiKey: string;
    headers: HeaderDraft[];
  };
  inputs: {
    kind: 'synthetic' | 'replay';
    fill: 'random' | 'zeros';
    dims: Record<string, string>;
    /** For a URL target, whose dims are only known at run time: "batch=1, dim1=8". */
    dimsText: string;
    file: string;
  };
  protocol: 'json' | 'binary';
  timeoutMs: string;
  connections: string;
  segments: SegmentDraft[];
  seed: string;
  capacity: { enabled: boolean; budgetMs: string; startRate: string; maxRate: string };
}

export function newDraft(): LoadTestDraft {
  return {
    name: '',
    target: {
      kind: 'endpoint',
      model: '',
      version: '',
      url: 'http://127.0.0.1:8000',
      modelName: '',
      modelVersion: '',
      apiKey: '',
      headers: [],
    },
    inputs: { kind: 'synthetic', fill: 'random', dims: {}, dimsText: '', file: '' },
    protocol: 'json',
    timeoutMs: '30000',
    connections: '128',
    segments: [newSegment('constant')],
    seed: '1',
    capacity: { enabled: false, budgetMs: '50', startRate: '10', maxRate: '10000' },
  };
}

export type ConfigBuild = { ok: true; config: LoadTestConfigInput } | { ok: false; error: string };

const positive = (text: string, what: string): number | string => {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value > 0 ? value : `${what} must be a number above 0`;
};

/** `symbolicDims`: the chosen model's symbolic dims, whose bindings are checked. */
export function buildConfig(draft: LoadTestDraft, symbolicDims: readonly string[]): ConfigBuild {
  const t = draft.target;
  let target: LoadTestConfigInput['target'];
  if (t.kind === 'url') {
    if (t.url.trim() === '') return { ok: false, error: 'Enter the endpoint URL, such as http://host:8000.' };
    if (t.modelName.trim() === '') return { ok: false, error: 'Enter the model name the endpoint serves.' };
    const headers: Record<string, string> = {};
    for (const h of t.headers) if (h.name.trim() !== '') headers[h.name.trim()] = h.value;
    if (t.apiKey.trim() !== '') headers.authorization = `Bearer ${t.apiKey.trim()}`;
    target = {
      kind: 'url',
      url: t.url.trim(),
      modelName: t.modelName.trim(),
      ...(t.modelVersion.trim() ? { modelVersion: t.modelVersion.trim() } : {}),
      headers,
    };
  } else {
    if (t.model === '') return { ok: false, error: 'Choose a model to test.' };
    target = { kind: t.kind, model: t.model, ...(t.version ? { version: Number(t.version) } : {}) };
  }

  let inputs: LoadTestConfigInput['inputs'];
  if (draft.inputs.kind === 'replay') {
    if (draft.inputs.file.trim() === '') return { ok: false, error: 'Enter a replay file path, or pick a sample.' };
    inputs = { kind: 'replay', file: draft.inputs.file.trim() };
  } else {
    // An empty binding is left to the engine, which sizes an unbound dim as 1.
    const given: [string, string][] =
      t.kind === 'url'
        ? draft.inputs.dimsText
            .split(/[,;\s]+/)
            .filter(Boolean)
            .map((pair) => {
              const [name = '', value = ''] = pair.split('=');
              return [name.trim(), value.trim() || 'missing'];
            })
        : symbolicDims.map((name) => [name, draft.inputs.dims[name] ?? '']);
    const dims: Record<string, number> = {};
    for (const [name, text] of given) {
      if (text.trim() === '') continue;
      const value = Number(text);
      if (name === '' || !Number.isInteger(value) || value < 1)
        return {
          ok: false,
          error:
            t.kind === 'url'
              ? `Dims are written name=value with whole numbers of 1 or more, e.g. batch=1; '${name}' is not.`
              : `Dim '${name}' needs a whole number of 1 or more (or nothing, for 1).`,
        };
      dims[name] = value;
    }
    inputs = { kind: 'synthetic', fill: draft.inputs.fill, dims };
  }

  const timeoutMs = positive(draft.timeoutMs, 'The timeout');
  if (typeof timeoutMs === 'string') return { ok: false, error: timeoutMs };
  const connections = positive(draft.connections, 'Connections');
  if (typeof connections === 'string') return { ok: false, error: connections };

  const config: LoadTestConfigInput = {
    target,
    inputs,
    protocol: draft.protocol,
    timeoutMs: Math.round(timeoutMs),
    connections: Math.round(connections),
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
  };
  if (draft.capacity.enabled) {
    const budgetMs = positive(draft.capacity.budgetMs, 'The p99 budget');
    if (typeof budgetMs === 'string') return { ok: false, error: budgetMs };
    const startRate = positive(draft.capacity.startRate, 'The start rate');
    if (typeof startRate === 'string') return { ok: false, error: startRate };
    const maxRate = positive(draft.capacity.maxRate, 'The maximum rate');
    if (typeof maxRate === 'string') return { ok: false, error: maxRate };
    if (maxRate <= startRate) return { ok: false, error: 'The maximum rate must be above the start rate.' };
    config.capacity = { budgetMs, startRate, maxRate };
  } else {
    const shape = buildShape(draft.segments, draft.seed);
    if (!shape.ok) return shape;
    const preview = previewShape(shape.shape);
    if (!preview.ok) return preview;
    config.shape = shape.shape;
  }
  // The contract's own check last: whatever the form missed is said the way the engine would say it.
  const parsed = LoadTestConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${issue.path.join('.')}: ${issue.message}` };
  }
  return { ok: true, config };
}
