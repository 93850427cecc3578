// Live drift for everything an endpoint serves: one LiveDriftMonitor per served version that has a reference
// profile, created on the version's first request, fed by the data plane's input observer, evaluated on a
// timer; alerts go to one listener. Versions without a reference profile are simply not monitored.
import {
  LiveDriftSettingsSchema,
  type FeatureProfile,
  type LiveDriftAlert,
  type LiveDriftSettingsInput,
  type LiveDriftStatus,
} from '../../../src-shared/contract';
import { fromFloat16Array } from '../runtime/float16';
import { elementView } from '../runtime/tensorCodec';
import type { WireTensor } from '../runtime/wireTensor';
import type { ServedInputObserver } from '../serving/servedInputObserver';
import { UserError } from '../userError';
import { LiveDriftMonitor } from './liveDriftMonitor';

/** A version's reference: its feature profile and each profiled input's element count per row. */
export interface LiveDriftReference {
  profile: readonly FeatureProfile[];
  rowSizes: ReadonlyMap<string, number>;
}

/** Where references come from (the dataset library; serving never imports it). */
export interface LiveDriftReferenceSource {
  referenceOf(model: string, version: number): LiveDriftReference | null;
}

interface Entry {
  monitor: LiveDriftMonitor | null;
  rowSizes: ReadonlyMap<string, number>;
}

export class LiveDriftRegistry implements ServedInputObserver {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly source: LiveDriftReferenceSource,
    private readonly settings: LiveDriftSettingsInput,
    private readonly onAlert: (alert: LiveDriftAlert) => void,
  ) {
    // Checked here, before serving starts: a monitor built on the first request could only fail silently.
    const parsed = LiveDriftSettingsSchema.safeParse(settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError('bad-input', `invalid live drift settings: ${issue.path.join('.')} ${issue.message}`);
    }
  }

  observe(model: string, version: number, inputs: readonly WireTensor[]): void {
    const entry = this.entryFor(model, version);
    const monitor = entry.monitor;
    if (!monitor) return;
    let rows = -1;
    const values = new Map<string, ArrayLike<number>>();
    for (const t of inputs) {
      const size = entry.rowSizes.get(t.name);
      if (size === undefined || size === 0 || t.type === 'string') continue;
      const numbers = numericView(t);
      const tensorRows = numbers.length / size;
      // A request whose inputs disagree on the row count is the model's to refuse, not ours to sample.
      if (!Number.isInteger(tensorRows) || (rows >= 0 && rows !== tensorRows)) return;
      rows = tensorRows;
      values.set(t.name, numbers);
    }
    if (rows > 0) monitor.offer(values, rows);
  }

  /** The latest verdict of every monitored version (evaluated now when it never was). */
  statuses(): LiveDriftStatus[] {
    const out: LiveDriftStatus[] = [];
    for (const entry of this.entries.values()) {
      if (entry.monitor) out.push(entry.monitor.status() ?? entry.monitor.evaluate());
    }
    return out;
  }

  /** Compares every window now (tests, and the UI's "check now"). */
  evaluateAll(): LiveDriftStatus[] {
    return [...this.entries.values()].flatMap((e) => (e.monitor ? [e.monitor.evaluate()] : []));
  }

  /** Forgets a version's monitor (it was unloaded, or its reference changed); the next request makes a new one. */
  forget(model: string, version: number): void {
    const key = `${model.toLowerCase()}:${version}`;
    this.entries.get(key)?.monitor?.stop();
    this.entries.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) entry.monitor?.stop();
    this.entries.clear();
  }

  private entryFor(model: string, version: number): Entry {
    const key = `${model.toLowerCase()}:${version}`;
    let entry = this.entries.get(key);
    if (entry) return entry;
    const reference = this.closed ? null : this.source.referenceOf(model, version);
    if (!reference || reference.profile.length === 0) {
      entry = { monitor: null, rowSizes: new Map() };
    } else {
      const monitor = new LiveDriftMonitor(model, version, reference.profile, this.settings);
      monitor.onAlert(this.onAlert);
      monitor.start();
      entry = { monitor, rowSizes: reference.rowSizes };
    }
    this.entries.set(key, entry);
    return entry;
  }
}

/** A tensor's elements as numbers: a view where the type allows, a converted copy for 64-bit ints and halves. */
function numericView(t: WireTensor): ArrayLike<number> {
  const view = elementView(t);
  if (Array.isArray(view)) return [];
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) return Float64Array.from(view, Number);
  if (t.type === 'float16') return fromFloat16Array(view as Uint16Array);
  return view as ArrayLike<number>;
}
