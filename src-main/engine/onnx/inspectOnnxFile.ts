// Reads what Slipway shows about an ONNX file (signature, opsets, metadata, op counts, parameter totals)
// straight from the protobuf, seeking past tensor data so even multi-gigabyte models inspect in milliseconds.
import fs from 'node:fs';
import type { ModelInspection, TensorSignature } from '../../../src-shared/contract/modelInspection';
import { ONNX_DATA_TYPE_BITS } from '../../../src-shared/elementTypes';
import { elementCount } from '../../../src-shared/shapes';
import { ProtoFileReader, ProtoReadError, type FieldTag } from './protoFileReader';
import { readValueInfo } from './readValueInfo';

export type OnnxFormatErrorCode =
  'not-found' | 'unreadable' | 'is-directory' | 'empty' | 'text-file' | 'archive' | 'truncated' | 'not-onnx';

export class OnnxFormatError extends Error {
  constructor(
    readonly code: OnnxFormatErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'OnnxFormatError';
  }
}

const EXPECTED = 'Expected an ONNX model: a binary ModelProto with an ir_version and a graph.';
const DATA_LOCATION_EXTERNAL = 1;
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

export function inspectOnnxFile(path: string): ModelInspection {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw fileSystemError(path, error);
  }
  if (stat.isDirectory()) {
    const models = listModels(path);
    const hint = models.length > 0 ? ` It contains ${models.slice(0, 3).join(', ')}: pass one of those.` : '';
    throw new OnnxFormatError('is-directory', path, `${path} is a directory, not an ONNX model file.${hint}`);
  }
  if (!stat.isFile()) throw new OnnxFormatError('not-onnx', path, `${path} is not a regular file. ${EXPECTED}`);
  if (stat.size === 0) throw new OnnxFormatError('empty', path, `${path} is empty (0 bytes). ${EXPECTED}`);

  let fd: number;
  const head = Buffer.alloc(Math.min(512, stat.size));
  try {
    fd = fs.openSync(path, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
  } catch (error) {
    throw fileSystemError(path, error);
  }
  try {
    const archive = archiveProblem(head);
    if (archive) throw new OnnxFormatError('archive', path, `${path} ${archive}`);
    try {
      return inspectOnnxReader(new ProtoFileReader(fd, stat.size), path);
    } catch (error) {
      // A text file fails somewhere in the parse; saying it is text helps more than the parse detail.
      if (error instanceof OnnxFormatError && looksLikeText(head)) throw textError(path, head);
      throw error;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The inspection of the model an open reader is positioned at; exposed so callers can see reader.bytesRead. */
export function inspectOnnxReader(reader: ProtoFileReader, path: string): ModelInspection {
  const model = new ModelFields();
  try {
    readModel(reader, model);
  } catch (error) {
    if (!(error instanceof ProtoReadError)) throw error;
    // Random bytes also "run past the end"; only a file that started as a model is called truncated.
    if (error.kind === 'truncated' && model.irVersion > 0) {
      const where = `at byte ${reader.fileSize} of ${error.needed ?? 'more'}`;
      const message = `${path} is truncated: the file ends early, ${where}. Copy or export the model again.`;
      throw new OnnxFormatError('truncated', path, message);
    }
    const message = `${path} does not parse as an ONNX model (${error.message}). ${EXPECTED}`;
    throw new OnnxFormatError('not-onnx', path, message);
  }
  if (model.irVersion <= 0) {
    throw new OnnxFormatError('not-onnx', path, `${path} has no ir_version, so it is not an ONNX model. ${EXPECTED}`);
  }
  const graph = model.graph;
  if (!graph) {
    throw new OnnxFormatError('not-onnx', path, `${path} has no graph, so it is not an ONNX model. ${EXPECTED}`);
  }
  const { tally } = model;
  return {
    // Before IR 4 every initializer was also listed as a graph input; those are weights, not inputs to feed.
    inputs: graph.inputs.filter((input) => !graph.initializerNames.has(input.name)),
    outputs: graph.outputs,
    irVersion: model.irVersion,
    opsetImports: model.opsetImports,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    docString: model.docString,
    metadata: Object.fromEntries(model.metadata),
    graphName: graph.name,
    opHistogram: Object.fromEntries(tally.opHistogram),
    nodeCount: tally.nodeCount,
    initializerCount: tally.initializerCount,
    parameterCount: tally.parameterCount,
    parameterBytes: tally.parameterBytes,
    fileBytes: reader.fileSize,
    externalDataFiles: [...tally.externalDataFiles],
  };
}

/** Totals over the main graph and every subgraph (If branches, Loop bodies), initializers included. */
class Tally {
  opHistogram = new Map<string, number>();
  nodeCount = 0;
  initializerCount = 0;
  parameterCount = 0;
  parameterBytes = 0;
  externalDataFiles = new Set<string>();
}

interface GraphFacts {
  name: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  initializerNames: Set<string>;
}

class ModelFields {
  irVersion = 0;
  opsetImports: { domain: string; version: number }[] = [];
  producerName = '';
  producerVersion = '';
  domain = '';
  modelVersion = 0;
  docString = '';
  metadata = new Map<string, string>();
  graph: GraphFacts | undefined;
  tally = new Tally();
}

interface TensorFacts {
  name: string;
  dataType: number;
  dims: number[];
  externalLocation: string | undefined;
}

function readModel(r: ProtoFileReader, model: ModelFields): void {
  r.readFields('ModelProto', (tag) => {
    switch (tag.field) {
      case 1:
        model.irVersion = r.varintField(tag);
        return true;
      case 2:
        model.producerName = r.stringField(tag);
        return true;
      case 3:
        model.producerVersion = r.stringField(tag);
        return true;
      case 4:
        model.domain = r.stringField(tag);
        return true;
      case 5:
        model.modelVersion = r.varintField(tag);
        return true;
      case 6:
        model.docString = r.stringField(tag);
        return true;
      case 7:
        model.graph = readGraph(r, tag, model.tally, true);
        return true;
      case 8: {
        const opset = { domain: '', version: 0 };
        r.readMessage(tag, 'OperatorSetIdProto', (t) => {
          if (t.field === 1) opset.domain = r.stringField(t);
          else if (t.field === 2) opset.version = r.varintField(t);
          else return false;
          return true;
        });
        model.opsetImports.push(opset);
        return true;
      }
      case 14: {
        const [key, value] = readStringEntry(r, tag);
        model.metadata.set(key, value);
        return true;
      }
      default:
        // training_info (20) and local functions (25) describe no inference-graph facts shown here.
        return false;
    }
  });
}

function readGraph(r: ProtoFileReader, tag: FieldTag, tally: Tally, main: boolean): GraphFacts {
  const graph: GraphFacts = { name: '', inputs: [], outputs: [], initializerNames: new Set() };
  const addInitializer = (tensor: TensorFacts) => {
    graph.initializerNames.add(tensor.name);
    tally.initializerCount++;
    const count = elementCount(tensor.dims);
    tally.parameterCount += count;
    const bits = ONNX_DATA_TYPE_BITS[tensor.dataType] ?? 0;
    tally.parameterBytes += Math.ceil((count * bits) / 8);
  };
  r.readMessage(tag, 'GraphProto', (t) => {
    switch (t.field) {
      case 1:
        readNode(r, t, tally);
        return true;
      case 2:
        graph.name = r.stringField(t);
        return true;
      case 5:
        addInitializer(readTensor(r, t, tally));
        return true;
      case 15: {
        // A sparse initializer holds only its non-zero values; those are what it stores and counts.
        let values: TensorFacts | undefined;
        r.readMessage(t, 'SparseTensorProto', (s) => {
          if (s.field === 1) values = readTensor(r, s, tally);
          else if (s.field === 2) readTensor(r, s, tally);
          else return false;
          return true;
        });
        if (values) addInitializer(values);
        return true;
      }
      case 11:
      case 12:
        if (!main) return false;
        (t.field === 11 ? graph.inputs : graph.outputs).push(readValueInfo(r, t));
        return true;
      default:
        return false;
    }
  });
  return graph;
}

function readNode(r: ProtoFileReader, tag: FieldTag, tally: Tally): void {
  let opType = '';
  let domain = '';
  r.readMessage(tag, 'NodeProto', (t) => {
    if (t.field === 4) opType = r.stringField(t);
    else if (t.field === 7) domain = r.stringField(t);
    else if (t.field === 5) readAttribute(r, t, tally);
    else return false;
    return true;
  });
  const key = DEFAULT_DOMAINS.has(domain) ? opType : `${domain}:${opType}`;
  tally.opHistogram.set(key, (tally.opHistogram.get(key) ?? 0) + 1);
  tally.nodeCount++;
}

function readAttribute(r: ProtoFileReader, tag: FieldTag, tally: Tally): void {
  r.readMessage(tag, 'AttributeProto', (t) => {
    switch (t.field) {
      case 6: // g
      case 11: // graphs: If branches, Loop and Scan bodies
        readGraph(r, t, tally, false);
        return true;
      case 5: // t
      case 10: // tensors: constants are not initializers, but their external files must travel with the model
        readTensor(r, t, tally);
        return true;
      default:
        return false;
    }
  });
}

function readTensor(r: ProtoFileReader, tag: FieldTag, tally: Tally): TensorFacts {
  const tensor: TensorFacts = { name: '', dataType: 0, dims: [], externalLocation: undefined };
  let dataLocation = 0;
  r.readMessage(tag, 'TensorProto', (t) => {
    switch (t.field) {
      case 1:
        tensor.dims.push(...r.repeatedVarintField(t));
        return true;
      case 2:
        tensor.dataType = r.varintField(t);
        return true;
      case 8:
        tensor.name = r.stringField(t);
        return true;
      case 13: {
        const [key, value] = readStringEntry(r, t);
        if (key === 'location') tensor.externalLocation = value;
        return true;
      }
      case 14:
        dataLocation = r.varintField(t);
        return true;
      default:
        // float_data, raw_data and the other value fields are skipped by seeking: never read.
        return false;
    }
  });
  const malformed = (detail: string) =>
    new ProtoReadError('malformed', `tensor "${tensor.name}" ${detail}`, tag.offset);
  if (tensor.dims.some((dim) => dim < 0)) throw malformed(`has a negative dim: [${tensor.dims.join(', ')}]`);
  if (dataLocation !== DATA_LOCATION_EXTERNAL) tensor.externalLocation = undefined;
  else if (tensor.externalLocation) tally.externalDataFiles.add(tensor.externalLocation);
  else throw malformed('is stored externally but names no location');
  return tensor;
}

function readStringEntry(r: ProtoFileReader, tag: FieldTag): [string, string] {
  let key = '';
  let value = '';
  r.readMessage(tag, 'StringStringEntryProto', (t) => {
    if (t.field === 1) key = r.stringField(t);
    else if (t.field === 2) value = r.stringField(t);
    else return false;
    return true;
  });
  return [key, value];
}

function listModels(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => name.endsWith('.onnx'));
  } catch {
    return [];
  }
}

function fileSystemError(path: string, error: unknown): OnnxFormatError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new OnnxFormatError(
      'not-found',
      path,
      `No file at ${path}. Expected the path of an ONNX model file (.onnx).`,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new OnnxFormatError(
    'unreadable',
    path,
    `Cannot read ${path} (${reason}). Expected a readable ONNX model file.`,
  );
}

/** An explanation when the file is a known archive format rather than a model. */
function archiveProblem(head: Buffer): string | undefined {
  // PK\x03\x04 starts a zip entry, PK\x05\x06 an empty zip; torch.save writes zip files since PyTorch 1.6.
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) {
    return 'looks like a zip archive (a PyTorch checkpoint such as .pt or .pth is one), not an ONNX model. Export the model to ONNX first, e.g. with torch.onnx.export.';
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'is gzip-compressed, not an ONNX model. Decompress it first.';
  return undefined;
}

/** Text has no control bytes besides whitespace; a serialized ModelProto starts with some (0x08 = ir_version). */
function looksLikeText(head: Buffer): boolean {
  const whitespace = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]);
  return head.every((b) => (b >= 0x20 && b !== 0x7f) || whitespace.has(b));
}

function textError(path: string, head: Buffer): OnnxFormatError {
  const text = head.toString('utf8');
  if (text.startsWith('version https://git-lfs')) {
    const message = `${path} is a Git LFS pointer, not the model itself: run \`git lfs pull\` to fetch the real file.`;
    return new OnnxFormatError('text-file', path, message);
  }
  const preview = JSON.stringify(text.slice(0, 40)) + (text.length > 40 ? '...' : '');
  const message = `${path} looks like a text file (it starts with ${preview}), not an ONNX model. ${EXPECTED}`;
  return new OnnxFormatError('text-file', path, message);
}
