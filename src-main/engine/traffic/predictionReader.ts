// A version's prediction per row, read from its served outputs: the class (a label output, or the argmax of a
// [batch, C] score output) or the value (a single float per row), chosen from the signature as the compare
// screen chooses it, so live drift, shadow agreement and offline comparison agree on what "the prediction" is.
import type { ModelSignature } from '../../../src-shared/contract';
import { choosePrediction } from '../compare/replay/choosePrediction';
import type { WireTensor } from '../runtime/wireTensor';
import { rowStrings, rowValues } from './outputValues';

export interface PredictionReader {
  kind: 'class' | 'value' | null;
  /** The output read, when there is one. */
  output: string | null;
  /** One number per row (class index, interned string label, or value); null when the output is missing. */
  read(outputs: readonly WireTensor[]): number[] | null;
}

/** `labelCodes` is shared by the versions of one model, so a string label gets the same code in each. */
export function predictionReaderFor(signature: ModelSignature, labelCodes: Map<string, number>): PredictionReader {
  let choice;
  try {
    choice = choosePrediction(signature, null);
  } catch {
    // No output reads as a prediction (an embedding, an image): the model is compared by |Δ| alone.
    return { kind: null, output: null, read: () => null };
  }
  const { output, rule } = choice;
  const find = (outputs: readonly WireTensor[]) => outputs.find((o) => o.name === output);
  if (rule === 'argmax') {
    return {
      kind: 'class',
      output,
      read(outputs) {
        const t = find(outputs);
        const rv = t && rowValues(t);
        if (!rv || rv.width < 1) return null;
        const out = new Array<number>(rv.rows);
        for (let r = 0; r < rv.rows; r++) {
          let best = 0;
          let bestValue = -Infinity;
          for (let c = 0; c < rv.width; c++) {
            const v = rv.values[r * rv.width + c]!;
            // NaN never wins; the first of equal maxima does, as numpy's argmax.
            if (v > bestValue) {
              bestValue = v;
              best = c;
            }
          }
          out[r] = best;
        }
        return out;
      },
    };
  }
  return {
    kind: rule === 'label' ? 'class' : 'value',
    output,
    read(outputs) {
      const t = find(outputs);
      if (!t) return null;
      const strings = rowStrings(t);
      if (strings) {
        return strings.map((s) => {
          let code = labelCodes.get(s);
          if (code === undefined) {
            code = labelCodes.size;
            labelCodes.set(s, code);
          }
          return code;
        });
      }
      const rv = rowValues(t);
      if (!rv || rv.width !== 1) return null;
      return Array.from(rv.values);
    },
  };
}
