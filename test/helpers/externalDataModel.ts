// A model whose one initializer lives in a side file, as onnx.save(..., save_as_external_data=True) writes it:
// the library refuses such files, and the tests of that refusal share this one.
import { encodeOnnxModel } from '../../src-main/engine/onnx/encodeOnnxModel';

export function externalDataModel(): Uint8Array {
  return encodeOnnxModel({
    graph: {
      nodes: [{ opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      inputs: [{ name: 'x', elementType: 'float32', shape: [4] }],
      outputs: [{ name: 'y', elementType: 'float32', shape: [4] }],
      initializers: [
        { name: 'w', elementType: 'float32', dims: [4], externalData: { location: 'weights.bin', length: 16 } },
      ],
    },
  });
}
