// GET /v2 and GET /v2/models/{m}: the KServe V2 metadata clients size their requests from, with V2 datatypes and
// dynamic dims as -1.
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../../src-shared/contract/modelInspection';
import { inspectOnnxFile } from '../../../../src-main/engine/onnx/inspectOnnxFile';
import { modelMetadata, serverMetadata } from '../../../../src-main/engine/serving/modelMetadata';
import { model } from '../../../helpers/paths';
import { sig } from '../../../helpers/signatures';

const signatureOf = (file: string): ModelSignature => {
  const { inputs, outputs } = inspectOnnxFile(model(file));
  return { inputs, outputs };
};

describe('modelMetadata', () => {
  it('lists text-classifier with INT64 inputs whose batch and sequence dims are -1', () => {
    expect(
      modelMetadata({ name: 'text-classifier', versions: ['1', '2'], signature: signatureOf('text-classifier.onnx') }),
    ).toEqual({
      name: 'text-classifier',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'input_ids', datatype: 'INT64', shape: [-1, -1] },
        { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] },
      ],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 4] }],
    });
  });

  it('maps every multi-dtype tensor to its V2 datatype and keeps fixed dims', () => {
    const metadata = modelMetadata({
      name: 'multi-dtype',
      versions: ['1'],
      signature: signatureOf('multi-dtype.onnx'),
    });
    expect(metadata.inputs).toEqual([
      { name: 'x', datatype: 'FP32', shape: [-1, 4] },
      { name: 'scale', datatype: 'FP64', shape: [-1, 1] },
      { name: 'flags', datatype: 'BOOL', shape: [-1, 4] },
    ]);
    expect(metadata.outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [-1, 4] },
      { name: 'count', datatype: 'INT32', shape: [-1] },
      { name: 'mask', datatype: 'UINT8', shape: [-1, 4] },
    ]);
  });

  it('keeps names with / and :, a rank-0 output, strings as BYTES, and marks unfeedable types INVALID', () => {
    const metadata = modelMetadata({
      name: 'odd',
      versions: ['3'],
      signature: {
        inputs: [sig('encoder/input:0', 'string', [null]), sig('b', 'bfloat16', [2]), sig('c', 'uint64', null)],
        outputs: [sig('scores:0', 'float16', [])],
      },
    });
    expect(metadata.inputs).toEqual([
      { name: 'encoder/input:0', datatype: 'BYTES', shape: [-1] },
      { name: 'b', datatype: 'INVALID', shape: [2] },
      { name: 'c', datatype: 'UINT64', shape: [-1] },
    ]);
    expect(metadata.outputs).toEqual([{ name: 'scores:0', datatype: 'FP16', shape: [] }]);
  });
});

describe('serverMetadata', () => {
  it('names the server and advertises exactly the extensions given', () => {
    const extensions = ['binary_tensor_data', 'model_configuration', 'statistics', 'model_repository'];
    expect(serverMetadata('0.3.0', extensions)).toEqual({ name: 'slipway', version: '0.3.0', extensions });
  });
});
