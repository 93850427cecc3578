// Does a dataset fit a model? Checks every model input against the dataset's inputs (name, element count,
// per-row shape, and what the values allow: whole numbers for integer inputs, 0/1 for bool, the type's range,
// missing values) and says exactly which inputs or columns do not fit. Used for a stored dataset, and for a
// file's columns before its rows are read (then without the value checks).
import type {
  Dataset,
  DatasetFit,
  DatasetInput,
  FeatureProfile,
  FitProblem,
  ModelSignature,
  TensorSignature,
} from '../../../../src-shared/contract';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../../src-shared/elementTypes';
import { formatShape } from '../../../../src-shared/shapes';
import { UserError } from '../../userError';

/** What the check needs of a dataset input; the value facts are absent before the rows are read. */
export type InputFacts = Pick<DatasetInput, 'name' | 'shape' | 'size' | 'columns'> &
  Partial<Pick<DatasetInput, 'integer' | 'min' | 'max' | 'missing' | 'boolean'>>;

const FLOAT_LIMITS: Partial<Record<string, number>> = { float16: 65504, float32: 3.4028234663852886e38 };

/** A dataset or file that does not fit a model: the message lists every problem, `problems` holds them. */
export class DatasetMismatchError extends UserError {
  constructor(
    what: string,
    readonly problems: FitProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    super('bad-input', `${what} does not fit: ${errors.map((p) => p.message).join('; ')}`);
    this.name = 'DatasetMismatchError';
  }
}

export function fitDataset(dataset: Dataset, signature: ModelSignature): DatasetFit {
  return fitInputs(dataset.inputs, signature, dataset.features);
}

/** Checks inputs against a signature; `features` (when the rows have been read) name the columns at fault. */
export function fitInputs(
  inputs: readonly InputFacts[],
  signature: ModelSignature,
  features: readonly FeatureProfile[] = [],
): DatasetFit {
  const problems: FitProblem[] = [];
  const mapping: DatasetFit['mapping'] = [];
  const names = inputs.map((i) => i.name);
  for (const sig of signature.inputs) {
    const input = inputs.find((i) => i.name === sig.name);
    if (!input) {
      const hint =
        inputs.length === 1 && signature.inputs.length === 1
          ? `; re-import it with --model (or --map '*=${sig.name}') to name its input after the model's`
          : '';
      problems.push(
        problem(
          'missing-input',
          sig.name,
          null,
          `the model's input '${sig.name}' (${describe(sig)}) gets no values: the dataset has no input of that name (it has ${names.join(', ') || 'none'})${hint}`,
        ),
      );
      continue;
    }
    mapping.push({ input: sig.name, columns: input.columns.length > 0 ? [...input.columns] : [input.name] });
    problems.push(...checkInput(sig, input, features));
  }
  for (const input of inputs) {
    if (signature.inputs.some((s) => s.name === input.name)) continue;
    problems.push({
      ...problem(
        'extra-column',
        null,
        input.name,
        `the dataset's input '${input.name}' is not an input of the model (${signature.inputs.map((s) => s.name).join(', ')}); it is left out`,
      ),
      severity: 'warning',
    });
  }
  return { fits: problems.every((p) => p.severity !== 'error'), problems, mapping };
}

function checkInput(sig: TensorSignature, input: InputFacts, features: readonly FeatureProfile[]): FitProblem[] {
  const type = sig.elementType;
  if (sig.kind !== 'tensor' || !isElementType(type) || type === 'string') {
    const what = sig.kind === 'tensor' ? `${type} tensor` : `${sig.kind} (${type})`;
    return [
      problem(
        'dtype',
        sig.name,
        null,
        `input '${sig.name}' is a ${what}; a dataset holds numbers, so it cannot feed it`,
      ),
    ];
  }
  const shapeProblem = checkShape(sig, input);
  if (shapeProblem) return [shapeProblem];
  return checkValues(sig, input, features);
}

