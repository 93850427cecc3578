// Reads `slipway run --input FILE`: a .json request ({"inputs": {...}} or {name: value}, full shapes), or a
// .jsonl replay file whose rows are single samples (no batch axis), stacked along a new batch axis.
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../engine/userError';

export function readRunInput(path: string, batch: number): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(path).isDirectory())
      throw new UserError('bad-input', `--input ${path} is a directory; expected a .json or .jsonl file`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'not-found',
      `cannot read --input ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return path.endsWith('.jsonl') ? stackRows(path, text, batch) : requestValues(path, parseJson(path, text));
}

function parseJson(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError('bad-input', `${where} is not valid JSON: ${(error as Error).message}`);
  }
}

function requestValues(where: string, doc: unknown): Record<string, unknown> {
  const values = isObject(doc) && 'inputs' in doc ? doc.inputs : doc;
  if (!isObject(values)) {
    throw new UserError(
      'bad-input',
      `${where}: expected an object of inputs, {"inputs": {"<name>": [...]}} or {"<name>": [...]}`,
    );
  }
  return values;
}

function stackRows(path: string, text: string, batch: number): Record<string, unknown> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < batch)
    throw new UserError('bad-input', `${path} has ${lines.length} rows; --batch ${batch} needs that many`);
  const stacked: Record<string, unknown[]> = {};
  lines.slice(0, batch).forEach((line, row) => {
    const values = requestValues(`${path} row ${row + 1}`, parseJson(`${path} row ${row + 1}`, line));
    for (const [name, value] of Object.entries(values)) (stacked[name] ??= []).push(value);
  });
  return stacked;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
