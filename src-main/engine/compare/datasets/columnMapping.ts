// The mapping step: which CSV columns fill which model input (in which order), which one is the label, and
// what does not fit. Rules come from `--map COLUMN=INPUT` (globs: `px_*=pixels`); without rules, a model with
// one input takes every column, a model with several takes columns named after its inputs (`x`, `x_0`, `x[0]`),
// and with no model every column fills one input called `features`.
import type { FitProblem, ModelSignature } from '../../../../src-shared/contract';
import { closestName } from '../../runtime/tensorCodec';
import { UserError } from '../../userError';
import type { InputSpec } from './datasetWriter';
import { DatasetMismatchError, fitInputs, listNames } from './fitDataset';

/** The input every column fills when there are neither --map rules nor a model. */
export const DEFAULT_INPUT = 'features';
export const DEFAULT_LABEL = 'label';

export interface MapRule {
  text: string;
  pattern: RegExp;
  /** The column pattern as written. */
  column: string;
  input: string;
}

export interface CsvPlan {
  inputs: { spec: InputSpec; columnIndex: number[] }[];
  /** -1 when there is no label column. */
  labelIndex: number;
  labelName: string | null;
  /** Warnings (the error problems were thrown). */
  problems: FitProblem[];
}

export interface CsvPlanOptions {
  rules: readonly MapRule[];
  ignore: readonly string[];
  /** undefined: `label` when there is such a column; null: none. */
  label: string | null | undefined;
  signature: ModelSignature | null;
  /** How the file and model are named in messages ("digits.csv", "digits-mlp:2"). */
  file: string;
  model: string | null;
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** `COLUMN=INPUT` (the last `=` splits, so column names may hold one). */
export function parseMapRules(specs: readonly string[]): MapRule[] {
  return specs.map((text) => {
    const at = text.lastIndexOf('=');
    const column = at > 0 ? text.slice(0, at).trim() : '';
    const input = at > 0 ? text.slice(at + 1).trim() : '';
    if (!column || !input) {
      throw new UserError(
        'bad-input',
        `invalid --map '${text}': expected COLUMN=INPUT, e.g. px_*=pixels or age=features`,
      );
    }
    return { text, pattern: globToRegExp(column), column, input };
  });
}

export function planCsvColumns(header: readonly string[], options: CsvPlanOptions): CsvPlan {
  const { file } = options;
  const names = header.map((h, i) => (h.trim() === '' ? `column_${i + 1}` : h.trim()));
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserError(
        'bad-input',
        `${file}: column '${name}' appears twice in the header (columns ${first + 1} and ${i + 1})`,
      );
    }
    seen.set(name, i);
  });

  const labelIndex = findLabel(names, options.label, file);
  const ignored = new Set<number>();
  for (const glob of options.ignore) {
    const pattern = globToRegExp(glob);
    const hits = names.map((n, i) => (pattern.test(n) ? i : -1)).filter((i) => i >= 0);
    if (hits.length === 0) {
      throw new UserError(
        'bad-input',
        `--ignore '${glob}' matches no column of ${file}; its columns are ${listNames(names)}`,
      );
    }
    for (const i of hits) ignored.add(i);
  }
  const open = names.map((_, i) => i).filter((i) => i !== labelIndex && !ignored.has(i));
  if (open.length === 0) throw new UserError('bad-input', `${file}: no feature columns (only ${listNames(names)})`);

  const known = options.signature?.inputs.map((s) => s.name);
  for (const rule of options.rules) {
    if (!known || known.includes(rule.input)) continue;
    const guess = closestName(rule.input, known);
    throw new UserError(
      'bad-input',
      `--map '${rule.text}': ${options.model} has no input '${rule.input}'${guess ? ` (did you mean '${guess}'?)` : ''}; its inputs are ${known.join(', ')}`,
    );
  }
  const assigned = assign(names, open, options);
  const problems: FitProblem[] = [];
  const unmapped = open.filter((i) => !assigned.some((a) => a.columnIndex.includes(i)));
  if (unmapped.length > 0) {
    const list = unmapped.map((i) => names[i]!);
    problems.push({
      kind: 'unmapped-column',
      input: null,
      column: list[0]!,
      message: `column${list.length === 1 ? '' : 's'} ${listNames(list)} ${list.length === 1 ? 'is' : 'are'} not mapped onto any input (add --map COLUMN=INPUT, or leave ${list.length === 1 ? 'it' : 'them'} out with --ignore)`,
      severity: 'error',
    });
  }

  const inputs = assigned.map(({ input, columnIndex }) => {
    const columns = columnIndex.map((i) => names[i]!);
    const sig = options.signature?.inputs.find((s) => s.name === input);
    const rowDims = sig?.shape?.slice(1);
    const fixed = rowDims?.every((d): d is number => typeof d === 'number') ? (rowDims as number[]) : null;
    const shape = fixed && fixed.reduce((n, d) => n * d, 1) === columns.length ? fixed : [columns.length];
    return { spec: { name: input, shape, size: columns.length, columns }, columnIndex };
  });
  if (options.signature)
    problems.push(
      ...fitInputs(
        inputs.map((i) => i.spec),
        options.signature,
      ).problems,
    );
  const what = options.model ? `${file} (mapped onto ${options.model})` : file;
  if (problems.some((p) => p.severity === 'error')) throw new DatasetMismatchError(what, problems);
  return { inputs, labelIndex, labelName: labelIndex >= 0 ? names[labelIndex]! : null, problems };
}

