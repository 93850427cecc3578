// What the Serve screen remembers while the user visits other screens: the endpoint form, which models it
// serves, and which version the charts, the settings editor and the examples look at. Never the API key on disk.
import { create } from 'zustand';

/** Per model: serve it, and which version ('default': production, else the latest). */
export interface ModelPick {
  on: boolean;
  version: 'default' | number;
}

export interface ServeUiState {
  host: string;
  port: string;
  apiKey: string;
  corsOrigins: string;
  /** Live drift: % of served rows sampled (0 turns it off). */
  driftSamplePercent: string;
  /** Models not listed here are served with their default version. */
  picks: Record<string, ModelPick>;
  /** The endpoint was started with a key from this form (examples then send one). */
  startedWithKey: boolean;
  /** Model the charts are limited to (null: all served). */
  chartModel: string | null;
  /** `model:version` the settings editor shows. */
  editing: string | null;
  /** `model:version` the examples are for. */
  exampleTarget: string | null;
  set(patch: Partial<Omit<ServeUiState, 'set' | 'pick'>>): void;
  pick(model: string, patch: Partial<ModelPick>): void;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;

export const useServeUi = create<ServeUiState>((set) => ({
  host: DEFAULT_HOST,
  port: String(DEFAULT_PORT),
  apiKey: '',
  corsOrigins: '',
  driftSamplePercent: '10',
  picks: {},
  startedWithKey: false,
  chartModel: null,
  editing: null,
  exampleTarget: null,
  set: (patch) => set(patch),
  pick: (model, patch) =>
    set((s) => ({
      picks: { ...s.picks, [model]: { ...(s.picks[model] ?? { on: true, version: 'default' }), ...patch } },
    })),
}));

export function versionKey(model: string, version: number): string {
  return `${model}:${version}`;
}

export function parseVersionKey(key: string): { model: string; version: number } | null {
  const at = key.lastIndexOf(':');
  const version = Number(key.slice(at + 1));
  return at > 0 && Number.isInteger(version) ? { model: key.slice(0, at), version } : null;
}

/** Loopback as the engine decides it: these hosts need no API key. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
