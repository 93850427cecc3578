// Which models may batch: a shared dynamic first axis on every input and output, else a reason in words.
import { describe, expect, it } from 'vitest';
import { batchAxis } from '../../../../src-main/engine/serving/batchAxis';
import type { TensorSignature } from '../../../../src-shared/contract/modelInspection';
import { sig } from '../../../helpers/signatures';

const model = (inputs: TensorSignature[], outputs: TensorSignature[]) => batchAxis({ inputs, outputs });

describe('batchAxis', () => {
  it('accepts a model whose inputs and outputs share a named dynamic first axis', () => {
    expect(model([sig('pixels', 'float32', ['batch', 64])], [sig('logits', 'float32', ['batch', 10])])).toEqual({
      batchable: true,
      name: 'batch',
    });
  });

  it('accepts unnamed dynamic first dims alongside a named one (onnxruntime often drops names on outputs)', () => {
    expect(
      model(
        [sig('input_ids', 'int64', ['batch', 'sequence']), sig('mask', 'int64', [null, 'sequence'])],
        [sig('logits', 'float32', [null, 4])],
      ),
    ).toEqual({ batchable: true, name: 'batch' });
    expect(model([sig('x', 'float32', [null, 3])], [sig('y', 'float32', [null])])).toEqual({
      batchable: true,
      name: null,
    });
  });

  it('says which tensor stops batching and why', () => {
    const cases: [TensorSignature[], TensorSignature[], string][] = [
      [[sig('x', 'float32', [1, 3])], [sig('y', 'float32', ['batch', 3])], "input 'x' has a fixed first dim 1"],
      [
        [sig('x', 'float32', ['batch', 3])],
        [sig('score', 'float32', [])],
        "output 'score' is a scalar (rank 0), so it has no batch axis",
      ],
      [[sig('x', 'float32', null)], [sig('y', 'float32', ['batch'])], "input 'x' has no declared rank"],
      [
        [sig('x', 'float32', ['batch', 3])],
        [sig('y', 'float32', ['N', 3])],
        "output 'y' has first dim 'N' but input 'x' has 'batch', so they are not one batch axis",
      ],
      [[], [sig('y', 'float32', ['batch'])], 'the model has no inputs'],
    ];
    for (const [inputs, outputs, reason] of cases) expect(model(inputs, outputs)).toEqual({ batchable: false, reason });
  });

  it('refuses a model with an output that is not a tensor', () => {
    const sequence: TensorSignature = {
      name: 'probs',
      kind: 'sequence',
      elementType: 'sequence(map(int64, float32))',
      shape: null,
    };
    expect(model([sig('x', 'float32', ['batch', 3])], [sequence]).reason).toBe(
      "output 'probs' is a sequence(map(int64, float32)), not a tensor",
    );
  });
});
