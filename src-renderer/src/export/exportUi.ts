// The Export screen's own state (zustand), kept across visits: the version and targets chosen, the folder (null:
// the engine's default), the KServe storageUri, the archive choice, and the export and import jobs last started.
import { create } from 'zustand';
import type { BundleTarget, ExportRequestInput } from '../../../src-shared/contract';

export interface ExportForm {
  /** "name:version" of the library version to export. */
  ref: string | null;
  targets: Record<BundleTarget, boolean>;
  /** null: the engine's default folder for the version. */
  outDir: string | null;
  storageUri: string;
  tar: boolean;
}

interface ExportUi extends ExportForm {
  exportJob: string | null;
  importPath: string;
  importJob: string | null;
  setRef(ref: string | null): void;
  setTarget(target: BundleTarget, on: boolean): void;
  setOutDir(outDir: string | null): void;
  setStorageUri(storageUri: string): void;
  setTar(tar: boolean): void;
  setExportJob(id: string | null): void;
  setImportPath(path: string): void;
  setImportJob(id: string | null): void;
}

export const useExportUi = create<ExportUi>((set) => ({
  ref: null,
  targets: { triton: true, kserve: false, standalone: false, edge: false },
  outDir: null,
  storageUri: '',
  tar: false,
  exportJob: null,
  importPath: '',
  importJob: null,
  // Another version has another default folder: a folder typed for the last one is kept only if the user set it.
  setRef: (ref) => set({ ref }),
  setTarget: (target, on) => set((s) => ({ targets: { ...s.targets, [target]: on } })),
  setOutDir: (outDir) => set({ outDir }),
  setStorageUri: (storageUri) => set({ storageUri }),
  setTar: (tar) => set({ tar }),
  setExportJob: (exportJob) => set({ exportJob }),
  setImportPath: (importPath) => set({ importPath }),
  setImportJob: (importJob) => set({ importJob }),
}));

/** "digits-mlp:2" → its parts (the name may not hold a colon, so the last one splits). */
export function parseRef(ref: string): { model: string; version: number } | null {
  const at = ref.lastIndexOf(':');
  const version = Number(ref.slice(at + 1));
  if (at <= 0 || !Number.isInteger(version) || version < 1) return null;
  return { model: ref.slice(0, at), version };
}

/** The targets to send: KServe's InferenceService reads the Triton repository, so it brings triton along. */
export function chosenTargets(targets: Record<BundleTarget, boolean>): BundleTarget[] {
  const on = (Object.keys(targets) as BundleTarget[]).filter((t) => targets[t]);
  if (on.includes('kserve') && !on.includes('triton')) on.unshift('triton');
  return on;
}

/** The request the form describes, or null while no version is chosen. */
export function exportRequest(form: ExportForm): ExportRequestInput | null {
  const ref = form.ref ? parseRef(form.ref) : null;
  if (!ref) return null;
  const targets = chosenTargets(form.targets);
  const outDir = form.outDir?.trim();
  const storageUri = form.storageUri.trim();
  return {
    ...ref,
    targets,
    tar: form.tar,
    ...(outDir ? { outDir } : {}),
    ...(targets.includes('kserve') && storageUri ? { storageUri } : {}),
  };
}
