// Which output is the prediction: label outputs first, then class scores by name, then regression values; a
// user's choice is checked against the signature.
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../../src-shared/contract';
import { choosePrediction } from '../../../../src-main/engine/compare/replay/choosePrediction';
import { UserError } from '../../../../src-main/engine/userError';
import { sig } from '../../../helpers/signatures';

const model = (...outputs: ModelSignature['outputs']): ModelSignature => ({
  inputs: [sig('x', 'float32', ['batch', 4])],
  outputs,
});

describe('choosePrediction', () => {
  it('takes an int64 label output over probabilities (sklearn classifiers)', () => {
    const choice = choosePrediction(
      model(sig('label', 'int64', ['batch']), sig('probabilities', 'float32', ['batch', 2])),
      null,
    );
    expect(choice).toMatchObject({ output: 'label', rule: 'label', source: 'inferred' });
    expect(choice.reason).toContain("int64 output 'label' of shape [batch]");
  });

  it('prefers probabilities over logits, logits over scores, for argmax', () => {
    expect(
      choosePrediction(
        model(sig('logits', 'float32', ['batch', 10]), sig('probabilities', 'float32', ['batch', 10])),
        null,
      ),
    ).toMatchObject({ output: 'probabilities', rule: 'argmax' });
    expect(
      choosePrediction(model(sig('scores', 'float32', ['batch', 3]), sig('logits', 'float32', ['batch', 3])), null),
    ).toMatchObject({ output: 'logits', rule: 'argmax' });
    expect(choosePrediction(model(sig('out', 'float32', [null, 5])), null)).toMatchObject({
      output: 'out',
      rule: 'argmax',
    });
  });

  it('takes a [batch] or [batch, 1] float as a regression value', () => {
    expect(choosePrediction(model(sig('y', 'float32', ['batch', 1])), null)).toMatchObject({
      output: 'y',
      rule: 'regression',
    });
    expect(choosePrediction(model(sig('price', 'float64', ['n'])), null).reason).toContain('the only float output');
  });

  it('refuses a signature with nothing to predict from, naming the outputs and the flag', () => {
    expect(() => choosePrediction(model(sig('image', 'float32', ['batch', 3, 8, 8])), null)).toThrow(
      /cannot tell which output.*image float32 \[batch, 3, 8, 8\].*--prediction/,
    );
  });

  it('checks an override: the output must exist and suit the rule', () => {
    const m = model(sig('label', 'int64', ['batch']), sig('probabilities', 'float32', ['batch', 2]));
    expect(choosePrediction(m, { output: 'probabilities' })).toMatchObject({
      output: 'probabilities',
      rule: 'argmax',
      source: 'override',
    });
    expect(() => choosePrediction(m, { output: 'nope' })).toThrow(UserError);
    expect(() => choosePrediction(m, { output: 'nope' })).toThrow(/outputs are: label, probabilities/);
    expect(() => choosePrediction(m, { output: 'probabilities', rule: 'regression' })).toThrow(/one value per row/);
    expect(() => choosePrediction(m, { output: 'label', rule: 'argmax' })).toThrow(/score vector per row/);
  });
});
