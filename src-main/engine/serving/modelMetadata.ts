// KServe V2 / Open Inference Protocol metadata responses: server metadata (`GET /v2`) and model metadata
// (`GET /v2/models/{m}[/versions/{v}]`), with tensor datatypes and shapes as clients size their requests from.
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract/modelInspection';
import { ELEMENT_TYPE_INFO, isElementType } from '../../../src-shared/elementTypes';

export interface MetadataTensor {
  name: string;
  /** V2 datatype (FP32, INT64, BYTES, ...); INVALID for a type Slipway cannot feed (bfloat16, maps, ...). */
  datatype: string;
  /** The full shape, batch dimension included; -1 for a dynamic dimension. */
  shape: number[];
}

export interface ModelMetadataResponse {
  name: string;
  versions: string[];
  platform: 'onnxruntime_onnx';
  inputs: MetadataTensor[];
  outputs: MetadataTensor[];
}

export interface ServerMetadataResponse {
  name: 'slipway';
  version: string;
  /** Only the extensions the server implements: clients such as tritonclient and perf_analyzer rely on this. */
  extensions: string[];
}

/** Dims with dynamic ones as -1. An unknown rank reads as one dynamic dim, so clients ask the user for a shape
 * rather than send a scalar. */
export function wireDims(shape: TensorSignature['shape']): number[] {
  if (shape === null) return [-1];
  return shape.map((dim) => (typeof dim === 'number' ? dim : -1));
}

function metadataTensor(tensor: TensorSignature): MetadataTensor {
  return {
    name: tensor.name,
    datatype:
      tensor.kind === 'tensor' && isElementType(tensor.elementType)
        ? ELEMENT_TYPE_INFO[tensor.elementType].v2
        : 'INVALID',
    shape: wireDims(tensor.shape),
  };
}

export function modelMetadata(input: {
  name: string;
  versions: string[];
  signature: ModelSignature;
}): ModelMetadataResponse {
  return {
    name: input.name,
    versions: [...input.versions],
    platform: 'onnxruntime_onnx',
    inputs: input.signature.inputs.map(metadataTensor),
    outputs: input.signature.outputs.map(metadataTensor),
  };
}

export function serverMetadata(version: string, extensions: string[]): ServerMetadataResponse {
  return { name: 'slipway', version, extensions: [...extensions] };
}
