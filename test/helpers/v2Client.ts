// A small KServe V2 / Triton HTTP client written from the protocol documents, the way tritonclient builds
// requests: JSON, or a JSON header followed by binary tensor data (Inference-Header-Content-Length).
import { gzipSync, gunzipSync } from 'node:zlib';

export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  /** Raw little-endian element bytes (BYTES: 4-byte length-prefixed elements). */
  bytes: Uint8Array;
}

export interface V2Response {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { error?: string; outputs?: V2Output[] };
  /** Binary output bytes by output name. */
  binary: Record<string, Buffer>;
}

export interface V2Output {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<V2Response> {
  return send(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<V2Response> {
  return send(url, { method: 'GET', headers });
}

/** Builds a binary-extension request: JSON header (inputs carry binary_data_size) then each input's bytes. */
export function binaryRequest(
  header: Record<string, unknown> & { inputs?: Record<string, unknown>[] },
  inputs: BinaryInput[],
): { body: Buffer; headerLength: number } {
  const json = {
    ...header,
    inputs: [
      ...(header.inputs ?? []),
      ...inputs.map((i) => ({
        name: i.name,
        datatype: i.datatype,
        shape: i.shape,
        parameters: { binary_data_size: i.bytes.length },
      })),
    ],
  };
  const head = Buffer.from(JSON.stringify(json));
  return { body: Buffer.concat([head, ...inputs.map((i) => Buffer.from(i.bytes))]), headerLength: head.length };
}

export async function postBinary(
  url: string,
  request: { body: Buffer; headerLength: number },
  headers: Record<string, string> = {},
): Promise<V2Response> {
  return send(url, {
    method: 'POST',
    body: request.body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(request.headerLength),
      ...headers,
    },
  });
}

export async function send(
  url: string,
  init: RequestInit & { body?: string | Buffer },
  gzip = false,
): Promise<V2Response> {
  const body = gzip && init.body !== undefined ? gzipSync(init.body) : init.body;
  const headers = new Headers(init.headers);
  if (gzip) headers.set('content-encoding', 'gzip');
  const res = await fetch(url, { ...init, headers, body: body as string | Uint8Array | undefined });
  let raw = Buffer.from(await res.arrayBuffer());
  // fetch decompresses by itself; this handles servers that compress a body fetch left alone.
  if (res.headers.get('content-encoding') === 'gzip' && raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  const headerLength = res.headers.get('inference-header-content-length');
  const jsonBytes = headerLength === null ? raw : raw.subarray(0, Number(headerLength));
  const json = (jsonBytes.length > 0 ? JSON.parse(jsonBytes.toString('utf8')) : {}) as V2Response['json'];
  const binary: Record<string, Buffer> = {};
  if (headerLength !== null) {
    let offset = Number(headerLength);
    for (const output of json.outputs ?? []) {
      const size = output.parameters?.binary_data_size;
      if (size === undefined) continue;
      binary[output.name] = raw.subarray(offset, offset + size);
      offset += size;
    }
  }
  return { status: res.status, headers: res.headers, json, binary };
}

export const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
export const fromF32 = (bytes: Buffer) =>
  Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
