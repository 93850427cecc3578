// Which output of a version is its prediction, and how it becomes one value per row: a class label output, the
// argmax of a probabilities/logits/scores output, or a regression value. Inferred from the signature (and
// said why), or the user's choice checked against the signature.
import type {
  ModelSignature,
  PredictionChoice,
  PredictionOverride,
  PredictionRule,
  TensorSignature,
} from '../../../../src-shared/contract';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../../src-shared/elementTypes';
import { formatShape } from '../../../../src-shared/shapes';
import { UserError } from '../../userError';

const LABEL_NAME = /label|class|pred/i;
/** Class-score outputs by preference: probabilities read best (and argmax of any of them is the same class). */
const SCORE_NAMES: readonly [RegExp, string][] = [
  [/prob/i, 'probabilities'],
  [/logit/i, 'logits'],
  [/score/i, 'scores'],
];

type Kind = 'int' | 'float' | 'string' | 'bool' | 'other';

function kindOf(t: TensorSignature): Kind {
  if (t.kind !== 'tensor' || !isElementType(t.elementType)) return 'other';
  return ELEMENT_TYPE_INFO[t.elementType].kind;
}

/** Elements per row after the batch axis: a number, 'unknown' (a symbolic dim), or null when the rank is not 1-2. */
function perRow(t: TensorSignature): number | 'unknown' | null {
  if (!t.shape) return null;
  if (t.shape.length === 1) return 1;
  if (t.shape.length !== 2) return null;
  const d = t.shape[1];
  return typeof d === 'number' ? d : 'unknown';
}

const describe = (t: TensorSignature) => `${t.elementType} output '${t.name}' of shape ${formatShape(t.shape)}`;

const oneValue = (t: TensorSignature) => perRow(t) === 1;
const classScores = (t: TensorSignature) => {
  const n = perRow(t);
  return n === 'unknown' || (typeof n === 'number' && n >= 2);
};

/** The prediction for a version: the override when given (checked), else inferred. */
export function choosePrediction(signature: ModelSignature, override: PredictionOverride | null): PredictionChoice {
  if (override) return checkOverride(signature, override);
  const outputs = signature.outputs;
  const labels = outputs.filter((t) => (kindOf(t) === 'int' || kindOf(t) === 'string') && oneValue(t));
  const named = labels.find((t) => LABEL_NAME.test(t.name));
  if (named) return inferred(named, 'label', `${describe(named)}: a class label per row`);
  if (labels.length === 1) {
    const only = labels[0]!;
    return inferred(only, 'label', `${describe(only)}: the only integer output with one value per row`);
  }

  const scores = outputs.filter((t) => kindOf(t) === 'float' && classScores(t));
  for (const [pattern, word] of SCORE_NAMES) {
    const t = scores.find((s) => pattern.test(s.name));
    if (t) return inferred(t, 'argmax', `${describe(t)}: argmax of the ${word} per row`);
  }
  if (scores.length === 1) {
    const only = scores[0]!;
    return inferred(only, 'argmax', `${describe(only)}: the only [batch, C] float output, argmax per row`);
  }

  const values = outputs.filter((t) => kindOf(t) === 'float' && oneValue(t));
  if (values.length >= 1) {
    const first = values[0]!;
    const which = values.length === 1 ? 'the only' : 'the first';
    return inferred(first, 'regression', `${describe(first)}: ${which} float output with one value per row`);
  }

  const list = outputs.map((t) => `${t.name} ${t.elementType} ${formatShape(t.shape)}`).join(', ');
  throw new UserError(
    'bad-input',
    `cannot tell which output is the prediction (outputs: ${list || 'none'}); choose one with --prediction OUTPUT[:argmax|label|regression]`,
  );
}

function inferred(t: TensorSignature, rule: PredictionRule, reason: string): PredictionChoice {
  return { output: t.name, rule, source: 'inferred', reason };
}

function checkOverride(signature: ModelSignature, override: PredictionOverride): PredictionChoice {
  const t = signature.outputs.find((o) => o.name === override.output);
  if (!t) {
    const names = signature.outputs.map((o) => o.name).join(', ');
    throw new UserError('bad-input', `no output '${override.output}' to predict with; the outputs are: ${names}`);
  }
  const kind = kindOf(t);
  if (kind === 'other') {
    throw new UserError('bad-input', `output '${t.name}' is a ${t.elementType}, not a tensor Slipway can read`);
  }
  const rule = override.rule ?? ruleFor(t, kind);
  const problem = mismatch(t, kind, rule);
  if (problem) throw new UserError('bad-input', `--prediction ${t.name}:${rule}: ${problem}`);
  return {
    output: t.name,
    rule,
    source: 'override',
    reason: `${describe(t)}: ${rule === 'argmax' ? 'argmax per row' : rule === 'label' ? 'a class label per row' : 'a regression value per row'}, as chosen`,
  };
}

function ruleFor(t: TensorSignature, kind: Kind): PredictionRule {
  if (kind === 'int' || kind === 'string' || kind === 'bool') return 'label';
  if (classScores(t)) return 'argmax';
  if (oneValue(t)) return 'regression';
  throw new UserError(
    'bad-input',
    `output '${t.name}' ${formatShape(t.shape)} is neither one value nor one score vector per row; add :argmax, :label or :regression`,
  );
}

function mismatch(t: TensorSignature, kind: Kind, rule: PredictionRule): string | null {
  const n = perRow(t);
  switch (rule) {
    case 'label':
      return n === 1 || n === 'unknown' || t.shape === null
        ? null
        : `a label output has one value per row ([batch] or [batch, 1]), this one is ${formatShape(t.shape)}`;
    case 'argmax':
      if (kind !== 'float' && kind !== 'int') return `argmax needs numbers, this output holds ${t.elementType}`;
      return classScores(t) || t.shape === null
        ? null
        : `argmax needs a score vector per row ([batch, C] with C ≥ 2), this one is ${formatShape(t.shape)}`;
    case 'regression':
      if (kind !== 'float' && kind !== 'int')
        return `a regression value is a number, this output holds ${t.elementType}`;
      return n === 1 || n === 'unknown' || t.shape === null
        ? null
        : `a regression output has one value per row ([batch] or [batch, 1]), this one is ${formatShape(t.shape)}`;
  }
}
