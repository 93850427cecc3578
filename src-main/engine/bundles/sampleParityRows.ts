// Real rows for the edge parity check: the first sample file shipped in resources/data whose rows carry exactly
// the model's inputs (reference sets sort first, so digits and cancer use their reference data).
import type { SampleFiles } from '../sampleFiles';
import type { ParityRows } from './edge/writeEdgeBundle';

const PARITY_ROWS = 32;

export function sampleParityRows(samples: SampleFiles): ParityRows {
  return (signature) => {
    const inputs = signature.inputs.map((i) => i.name).sort();
    const files = samples
      .list()
      .filter((f) => f.inputs.length === inputs.length && f.inputs.every((name, i) => name === inputs[i]))
      .sort((a, b) => Number(b.file.includes('reference')) - Number(a.file.includes('reference')));
    const file = files[0];
    if (!file) return null;
    const rows = Array.from({ length: Math.min(PARITY_ROWS, file.rows) }, (_, i) => samples.row(file.file, i).inputs);
    return { rows, from: `${file.file}, first ${rows.length} rows` };
  };
}
