// Streams a JSONL or CSV file through its row reader into a DatasetBuild, in bounded memory: the file is read
// in 1 MB chunks (hashed on the way), CSV through csv-parse's streaming parser, progress reported per chunk,
// and an AbortSignal stops it between chunks. A synchronous JSONL path serves the demo seeding at open.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse } from 'csv-parse';
import type { DatasetImportProgress, ModelSignature } from '../../../../src-shared/contract';
import { UserError } from '../../userError';
import { parseMapRules, planCsvColumns, DEFAULT_LABEL } from './columnMapping';
import type { DatasetBuild } from './datasetBuild';
import { CsvRowReader } from './csvRowReader';
import { JsonlRowReader } from './jsonlRowReader';

export type DatasetFormat = 'jsonl' | 'csv';

const READ_CHUNK = 1024 * 1024;

export interface ReadSpec {
  format: DatasetFormat;
  map: readonly string[];
  ignore: readonly string[];
  /** undefined: `label` when present; null: none. */
  label: string | null | undefined;
  signature: ModelSignature | null;
  model: string | null;
}

export interface ReadControl {
  onProgress?: (progress: DatasetImportProgress) => void;
  signal?: AbortSignal;
}

export interface ReadResult {
  bytes: number;
  sha256: string;
}

/** The format from `given`, else from the extension. */
export function formatOf(path: string, given?: DatasetFormat): DatasetFormat {
  if (given) return given;
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new UserError(
    'bad-input',
    `${basename(path)}: expected a .jsonl file ({"inputs": {...}, "label": ...} per line) or a .csv file with a header row (or say which with --format jsonl|csv)`,
  );
}

/** The file's size; a clear error for a missing path, a folder, or a file that cannot be read. */
export function checkSourceFile(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UserError('not-found', `cannot import ${path}: no such file`);
    throw new UserError('bad-input', `cannot read ${path}: ${code ?? (error as Error).message}`);
  }
  if (stats.isDirectory()) {
    throw new UserError('bad-input', `${path} is a directory; expected a .jsonl or .csv file`);
  }
  if (!stats.isFile())
    throw new UserError('bad-input', `${path} is not a regular file; expected a .jsonl or .csv file`);
  return stats.size;
}

export async function readDatasetFile(
  build: DatasetBuild,
  path: string,
  spec: ReadSpec,
  control: ReadControl = {},
): Promise<ReadResult> {
  const total = checkSourceFile(path);
  const hash = createHash('sha256');
  let bytes = 0;
  const progress = () =>
    control.onProgress?.({ phase: 'reading', bytesDone: bytes, bytesTotal: total, rows: build.rows });
  progress();
  const source = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    if (spec.format === 'jsonl') {
      const reader = jsonlReader(build, path, spec);
      for await (const chunk of source as AsyncIterable<Buffer>) {
        control.signal?.throwIfAborted();
        hash.update(chunk);
        bytes += chunk.length;
        reader.push(chunk);
        progress();
      }
      reader.end();
      checkJsonlLabel(build, path, spec);
    } else {
      const reader = csvReader(build, path, spec);
      const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
      let failure: unknown = null;
      parser.on('data', (record: string[]) => {
        if (failure !== null) return;
        try {
          reader.record(record, parser.info.lines);
        } catch (error) {
          failure = error;
          parser.destroy(error as Error);
        }
      });
      source.on('data', (chunk: string | Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        progress();
      });
      try {
        await pipeline(source, parser, control.signal ? { signal: control.signal } : {});
      } catch (error) {
        if (failure !== null) throw failure;
        if (error instanceof CsvError) throw new UserError('bad-input', `${basename(path)}: ${error.message}`);
        throw error;
      }
      reader.end();
    }
  } catch (error) {
    source.destroy();
    if (control.signal?.aborted) throw cancelled(path);
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The second pass, a chunk at a time, yielding the event loop between chunks. */
export async function profileBuild(build: DatasetBuild, control: ReadControl = {}): Promise<void> {
  const total = build.profileBytes;
  for (const done of build.complete()) {
    if (control.signal?.aborted) throw cancelled(build.folder);
    control.onProgress?.({ phase: 'profiling', bytesDone: done, bytesTotal: total, rows: build.rows });
    await nextTurn();
  }
}

/** The same import of a JSONL file, synchronously (small files: the demo datasets seeded at open). */
export function readJsonlFileSync(build: DatasetBuild, path: string, spec: ReadSpec): ReadResult {
  checkSourceFile(path);
  const reader = jsonlReader(build, path, spec);
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(READ_CHUNK);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
      bytes += n;
      reader.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  reader.end();
  checkJsonlLabel(build, path, spec);
  for (const _ of build.complete());
  return { bytes, sha256: hash.digest('hex') };
}

function jsonlReader(build: DatasetBuild, path: string, spec: ReadSpec): JsonlRowReader {
  if (spec.ignore.length > 0) {
    throw new UserError('bad-input', '--ignore leaves out CSV columns; a JSONL file brings only the inputs it names');
  }
  const rename = new Map<string, string>();
  for (const rule of parseMapRules(spec.map)) {
    if (/[*?]/.test(rule.column)) {
      throw new UserError(
        'bad-input',
        `--map '${rule.text}': globs map CSV columns; in a JSONL file, --map KEY=INPUT renames one input`,
      );
    }
    rename.set(rule.column, rule.input);
  }
  const labelKey = spec.label === undefined ? DEFAULT_LABEL : spec.label;
  return new JsonlRowReader({
    file: basename(path),
    labelKey,
    rename,
    labels: build.labels,
    bad: build.bad,
    begin: (inputs) => build.begin(inputs, labelKey),
  });
}

function checkJsonlLabel(build: DatasetBuild, path: string, spec: ReadSpec): void {
  if (typeof spec.label === 'string' && build.labels.type === null) {
    throw new UserError('bad-input', `no row of ${basename(path)} has the label key '${spec.label}'`);
  }
}

function csvReader(build: DatasetBuild, path: string, spec: ReadSpec): CsvRowReader {
  const file = basename(path);
  const rules = parseMapRules(spec.map);
  return new CsvRowReader({
    file,
    labels: build.labels,
    bad: build.bad,
    plan: (header) =>
      planCsvColumns(header, {
        rules,
        ignore: spec.ignore,
        label: spec.label,
        signature: spec.signature,
        file,
        model: spec.model,
      }),
    begin: (inputs, plan) => build.begin(inputs, plan.labelName, true),
  });
}

function cancelled(path: string): UserError {
  return new UserError('cancelled', `the import of ${basename(path)} was cancelled; nothing was imported`);
}
