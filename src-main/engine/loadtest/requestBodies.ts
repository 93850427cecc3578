// The requests a load test cycles through, built once before the run so a send costs nothing but the send:
// input sets (synthetic from the signature, or rows of a replay file) and their KServe V2 bodies, in JSON or
// in Triton's binary tensor form, exactly as the endpoint decodes them.
import type { LoadInputs, ModelSignature } from '../../../src-shared/contract';
import { ELEMENT_TYPE_INFO } from '../../../src-shared/elementTypes';
import { makeSyntheticInputs } from '../runtime/syntheticInputs';
import { decodeOutputFlat, elementView } from '../runtime/tensorCodec';
import { TensorCodecError } from '../runtime/tensorCodecError';
import type { WireTensor } from '../runtime/wireTensor';
import { UserError } from '../userError';
import type { EncodedRequest } from './loadGeneratorProtocol';
import { readReplayFile } from './replayFile';

/** Synthetic variants stop at this many bytes of inputs in all (a big image model gets fewer variants). */
const MAX_SYNTHETIC_BYTES = 256 * 1024 * 1024;

export interface PreparedInputs {
  /** One entry per distinct request, cycled in order. */
  sets: WireTensor[][];
  /** What the cycle holds, in words. */
  description: string;
}

function tensorBytes(t: WireTensor): number {
  return Array.isArray(t.data) ? t.data.reduce((n, s) => n + s.length, 0) : t.data.byteLength;
}

export function prepareInputs(signature: ModelSignature, inputs: LoadInputs): PreparedInputs {
  if (inputs.kind === 'replay') {
    const { sets, rowsInFile } = readReplayFile(inputs.file, signature);
    const note = rowsInFile > sets.length ? ` (the first ${sets.length} of ${rowsInFile})` : '';
    return { sets, description: `${sets.length} rows of ${inputs.file}${note}, cycled` };
  }
  const sets: WireTensor[][] = [];
  let applied: Record<string, number> = {};
  // Zeros are the same every time: one variant is all there is.
  const variants = inputs.fill === 'zeros' ? 1 : inputs.variants;
  let bytes = 0;
  try {
    for (let i = 0; i < variants; i++) {
      const made = makeSyntheticInputs(signature.inputs, {
        fill: inputs.fill,
        seed: inputs.seed + i,
        dims: inputs.dims,
      });
      applied = made.appliedDims;
      sets.push(made.tensors);
      bytes += made.tensors.reduce((n, t) => n + tensorBytes(t), 0);
      if (bytes * ((i + 2) / (i + 1)) > MAX_SYNTHETIC_BYTES) break;
    }
  } catch (error) {
    if (error instanceof TensorCodecError) throw new UserError('bad-input', error.message);
    throw error;
  }
  const dims = { ...applied, ...inputs.dims };
  const dimText =
    Object.keys(dims).length > 0
      ? `, ${Object.entries(dims)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`
      : '';
  return {
    sets,
    description: `${sets.length} synthetic input set${sets.length === 1 ? '' : 's'} (${inputs.fill}, seed ${inputs.seed}${dimText}), cycled`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

/** Triton BYTES in binary form: each element as a 4-byte little-endian length, then its UTF-8 bytes. */
function bytesElements(strings: string[]): Buffer {
  const parts = strings.map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.length, at);
    p.copy(out, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The raw little-endian element bytes of a tensor, as the binary extension carries them. */
function binaryOf(t: WireTensor): Buffer {
  const view = elementView(t);
  if (Array.isArray(view)) return bytesElements(view);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * One infer request body. JSON: every input's flat `data`. Binary: every input in the binary section after a
 * JSON header, and the outputs asked for in binary too (less work on both sides). FP16 has no JSON form, so
 * in a JSON request an FP16 input still goes binary, as Triton requires.
 */
export function encodeRequest(tensors: WireTensor[], protocol: 'json' | 'binary'): EncodedRequest {
  const binaries: Buffer[] = [];
  const entries = tensors.map((t) => {
    const head = `{"name":${JSON.stringify(t.name)},"datatype":"${ELEMENT_TYPE_INFO[t.type].v2}","shape":[${t.dims.join(',')}]`;
    if (protocol === 'binary' || t.type === 'float16') {
      const bytes = binaryOf(t);
      binaries.push(bytes);
      return `${head},"parameters":{"binary_data_size":${bytes.length}}}`;
    }
    return `${head},"data":${JSON.stringify(decodeOutputFlat(t).data)}}`;
  });
  const parameters = protocol === 'binary' ? ',"parameters":{"binary_data_output":true}' : '';
  const header = Buffer.from(`{"inputs":[${entries.join(',')}]${parameters}}`, 'utf8');
  if (binaries.length === 0) return { body: header, headers: { 'content-type': 'application/json' } };
  return {
    body: Buffer.concat([header, ...binaries]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}

export function encodeRequests(sets: WireTensor[][], protocol: 'json' | 'binary'): EncodedRequest[] {
  return sets.map((tensors) => encodeRequest(tensors, protocol));
}
