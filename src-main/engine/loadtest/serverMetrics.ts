// Server-side time per request during a load test, from the target's Prometheus /metrics (Slipway's or
// Triton's names): the deltas of cumulative queue and compute microseconds over successful requests, second by
// second. A target without these metrics is skipped quietly after the first try.
import { request } from 'undici';

export interface ServerTimes {
  queueMs: number | null;
  computeMs: number | null;
}

interface Totals {
  queueUs: number;
  computeUs: number;
  success: number;
}

const METRICS = {
  queueUs: 'nv_inference_queue_duration_us',
  computeUs: 'nv_inference_compute_infer_duration_us',
  success: 'nv_inference_request_success',
} as const;

/** Sums each metric over the series whose labels match the model (and version, when given). */
export function parseTotals(text: string, model: string, version?: string): Totals | undefined {
  const totals: Totals = { queueUs: 0, computeUs: 0, success: 0 };
  let seen = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith('nv_inference_')) continue;
    const brace = line.indexOf('{');
    if (brace < 0) continue;
    const name = line.slice(0, brace);
    const key = (Object.keys(METRICS) as (keyof Totals)[]).find((k) => METRICS[k] === name);
    if (!key) continue;
    const close = line.indexOf('}', brace);
    const labels = parseLabels(line.slice(brace + 1, close));
    if (labels.model !== model || (version !== undefined && labels.version !== version)) continue;
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (!Number.isFinite(value)) continue;
    totals[key] += value;
    seen = true;
  }
  return seen ? totals : undefined;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return labels;
}

export class ServerMetricsScraper {
  private last: Totals | undefined;
  private disabled = false;

  constructor(
    private readonly metricsUrl: string,
    private readonly model: string,
    private readonly version: string | undefined,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Mean queue and compute ms per request since the previous scrape; undefined when unknown. */
  async sample(): Promise<ServerTimes | undefined> {
    if (this.disabled) return undefined;
    let totals: Totals | undefined;
    try {
      const res = await request(this.metricsUrl, { headers: this.headers, headersTimeout: 2_000, bodyTimeout: 2_000 });
      const text = await res.body.text();
      totals = res.statusCode === 200 ? parseTotals(text, this.model, this.version) : undefined;
    } catch {
      totals = undefined;
    }
    if (!totals) {
      // No metrics at all on the first try: this target does not publish them.
      if (!this.last) this.disabled = true;
      return undefined;
    }
    const previous = this.last;
    this.last = totals;
    if (!previous) return undefined;
    const done = totals.success - previous.success;
    if (done <= 0) return { queueMs: null, computeMs: null };
    return {
      queueMs: (totals.queueUs - previous.queueUs) / done / 1000,
      computeMs: (totals.computeUs - previous.computeUs) / done / 1000,
    };
  }
}
