// What the provider probe child reports to its parent, and the stderr marker that splits its native output
// by provider.

export interface ProbeOutcome {
  name: string;
  bundled: boolean;
  available: boolean;
  error?: string;
  probeMs: number;
}

export type ProbeMessage =
  { type: 'outcome'; outcome: ProbeOutcome } | { type: 'done' } | { type: 'fatal'; message: string };

export const PROBE_MARKER = '@@slipway-probe ';
