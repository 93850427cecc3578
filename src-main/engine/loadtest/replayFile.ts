// Reads a replay file for a load test into one input set per row, checked against the model before the run:
// JSONL rows {"inputs": {name: one sample}} (the batch axis is added), or CSV with a header row whose columns
// are the features of the model's single [batch, N] input (a `label` column is ignored).
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract';
import { formatShape } from '../../../src-shared/shapes';
import { encodeFlatInput, encodeInputs } from '../runtime/tensorCodec';
import { TensorCodecError } from '../runtime/tensorCodecError';
import type { WireTensor } from '../runtime/wireTensor';
import { UserError } from '../userError';

/** Rows beyond this are not read: the cycle of distinct requests is long enough to defeat any cache. */
export const MAX_REPLAY_ROWS = 10_000;

export interface ReplayRows {
  sets: WireTensor[][];
  /** Rows in the file (may exceed the rows read). */
  rowsInFile: number;
}

export function readReplayFile(path: string, signature: ModelSignature): ReplayRows {
  const ext = extname(path).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.ndjson' && ext !== '.csv') {
    throw new UserError(
      'bad-input',
      `replay file ${path}: expected a .jsonl file ({"inputs": {...}} per line) or a .csv file with a header row`,
    );
  }
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new UserError('bad-input', `replay file ${path} is a directory`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'not-found',
      `cannot read replay file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
    );
  }
  return ext === '.csv' ? readCsv(path, text, signature) : readJsonl(path, text, signature);
}

// ---------------------------------------------------------------------------------------------------------
// JSONL

function depthOf(value: unknown): number {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth++;
  return depth;
}

/** A sample without its batch axis gets one; a row that already is a batch (full rank) stays as it is. */
function withBatchAxis(sig: TensorSignature, value: unknown): unknown {
  if (sig.shape === null) return value;
  return depthOf(value) === sig.shape.length - 1 ? [value] : value;
}

function readJsonl(path: string, text: string, signature: ModelSignature): ReplayRows {
  const name = basename(path);
  const lines = text.split('\n');
  const sets: WireTensor[][] = [];
  let rows = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    rows++;
    if (sets.length >= MAX_REPLAY_ROWS) return;
    const where = `${name} line ${index + 1}`;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (error) {
      throw new UserError('bad-input', `${where} is not valid JSON: ${(error as Error).message}`);
    }
    const values =
      typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as { inputs?: unknown }).inputs : undefined;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new UserError(
        'bad-input',
        `${where}: expected {"inputs": {"<input>": <one sample>}}; the model's inputs are: ${signature.inputs.map((i) => i.name).join(', ')}`,
      );
    }
    const batched: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const sig = signature.inputs.find((i) => i.name === key);
      batched[key] = sig ? withBatchAxis(sig, value) : value;
    }
    try {
      sets.push(encodeInputs(signature.inputs, batched));
    } catch (error) {
      if (error instanceof TensorCodecError) throw new UserError('bad-input', `${where}: ${error.message}`);
      throw error;
    }
  });
  if (rows === 0) throw new UserError('bad-input', `replay file ${path} has no rows`);
  return { sets, rowsInFile: rows };
}

// ---------------------------------------------------------------------------------------------------------
// CSV

/** One CSV record's cells (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function listColumns(columns: string[]): string {
  return columns.length <= 6
    ? columns.join(', ')
    : `${columns.slice(0, 3).join(', ')}, …, ${columns.slice(-2).join(', ')}`;
}

function readCsv(path: string, text: string, signature: ModelSignature): ReplayRows {
  const name = basename(path);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new UserError('bad-input', `replay file ${path} is empty; expected a header row and rows`);
  const header = splitCsvLine(lines[headerIndex]!);
  const labelAt = header.findIndex((h) => h.toLowerCase() === 'label');
  const featureAt = header.map((_, i) => i).filter((i) => i !== labelAt);
  const features = featureAt.map((i) => header[i]!);
  const labelNote = labelAt >= 0 ? ` (plus a 'label' column, ignored)` : '';

  if (signature.inputs.length !== 1) {
    throw new UserError(
      'bad-input',
      `${name}: a CSV replay file fills one input of shape [batch, N], but the model has ${signature.inputs.length} inputs ` +
        `(${signature.inputs.map((i) => `'${i.name}' ${formatShape(i.shape)}`).join(', ')}); use a JSONL file with {"inputs": {...}} rows`,
    );
  }
  const sig = signature.inputs[0]!;
  if (sig.shape === null || sig.shape.length !== 2) {
    throw new UserError(
      'bad-input',
      `${name}: a CSV replay file gives each row as one flat sample, but input '${sig.name}' has shape ${formatShape(sig.shape)}, not [batch, N]; use a JSONL file`,
    );
  }
  const width = sig.shape[1];
  if (typeof width === 'number' && width !== features.length) {
    throw new UserError(
      'bad-input',
      `${name} has ${features.length} feature columns (${listColumns(features)})${labelNote}, but input '${sig.name}' ` +
        `takes ${width} values per row (${sig.elementType} ${formatShape(sig.shape)})`,
    );
  }
  if (features.length === 0) throw new UserError('bad-input', `${name}: the header has no feature columns`);

  const sets: WireTensor[][] = [];
  let rows = 0;
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    rows++;
    if (sets.length >= MAX_REPLAY_ROWS) continue;
    const where = `${name} line ${index + 1}`;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      throw new UserError('bad-input', `${where} has ${cells.length} cells; the header has ${header.length} columns`);
    }
    const values = featureAt.map((column, k) => {
      const cell = cells[column]!;
      const value = cell === 'true' ? 1 : cell === 'false' ? 0 : Number(cell);
      if (cell === '' || Number.isNaN(value)) {
        throw new UserError('bad-input', `${where}, column '${features[k]}': '${cell}' is not a number`);
      }
      return value;
    });
    try {
      sets.push([encodeFlatInput(sig, values, [1, values.length])]);
    } catch (error) {
      if (error instanceof TensorCodecError) throw new UserError('bad-input', `${where}: ${error.message}`);
      throw error;
    }
  }
  if (rows === 0) throw new UserError('bad-input', `replay file ${path} has a header but no rows`);
  return { sets, rowsInFile: rows };
}
