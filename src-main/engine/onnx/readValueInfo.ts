// Reads a graph input or output (ValueInfoProto and its TypeProto) as the TensorSignature Slipway shows:
// onnxruntime's element type names, symbolic dims kept by name, non-tensor types described in words.
import type { TensorSignature, ValueKind } from '../../../src-shared/contract/modelInspection';
import { elementTypeFromOnnx, ONNX_DATA_TYPE_NAMES } from '../../../src-shared/elementTypes';
import type { Dim } from '../../../src-shared/shapes';
import type { FieldTag, ProtoFileReader } from './protoFileReader';

interface ValueType {
  kind: ValueKind;
  elementType: string;
  shape: Dim[] | null;
}

export function readValueInfo(r: ProtoFileReader, tag: FieldTag): TensorSignature {
  let name = '';
  let docString = '';
  let type: ValueType = { kind: 'unknown', elementType: 'unknown', shape: null };
  r.readMessage(tag, 'ValueInfoProto', (t) => {
    if (t.field === 1) name = r.stringField(t);
    else if (t.field === 2) type = readType(r, t);
    else if (t.field === 3) docString = r.stringField(t);
    else return false;
    return true;
  });
  return { name, ...type, ...(docString ? { docString } : {}) };
}

function readType(r: ProtoFileReader, tag: FieldTag): ValueType {
  let type: ValueType = { kind: 'unknown', elementType: 'unknown', shape: null };
  const described = (kind: ValueKind, elementType: string): ValueType => ({ kind, elementType, shape: null });
  r.readMessage(tag, 'TypeProto', (t) => {
    switch (t.field) {
      case 1:
        type = readTensorType(r, t, 'tensor');
        return true;
      case 8:
        type = readTensorType(r, t, 'sparse_tensor');
        return true;
      case 4:
        type = described('sequence', `sequence(${describe(readWrappedType(r, t, 'TypeProto.Sequence'))})`);
        return true;
      case 9:
        type = described('optional', `optional(${describe(readWrappedType(r, t, 'TypeProto.Optional'))})`);
        return true;
      case 5: {
        let key = 0;
        let value: ValueType | undefined;
        r.readMessage(t, 'TypeProto.Map', (m) => {
          if (m.field === 1) key = r.varintField(m);
          else if (m.field === 2) value = readType(r, m);
          else return false;
          return true;
        });
        type = described('map', `map(${elementTypeName(key)}, ${describe(value)})`);
        return true;
      }
      default:
        return false;
    }
  });
  return type;
}

/** The elem_type of TypeProto.Sequence and TypeProto.Optional. */
function readWrappedType(r: ProtoFileReader, tag: FieldTag, label: string): ValueType | undefined {
  let inner: ValueType | undefined;
  r.readMessage(tag, label, (t) => {
    if (t.field !== 1) return false;
    inner = readType(r, t);
    return true;
  });
  return inner;
}

function describe(type: ValueType | undefined): string {
  if (!type) return 'unknown';
  return type.kind === 'sparse_tensor' ? `sparse_tensor(${type.elementType})` : type.elementType;
}

function readTensorType(r: ProtoFileReader, tag: FieldTag, kind: 'tensor' | 'sparse_tensor'): ValueType {
  let elemType = 0;
  let shape: Dim[] | null = null;
  r.readMessage(tag, 'TypeProto.Tensor', (t) => {
    if (t.field === 1) elemType = r.varintField(t);
    else if (t.field === 2) shape = readShape(r, t);
    else return false;
    return true;
  });
  return { kind, elementType: elementTypeName(elemType), shape };
}

function readShape(r: ProtoFileReader, tag: FieldTag): Dim[] {
  const shape: Dim[] = [];
  r.readMessage(tag, 'TensorShapeProto', (t) => {
    if (t.field !== 1) return false;
    let dim: Dim = null;
    r.readMessage(t, 'TensorShapeProto.Dimension', (d) => {
      if (d.field === 1) {
        const value = r.varintField(d);
        dim = value >= 0 ? value : null;
      } else if (d.field === 2) dim = r.stringField(d) || null;
      else return false;
      return true;
    });
    shape.push(dim);
    return true;
  });
  return shape;
}

function elementTypeName(onnx: number): string {
  return elementTypeFromOnnx(onnx) ?? ONNX_DATA_TYPE_NAMES[onnx]?.toLowerCase() ?? `unknown(${onnx})`;
}
