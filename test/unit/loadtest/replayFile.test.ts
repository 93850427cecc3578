// Replay files for load tests: JSONL samples get their batch axis, CSV columns map onto a [batch, N] input, and
// every mismatch with the model is refused before the run, saying exactly what does not fit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src-shared/contract';
import { readReplayFile, splitCsvLine } from '../../../src-main/engine/loadtest/replayFile';
import { UserError } from '../../../src-main/engine/userError';
import { data } from '../../helpers/paths';
import { sig } from '../../helpers/signatures';
import { tempDir } from '../../helpers/tempDir';
import { thrown } from '../../helpers/thrown';

const digits: ModelSignature = { inputs: [sig('pixels', 'float32', ['batch', 64])], outputs: [] };
const cancer: ModelSignature = { inputs: [sig('features', 'float32', ['batch', 30])], outputs: [] };
const text: ModelSignature = {
  inputs: [sig('input_ids', 'int64', ['batch', 'sequence']), sig('attention_mask', 'int64', ['batch', 'sequence'])],
  outputs: [],
};

const dir = tempDir();
function file(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}
const refused = (path: string, signature: ModelSignature) => thrown(() => readReplayFile(path, signature), UserError);

describe('JSONL', () => {
  it('reads each row as one request with a batch axis of 1', () => {
    const { sets, rowsInFile } = readReplayFile(data('digits_reference.jsonl'), digits);
    expect(rowsInFile).toBeGreaterThan(100);
    expect(sets).toHaveLength(rowsInFile);
    expect(sets[0]!.map((t) => [t.name, t.type, t.dims])).toEqual([['pixels', 'float32', [1, 64]]]);
    const first = new Float32Array(sets[0]![0]!.data as ArrayBuffer);
    expect([...first.slice(0, 5)]).toEqual([0, 0, 0, 0.5, 0.4375]);
  });

  it('keeps symbolic dims per row (text rows with their own sequence length)', () => {
    const { sets } = readReplayFile(data('text_samples.jsonl'), text);
    expect(sets[0]!.map((t) => t.dims)).toEqual([
      [1, 32],
      [1, 32],
    ]);
  });

  it('accepts rows that already carry the batch axis', () => {
    const path = file('batched.jsonl', `${JSON.stringify({ inputs: { pixels: [new Array(64).fill(0.5)] } })}\n`);
    expect(readReplayFile(path, digits).sets[0]![0]!.dims).toEqual([1, 64]);
  });

  it('names the input the model lacks and the ones it has', () => {
    const error = refused(data('cancer_reference.jsonl'), digits);
    expect(error.message).toMatch(
      /cancer_reference\.jsonl line 1: unknown input 'features'; the model's inputs are: pixels/,
    );
  });

  it('says how many values a row has against how many the model takes', () => {
    const path = file('short.jsonl', `${JSON.stringify({ inputs: { pixels: [1, 2, 3] } })}\n`);
    expect(refused(path, digits).message).toMatch(/short\.jsonl line 1: input 'pixels'.*(64|3)/);
  });

  it('refuses a line that is not JSON or not {"inputs": ...}, with its line number', () => {
    expect(refused(file('bad.jsonl', '\n{"inputs": {"pixels": [1]}\n'), digits).message).toMatch(
      /bad\.jsonl line 2 is not valid JSON/,
    );
    expect(refused(file('bare.jsonl', '{"pixels": [1]}\n'), digits).message).toMatch(
      /bare\.jsonl line 1: expected \{"inputs": \{"<input>": <one sample>\}\}; the model's inputs are: pixels/,
    );
  });
});

describe('CSV', () => {
  it('maps the feature columns in order onto the single [batch, N] input and ignores the label', () => {
    const { sets } = readReplayFile(data('digits_reference.csv'), digits);
    const jsonl = readReplayFile(data('digits_reference.jsonl'), digits);
    expect(sets).toHaveLength(jsonl.sets.length);
    expect(sets[0]![0]!.dims).toEqual([1, 64]);
    expect(new Float32Array(sets[3]![0]!.data as ArrayBuffer)).toEqual(
      new Float32Array(jsonl.sets[3]![0]!.data as ArrayBuffer),
    );
  });

  it('refuses columns that do not fit the input, with both counts and the column names', () => {
    const error = refused(data('cancer_reference.csv'), digits);
    expect(error.message).toMatch(
      /cancer_reference\.csv has 30 feature columns \(mean_radius, mean_texture, mean_perimeter, …, worst_symmetry, worst_fractal_dimension\) \(plus a 'label' column, ignored\), but input 'pixels' takes 64 values per row \(float32 \[batch, 64\]\)/,
    );
    expect(() => readReplayFile(data('cancer_reference.csv'), cancer)).not.toThrow();
  });

  it('refuses a model with several inputs and points at JSONL', () => {
    expect(refused(data('digits_reference.csv'), text).message).toMatch(
      /fills one input of shape \[batch, N\], but the model has 2 inputs \('input_ids' \[batch, sequence\], 'attention_mask' \[batch, sequence\]\); use a JSONL file/,
    );
  });

  it('names the line and column of a cell that is not a number, and rows with missing cells', () => {
    expect(
      refused(file('word.csv', 'a,b,label\n1,2,0\n3,x,1\n'), {
        inputs: [sig('v', 'float32', ['batch', 2])],
        outputs: [],
      }).message,
    ).toMatch(/word\.csv line 3, column 'b': 'x' is not a number/);
    expect(
      refused(file('ragged.csv', 'a,b\n1\n'), { inputs: [sig('v', 'float32', ['batch', 2])], outputs: [] }).message,
    ).toMatch(/ragged\.csv line 2 has 1 cells; the header has 2 columns/);
  });

  it('splits quoted cells as RFC 4180 does', () => {
    expect(splitCsvLine('"a,b",2,"say ""hi"""')).toEqual(['a,b', '2', 'say "hi"']);
  });
});

describe('files', () => {
  it('refuses a missing file, a directory, an unknown extension and an empty file', () => {
    expect(refused(join(dir, 'nope.jsonl'), digits).message).toMatch(
      /cannot read replay file .*nope\.jsonl: no such file/,
    );
    expect(refused(file('rows.txt', '1,2'), digits).message).toMatch(/expected a \.jsonl file .* or a \.csv file/);
    expect(refused(file('empty.jsonl', '\n\n'), digits).message).toMatch(/has no rows/);
    expect(refused(file('header.csv', 'a,b\n'), digits).message).toMatch(/header/);
  });
});
