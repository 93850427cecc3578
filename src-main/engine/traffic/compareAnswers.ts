// Compares a shadow's answer with the live answer to the same request, row by row: whether the prediction is
// the same, and per numeric output the largest |live − shadow| in each row.
import type { WireTensor } from '../runtime/wireTensor';
import { rowValues } from './outputValues';
import type { ShadowPairRecord } from './trafficTypes';

export interface Answer {
  version: number;
  outputs: readonly WireTensor[];
  /** Per row, from the model's prediction reader; null when it has none. */
  predictions: readonly number[] | null;
  kind: 'class' | 'value' | null;
}

export function compareAnswers(live: Answer, shadow: Answer, atMs: number): ShadowPairRecord {
  let rows = 0;
  let agreeingRows = 0;
  const lp = live.predictions;
  const sp = shadow.predictions;
  if (lp && sp && lp.length === sp.length && live.kind !== null && live.kind === shadow.kind) {
    rows = lp.length;
    for (let r = 0; r < rows; r++) {
      // Values agree when they are the same float32: the precision the models answer in.
      const same = live.kind === 'class' ? lp[r] === sp[r] : Math.fround(lp[r]!) === Math.fround(sp[r]!);
      if (same) agreeingRows += 1;
    }
  }
  const absDelta: Record<string, number[]> = {};
  for (const lt of live.outputs) {
    const st = shadow.outputs.find((o) => o.name === lt.name);
    if (!st) continue;
    const a = rowValues(lt);
    const b = rowValues(st);
    if (!a || !b || a.rows !== b.rows || a.width !== b.width) continue;
    const perRow = new Array<number>(a.rows);
    for (let r = 0; r < a.rows; r++) {
      let max = 0;
      for (let c = 0; c < a.width; c++) {
        const x = a.values[r * a.width + c]!;
        const y = b.values[r * a.width + c]!;
        // Equal infinities and two NaNs are the same answer; a NaN against a number is as far apart as it gets.
        const d =
          x === y || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Number.isNaN(x - y) ? Infinity : Math.abs(x - y);
        if (d > max) max = d;
      }
      perRow[r] = max;
    }
    absDelta[lt.name] = perRow;
  }
  return { liveVersion: live.version, shadowVersion: shadow.version, atMs, rows, agreeingRows, absDelta };
}