function findLabel(names: readonly string[], label: string | null | undefined, file: string): number {
  if (label === null) return -1;
  if (label === undefined) return names.findIndex((n) => n.toLowerCase() === DEFAULT_LABEL);
  const exact = names.indexOf(label);
  if (exact >= 0) return exact;
  const folded = names.findIndex((n) => n.toLowerCase() === label.toLowerCase());
  if (folded >= 0) return folded;
  // Very short names are "contained" in almost anything: no suggestion from them.
  const guess = closestName(
    label,
    names.filter((n) => n.length >= 3),
  );
  throw new UserError(
    'bad-input',
    `${file} has no column '${label}' for --label${guess ? ` (did you mean '${guess}'?)` : ''}; its columns are ${listNames(names)}`,
  );
}

function assign(
  names: readonly string[],
  open: readonly number[],
  options: CsvPlanOptions,
): { input: string; columnIndex: number[] }[] {
  const byInput = new Map<string, number[]>();
  const take = (input: string, column: number) => {
    const list = byInput.get(input) ?? [];
    list.push(column);
    byInput.set(input, list);
  };
  const free = new Set(open);
  if (options.rules.length > 0) {
    for (const rule of options.rules) {
      const hits = open.filter((i) => free.has(i) && rule.pattern.test(names[i]!));
      if (hits.length === 0) {
        const taken = open.some((i) => rule.pattern.test(names[i]!));
        throw new UserError(
          'bad-input',
          taken
            ? `--map '${rule.text}': the columns it matches are already mapped by an earlier --map`
            : `--map '${rule.text}' matches no column of ${options.file}; its columns are ${listNames(open.map((i) => names[i]!))}`,
        );
      }
      for (const i of hits) {
        take(rule.input, i);
        free.delete(i);
      }
    }
    return [...byInput].map(([input, columnIndex]) => ({ input, columnIndex }));
  }
  const signature = options.signature;
  if (!signature) return [{ input: DEFAULT_INPUT, columnIndex: [...open] }];
  if (signature.inputs.length === 1) return [{ input: signature.inputs[0]!.name, columnIndex: [...open] }];
  // Several inputs: a column belongs to the input it is named after (the longest such name wins).
  const inputNames = [...signature.inputs.map((s) => s.name)].sort((a, b) => b.length - a.length);
  for (const i of open) {
    const column = names[i]!;
    const input = inputNames.find(
      (n) => column === n || (column.startsWith(n) && /^[_[.]/.test(column.slice(n.length))),
    );
    if (input !== undefined) take(input, i);
  }
  return signature.inputs
    .filter((s) => byInput.has(s.name))
    .map((s) => ({ input: s.name, columnIndex: byInput.get(s.name)! }));
}
