// Every library version as `NAME:V`, the form comparisons, fits and references name a version by.
import type { ModelSummary } from '../../../src-shared/contract';

export interface VersionRef {
  ref: string;
  model: string;
  version: number;
  stage: string;
}

export function versionRefs(models: readonly ModelSummary[] | null): VersionRef[] {
  return (models ?? []).flatMap((m) =>
    m.versions.map((v) => ({ ref: `${v.model}:${v.version}`, model: v.model, version: v.version, stage: v.stage })),
  );
}

export function splitRef(ref: string): { name: string; version: number } {
  const at = ref.lastIndexOf(':');
  return { name: ref.slice(0, at), version: Number(ref.slice(at + 1)) };
}