function checkShape(sig: TensorSignature, input: InputFacts): FitProblem | null {
  if (sig.shape === null) return null;
  const batched = sig.shape.length === input.shape.length + 1;
  const rowDims = batched ? sig.shape.slice(1) : sig.shape;
  const sameRank = batched || sig.shape.length === input.shape.length;
  const dimsMatch = sameRank && rowDims.every((d, i) => typeof d !== 'number' || d === input.shape[i]);
  if (dimsMatch) return null;
  const modelRow = sig.shape.slice(1);
  const fixed = modelRow.every((d): d is number => typeof d === 'number');
  const wanted = fixed ? modelRow.reduce((n: number, d) => n * (d as number), 1) : null;
  const columns = input.columns.length > 0 ? ` (columns ${listNames(input.columns)})` : '';
  if (wanted !== null && wanted !== input.size) {
    return problem(
      'count',
      sig.name,
      input.columns[0] ?? input.name,
      `input '${sig.name}' takes ${wanted} values per row (${describe(sig)}); the dataset gives it ${input.size}${columns}`,
    );
  }
  return problem(
    'shape',
    sig.name,
    input.columns[0] ?? input.name,
    `input '${sig.name}' takes rows of shape ${formatShape(modelRow)} (${describe(sig)}); the dataset's rows of '${input.name}' are ${formatShape(input.shape)}` +
      (input.columns.length > 0 ? `; re-import with --model so the columns take the model's shape` : ''),
  );
}

function checkValues(sig: TensorSignature, input: InputFacts, features: readonly FeatureProfile[]): FitProblem[] {
  if (input.integer === undefined) return [];
  const type = sig.elementType as keyof typeof ELEMENT_TYPE_INFO;
  const info = ELEMENT_TYPE_INFO[type];
  const problems: FitProblem[] = [];
  const missing = input.missing ?? 0;
  const range = input.min !== null && input.min !== undefined ? `${input.min}..${input.max}` : null;
  const column = input.columns[0] ?? input.name;
  if (missing > 0) {
    const message = `the dataset has ${missing} missing value${missing === 1 ? '' : 's'} for input '${sig.name}'`;
    problems.push(
      info.kind === 'float'
        ? { ...problem('dtype', sig.name, column, `${message}; they go into the model as NaN`), severity: 'warning' }
        : problem('dtype', sig.name, column, `${message}, but ${type} cannot hold a missing value`),
    );
  }
  if (range === null) return problems;
  if (info.kind === 'bool') {
    if (!input.integer || input.min! < 0 || input.max! > 1) {
      problems.push(
        problem(
          'dtype',
          sig.name,
          column,
          `input '${sig.name}' is bool, but the dataset's values go from ${range}, not just 0/1 (false/true)`,
        ),
      );
    }
  } else if (info.kind === 'int') {
    if (!input.integer) {
      const at = nonIntegerColumns(input, features);
      problems.push(
        problem(
          'dtype',
          sig.name,
          at[0] ?? column,
          `input '${sig.name}' is ${type}, but ${at.length > 0 ? `column${at.length === 1 ? '' : 's'} ${listNames(at)}` : `the dataset's '${input.name}'`} ${at.length === 1 ? 'has' : 'have'} non-integer values`,
        ),
      );
    } else if (input.min! < Number(info.min!) || input.max! > Number(info.max!)) {
      problems.push(
        problem(
          'dtype',
          sig.name,
          column,
          `input '${sig.name}' is ${type} (${info.min}..${info.max}), but the dataset's values go from ${range}`,
        ),
      );
    }
  } else {
    const limit = FLOAT_LIMITS[type];
    if (limit !== undefined && Math.max(Math.abs(input.min!), Math.abs(input.max!)) > limit) {
      problems.push(
        problem(
          'dtype',
          sig.name,
          column,
          `input '${sig.name}' is ${type} (at most ±${limit}), but the dataset's values go from ${range}`,
        ),
      );
    }
  }
  return problems;
}

function nonIntegerColumns(input: InputFacts, features: readonly FeatureProfile[]): string[] {
  return features.filter((f) => f.input === input.name && f.count > 0 && !f.integer).map((f) => f.name);
}

function problem(kind: FitProblem['kind'], input: string | null, column: string | null, message: string): FitProblem {
  return { kind, input, column, message, severity: 'error' };
}

function describe(sig: TensorSignature): string {
  return `${sig.elementType} ${formatShape(sig.shape)}`;
}

/** Up to six names, else the first three and the last two. */
export function listNames(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …, ${names.slice(-2).join(', ')}`;
}
