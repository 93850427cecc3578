// The copy-and-run examples on the Serve page (curl, Python tritonclient, JS fetch): what each one sends, that
// each one parses in its own language, and that the data plane accepts the request the curl example makes.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inspectOnnxFile } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { DEFAULT_WIRE_LIMITS, decodeInferRequest } from '../../../src-main/engine/serving/decodeInferRequest';
import { ServingError } from '../../../src-main/engine/serving/servingError';
import type { ModelSignature, TensorSignature } from '../../../src-shared/contract';
import { ELEMENT_TYPES, type ElementType } from '../../../src-shared/elementTypes';
import {
  API_KEY_VARIABLE,
  buildExamples,
  concreteShape,
  connectUrl,
  type ExampleTarget,
  type Examples,
} from '../../../src-shared/exampleRequests';
import { model } from '../../helpers/paths';
import { sig } from '../../helpers/signatures';
import { thrown } from '../../helpers/thrown';

const signatureOf = (file: string): ModelSignature => {
  const { inputs, outputs } = inspectOnnxFile(model(file));
  return { inputs, outputs };
};
const digits = signatureOf('digits-mlp-v1.onnx');
const multi = signatureOf('multi-dtype.onnx');
const text = signatureOf('text-classifier.onnx');
const squeezenet = signatureOf('squeezenet1_1.onnx');

const examplesFor = (signature: ModelSignature, target: Partial<ExampleTarget> = {}): Examples =>
  buildExamples({ url: 'http://127.0.0.1:8000', model: 'demo', apiKey: false, ...signature, ...target });

const oneInput = (type: ElementType, shape: TensorSignature['shape'] = ['batch', 3]): ModelSignature => ({
  inputs: [sig('t', type, shape)],
  outputs: [sig('out', type, shape)],
});

const V2_DATATYPE: Record<ElementType, string> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The test process environment without any API key of its own, plus what a test sets. */
const envWith = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const base = { ...process.env };
  delete base[API_KEY_VARIABLE];
  return { ...base, ...env };
};

// ---------------------------------------------------------------------------------------------------------
// Running the examples with the network replaced: what would actually go over the wire.

interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Runs the curl example with sh, `curl` replaced by a shell function that reports its arguments and stdin. */
function runCurl(script: string, env: Record<string, string> = {}): SentRequest {
  const fakeCurl = `curl() { printf '%s\\0' "$@"; printf 'STDIN\\0'; cat; }\n`;
  const run = spawnSync('sh', ['-c', fakeCurl + script], {
    input: '',
    encoding: 'utf8',
    env: envWith(env),
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const [argText = '', stdin = ''] = run.stdout.split('STDIN\0');
  const args = argText.split('\0').slice(0, -1);
  const sent: SentRequest = { url: '', method: 'GET', headers: {}, body: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-X') sent.method = args[++i]!;
    else if (arg === '-H') {
      const [name = '', ...value] = args[++i]!.split(':');
      sent.headers[name] = value.join(':').trim();
    } else if (arg === '-d') sent.body = JSON.parse(args[++i]!);
    else if (arg === '--data-binary') {
      expect(args[++i]).toBe('@-');
      sent.body = JSON.parse(stdin);
    } else if (arg.startsWith('http')) sent.url = arg;
  }
  return sent;
}

interface FetchRun {
  sent: SentRequest;
  logged: unknown[][];
}

/** Runs the fetch example as the async body it is, with `fetch`, `process` and `console` stand-ins. */
async function runFetch(
  code: string,
  env: Record<string, string> = {},
  response: { ok: boolean; body: unknown } = { ok: true, body: { model_version: '1', outputs: [] } },
): Promise<FetchRun> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  let sent: SentRequest | undefined;
  const logged: unknown[][] = [];
  const fakeFetch = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    sent = { url, method: init.method, headers: init.headers, body: JSON.parse(init.body) };
    return { ok: response.ok, json: async () => response.body };
  };
  const console = { log: (...values: unknown[]) => logged.push(values) };
  await new AsyncFunction('fetch', 'process', 'console', code)(fakeFetch, { env }, console);
  if (!sent) throw new Error('the example never called fetch');
  return { sent, logged };
}

interface PythonRun {
  url: string;
  inputs: { name: string; shape: number[]; datatype: string; data: { shape: number[]; dtype: string } }[];
  outputs: string[];
  model: string;
  modelVersion: string;
  headers: Record<string, string> | null;
  printed: string;
}

/**
 * Runs the Python example with numpy and tritonclient.http replaced by recording stand-ins. Like the real
 * tritonclient, set_data_from_numpy refuses an array whose dtype or shape does not match the InferInput.
 */
const PYTHON_HARNESS = String.raw`
import io, json, sys, types
source = sys.stdin.read()
record = {"inputs": []}
DTYPES = {"np.float32": "FP32", "np.float64": "FP64", "np.float16": "FP16", "np.int8": "INT8", "np.int16": "INT16",
          "np.int32": "INT32", "np.int64": "INT64", "np.uint8": "UINT8", "np.uint16": "UINT16", "np.uint32": "UINT32",
          "np.uint64": "UINT64", "np.bool_": "BOOL", "np.object_": "BYTES"}
np = types.ModuleType("numpy")
for name in DTYPES:
    setattr(np, name[3:], name)
class Array:
    def __init__(self, shape, dtype, size):
        self.shape, self.dtype, self.size = list(shape), dtype, size
    def reshape(self, shape):
        n = 1
        for d in shape: n *= d
        if n != self.size: raise ValueError("cannot reshape array of size %d into shape %s" % (self.size, shape))
        return Array(shape, self.dtype, self.size)
def zeros(shape, dtype):
    n = 1
    for d in shape: n *= d
    return Array(shape, dtype, n)
def array(values, dtype):
    assert all(v == b"" for v in values)
    return Array([len(values)], dtype, len(values))
np.zeros, np.array = zeros, array
http = types.ModuleType("tritonclient.http")
tritonclient = types.ModuleType("tritonclient")
tritonclient.http = http
class InferInput:
    def __init__(self, name, shape, datatype):
        self.entry = {"name": name, "shape": list(shape), "datatype": datatype}
        record["inputs"].append(self.entry)
    def set_data_from_numpy(self, array):
        if DTYPES[array.dtype] != self.entry["datatype"]: raise TypeError("dtype does not match the datatype")
        if array.shape != self.entry["shape"]: raise ValueError("shape does not match")
        self.entry["data"] = {"shape": array.shape, "dtype": array.dtype}
class InferRequestedOutput:
    def __init__(self, name): self.name = name
class Result:
    def as_numpy(self, name): return "<%s>" % name
class InferenceServerClient:
    def __init__(self, url): record["url"] = url
    def infer(self, model_name, inputs, model_version="", outputs=None, headers=None):
        record.update(model=model_name, modelVersion=model_version, headers=headers,
                      outputs=[o.name for o in outputs or []])
        return Result()
http.InferInput, http.InferRequestedOutput, http.InferenceServerClient = InferInput, InferRequestedOutput, InferenceServerClient
sys.modules.update({"numpy": np, "tritonclient": tritonclient, "tritonclient.http": http})
stdout, sys.stdout = sys.stdout, io.StringIO()
exec(compile(source, "example.py", "exec"), {"__name__": "__main__"})
record["printed"], sys.stdout = sys.stdout.getvalue(), stdout
print(json.dumps(record))
`;

function runPython(source: string, env: Record<string, string> = {}): PythonRun {
  const run = spawnSync('python3', ['-c', PYTHON_HARNESS], {
    input: source,
    encoding: 'utf8',
    env: envWith(env),
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as PythonRun;
}

function checkShell(script: string): { status: number | null; stderr: string } {
  const run = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

function checkJs(code: string): { status: number | null; stderr: string } {
  // The example awaits at top level: it is an ES module (a .mjs file, a browser console, Node's detection).
  const run = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: code, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

function checkPython(source: string): { status: number | null; stderr: string } {
  const run = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], {
    input: source,
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

/** The data plane's reading of a JSON body for this signature (what the endpoint would do with it). */
const decodeBody = (signature: ModelSignature, body: unknown) =>
  decodeInferRequest(Buffer.from(JSON.stringify(body)), { signature, limits: DEFAULT_WIRE_LIMITS });

// ---------------------------------------------------------------------------------------------------------

describe('concreteShape', () => {
  it('keeps declared sizes and sends symbolic or unnamed dims as 1', () => {
    expect(concreteShape(['batch', 3, 224, 224])).toEqual([1, 3, 224, 224]);
    expect(concreteShape(['batch', 'sequence'])).toEqual([1, 1]);
    expect(concreteShape([null, 4])).toEqual([1, 4]);
    expect(concreteShape([2, 3])).toEqual([2, 3]);
  });

  it('sends a scalar as [] and an input of unknown rank as [1]', () => {
    expect(concreteShape([])).toEqual([]);
    expect(concreteShape(null)).toEqual([1]);
  });
});

describe('connectUrl', () => {
  it('reaches a wildcard bind through loopback', () => {
    expect(connectUrl('http://0.0.0.0:8000')).toBe('http://127.0.0.1:8000');
    expect(connectUrl('http://[::]:8000')).toBe('http://[::1]:8000');
  });

  it('leaves a concrete address as it is', () => {
    expect(connectUrl('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(connectUrl('http://192.168.1.20:9000')).toBe('http://192.168.1.20:9000');
    expect(connectUrl('http://[::1]:8000')).toBe('http://[::1]:8000');
    expect(connectUrl('http://localhost:8000')).toBe('http://localhost:8000');
  });
});

describe('buildExamples: the inputs listed', () => {
  it.each(ELEMENT_TYPES)('gives %s inputs their V2 datatype', (type) => {
    const { inputs, unsupported } = examplesFor(oneInput(type));
    expect(inputs).toEqual([{ name: 't', datatype: V2_DATATYPE[type], shape: [1, 3], elementType: type, elements: 3 }]);
    expect(unsupported).toEqual([]);
  });

  it('lists the demo models inputs with symbolic dims as 1', () => {
    expect(examplesFor(squeezenet).inputs).toEqual([
      { name: 'image', datatype: 'FP32', shape: [1, 3, 224, 224], elementType: 'float32', elements: 150_528 },
    ]);
    expect(examplesFor(text).inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual([
      ['input_ids', 'INT64', [1, 1]],
      ['attention_mask', 'INT64', [1, 1]],
    ]);
    expect(examplesFor(multi).inputs.map((i) => [i.name, i.datatype, i.shape])).toEqual([
      ['x', 'FP32', [1, 4]],
      ['scale', 'FP64', [1, 1]],
      ['flags', 'BOOL', [1, 4]],
    ]);
  });

  it('leaves out inputs that are not tensors of a servable type and names them', () => {
    const signature: ModelSignature = {
      inputs: [
        sig('x', 'float32', ['batch', 2]),
        sig('b', 'bfloat16', ['batch', 2]),
        { name: 'seq', kind: 'sequence', elementType: 'sequence(float32)', shape: null },
      ],
      outputs: [sig('y', 'float32', ['batch', 2])],
    };
    const examples = examplesFor(signature);
    expect(examples.inputs.map((i) => i.name)).toEqual(['x']);
    expect(examples.unsupported).toEqual(['b', 'seq']);
    expect((runCurl(examples.curl).body as { inputs: { name: string }[] }).inputs.map((i) => i.name)).toEqual(['x']);
  });
});

describe('buildExamples: curl', () => {
  it('posts a zero-filled V2 JSON body to the model infer URL', () => {
    const sent = runCurl(examplesFor(multi).curl);
    expect(sent).toEqual({
      url: 'http://127.0.0.1:8000/v2/models/demo/infer',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: {
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [1, 4], data: [0, 0, 0, 0] },
          { name: 'scale', datatype: 'FP64', shape: [1, 1], data: [0] },
          { name: 'flags', datatype: 'BOOL', shape: [1, 4], data: [false, false, false, false] },
        ],
      },
    });
  });

  it('puts the version in the path when one is given', () => {
    const sent = runCurl(examplesFor(digits, { model: 'digits-mlp', version: 2 }).curl);
    expect(sent.url).toBe('http://127.0.0.1:8000/v2/models/digits-mlp/versions/2/infer');
  });

  it('connects to loopback when the endpoint binds every interface, without a doubled slash', () => {
    expect(runCurl(examplesFor(digits, { url: 'http://0.0.0.0:8000/' }).curl).url).toBe(
      'http://127.0.0.1:8000/v2/models/demo/infer',
    );
    expect(runCurl(examplesFor(digits, { url: 'http://[::]:8000' }).curl).url).toBe(
      'http://[::1]:8000/v2/models/demo/infer',
    );
  });

  it('reads the API key from $SLIPWAY_API_KEY and never writes a key into the example', () => {
    const examples = examplesFor(digits, { apiKey: true });
    expect(API_KEY_VARIABLE).toBe('SLIPWAY_API_KEY');
    expect(examples.curl).toContain('$SLIPWAY_API_KEY');
    const sent = runCurl(examples.curl, { SLIPWAY_API_KEY: 'key-from-the-environment' });
    expect(sent.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'Bearer key-from-the-environment',
    });
  });

  it('sends no Authorization header when the endpoint wants no key', () => {
    const examples = examplesFor(digits);
    expect(examples.curl).not.toContain('Authorization');
    expect(runCurl(examples.curl, { SLIPWAY_API_KEY: 'unused' }).headers).toEqual({
      'Content-Type': 'application/json',
    });
  });

  it.each(ELEMENT_TYPES.filter((t) => t !== 'float16'))('makes a %s request the endpoint accepts', (type) => {
    const signature = oneInput(type);
    const request = decodeBody(signature, runCurl(examplesFor(signature).curl).body);
    expect(request.inputs).toHaveLength(1);
    expect(request.inputs[0]).toMatchObject({ name: 't', type, dims: [1, 3] });
  });

  it('makes requests the endpoint accepts for the demo models', () => {
    for (const signature of [digits, multi, text]) {
      const request = decodeBody(signature, runCurl(examplesFor(signature).curl).body);
      expect(request.inputs.map((i) => [i.name, i.dims])).toEqual(
        signature.inputs.map((i) => [i.name, concreteShape(i.shape)]),
      );
    }
  });

  it('writes out up to 1024 elements inline and pipes a bigger body from python3', () => {
    const inline = examplesFor(oneInput('float32', ['batch', 1024])).curl;
    expect(inline).toContain(' -d ');
    expect(inline).not.toContain('python3');

    const piped = examplesFor(oneInput('float32', ['batch', 1025])).curl;
    expect(piped).toMatch(/^python3 -c '.*' \|$/m);
    expect(piped).toContain('--data-binary @-');
    expect(piped).not.toContain(' -d ');
  });

  it.skipIf(!hasPython)('pipes a body for a large input that the endpoint accepts', () => {
    const sent = runCurl(examplesFor(squeezenet, { apiKey: true }).curl, { SLIPWAY_API_KEY: 'k' });
    expect(sent.url).toBe('http://127.0.0.1:8000/v2/models/demo/infer');
    expect(sent.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer k' });
    const request = decodeBody(squeezenet, sent.body);
    expect(request.inputs[0]).toMatchObject({ name: 'image', type: 'float32', dims: [1, 3, 224, 224] });
  });

  it.skipIf(!hasPython)('pipes bool and BYTES zeros in their JSON form', () => {
    const signature: ModelSignature = {
      inputs: [sig('flags', 'bool', ['batch', 2000]), sig('words', 'string', ['batch', 2000])],
      outputs: [sig('y', 'float32', ['batch'])],
    };
    const body = runCurl(examplesFor(signature).curl).body as { inputs: { data: unknown[] }[] };
    expect(body.inputs[0]!.data).toEqual(new Array(2000).fill(false));
    expect(body.inputs[1]!.data).toEqual(new Array(2000).fill(''));
    expect(decodeBody(signature, body).inputs.map((i) => i.dims)).toEqual([
      [1, 2000],
      [1, 2000],
    ]);
  });

  it('quotes names that would break the shell', () => {
    const signature: ModelSignature = {
      inputs: [sig("it's", 'float32', [1, 2]), sig('$HOME `x`', 'int32', [1])],
      outputs: [sig('y', 'float32', [1])],
    };
    const body = runCurl(examplesFor(signature).curl).body as { inputs: { name: string }[] };
    expect(body.inputs.map((i) => i.name)).toEqual(["it's", '$HOME `x`']);
  });
});

describe('buildExamples: the FP16 note', () => {
  const half: ModelSignature = {
    inputs: [sig('h', 'float16', ['batch', 2]), sig('x', 'float32', ['batch', 2])],
    outputs: [sig('y', 'float16', ['batch', 2])],
  };

  it('tells curl and fetch users that FP16 needs the Python example', () => {
    const examples = examplesFor(half);
    const note = 'h: FP16 travels only as binary data; use the Python example.';
    expect(examples.curl.split('\n')[0]).toBe(`# ${note}`);
    expect(examples.fetch.split('\n')[0]).toBe(`// ${note}`);
    expect(examples.python).not.toContain('FP16 travels');
  });

  it('is right: the endpoint refuses FP16 data in JSON', () => {
    const error = thrown(() => decodeBody(half, runCurl(examplesFor(half).curl).body), ServingError);
    expect(error.message).toContain('FP16 data must be sent in binary form');
  });

  it('is absent when no input is FP16', () => {
    const examples = examplesFor(multi);
    expect(examples.curl).not.toContain('FP16');
    expect(examples.fetch).not.toContain('FP16');
  });
});

describe('buildExamples: JS fetch', () => {
  it('posts the same body as curl and logs the version and outputs', async () => {
    const examples = examplesFor(multi, { model: 'multi-dtype', version: 3 });
    const { sent, logged } = await runFetch(
      examples.fetch,
      {},
      {
        ok: true,
        body: { model_version: '3', outputs: [{ name: 'y' }] },
      },
    );
    expect(sent).toEqual(runCurl(examples.curl));
    expect(sent.url).toBe('http://127.0.0.1:8000/v2/models/multi-dtype/versions/3/infer');
    expect(logged).toEqual([['3', [{ name: 'y' }]]]);
  });

  it('sends the key from process.env.SLIPWAY_API_KEY', async () => {
    const examples = examplesFor(digits, { apiKey: true, url: 'http://0.0.0.0:8000' });
    expect(examples.fetch).toContain('process.env.SLIPWAY_API_KEY');
    const { sent } = await runFetch(examples.fetch, { SLIPWAY_API_KEY: 'from-env' });
    expect(sent.url).toBe('http://127.0.0.1:8000/v2/models/demo/infer');
    expect(sent.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer from-env' });
  });

  it('throws the endpoint error message when the request fails', async () => {
    const examples = examplesFor(digits);
    await expect(runFetch(examples.fetch, {}, { ok: false, body: { error: 'model not ready' } })).rejects.toThrow(
      'model not ready',
    );
  });

  it('builds large inputs with new Array(n).fill rather than writing them out', async () => {
    const examples = examplesFor(squeezenet);
    expect(examples.fetch.length).toBeLessThan(2000);
    const { sent } = await runFetch(examples.fetch);
    const request = decodeBody(squeezenet, sent.body);
    expect(request.inputs[0]).toMatchObject({ name: 'image', dims: [1, 3, 224, 224] });
  });

  it('escapes names in its string literals', async () => {
    const signature: ModelSignature = {
      inputs: [sig("it's\\here", 'float32', [1])],
      outputs: [sig('y', 'float32', [1])],
    };
    const { sent } = await runFetch(examplesFor(signature).fetch);
    expect((sent.body as { inputs: { name: string }[] }).inputs[0]!.name).toBe("it's\\here");
  });
});

describe.skipIf(!hasPython)('buildExamples: Python tritonclient', () => {
  it('connects to host:port and sends each input as a zero numpy array of its datatype', () => {
    const run = runPython(examplesFor(multi, { model: 'multi-dtype' }).python);
    expect(run.url).toBe('127.0.0.1:8000');
    expect(run.model).toBe('multi-dtype');
    expect(run.modelVersion).toBe('');
    expect(run.headers).toBeNull();
    expect(run.inputs).toEqual([
      { name: 'x', shape: [1, 4], datatype: 'FP32', data: { shape: [1, 4], dtype: 'np.float32' } },
      { name: 'scale', shape: [1, 1], datatype: 'FP64', data: { shape: [1, 1], dtype: 'np.float64' } },
      { name: 'flags', shape: [1, 4], datatype: 'BOOL', data: { shape: [1, 4], dtype: 'np.bool_' } },
    ]);
    expect(run.outputs).toEqual(['y', 'count', 'mask']);
    expect(run.printed).toBe('y <y>\ncount <count>\nmask <mask>\n');
  });

  it.each(ELEMENT_TYPES)('sets %s data with a numpy dtype tritonclient accepts for its datatype', (type) => {
    const run = runPython(examplesFor(oneInput(type)).python);
    expect(run.inputs).toEqual([
      { name: 't', shape: [1, 3], datatype: V2_DATATYPE[type], data: expect.objectContaining({ shape: [1, 3] }) },
    ]);
  });

  it('asks for the version given and reads the key from os.environ', () => {
    const examples = examplesFor(digits, { url: 'http://0.0.0.0:8000', version: 2, apiKey: true });
    expect(examples.python).toContain('os.environ["SLIPWAY_API_KEY"]');
    const run = runPython(examples.python, { SLIPWAY_API_KEY: 'py-key' });
    expect(run.url).toBe('127.0.0.1:8000');
    expect(run.modelVersion).toBe('2');
    expect(run.headers).toEqual({ Authorization: 'Bearer py-key' });
  });

  it('connects to [::1] for an IPv6 wildcard bind', () => {
    expect(runPython(examplesFor(digits, { url: 'http://[::]:8000' }).python).url).toBe('[::1]:8000');
  });
});

describe('buildExamples: every example parses in its language', () => {
  const targets: [string, ModelSignature, Partial<ExampleTarget>][] = [
    ['digits, no key', digits, {}],
    ['digits, key and version', digits, { apiKey: true, version: 2 }],
    ['multi-dtype', multi, { apiKey: true }],
    ['text-classifier', text, { version: 1 }],
    ['squeezenet (piped curl)', squeezenet, { apiKey: true }],
    ...ELEMENT_TYPES.map((t): [string, ModelSignature, Partial<ExampleTarget>] => [t, oneInput(t), {}]),
    ['a scalar and unknown rank', { inputs: [sig('s', 'int64', []), sig('u', 'float32', null)], outputs: [] }, {}],
    [
      'awkward names',
      { inputs: [sig('it\'s "odd"\\', 'string', ['n'])], outputs: [sig('out/0:0', 'float32', ['n'])] },
      { apiKey: true },
    ],
  ];

  it.each(targets)('curl passes sh -n: %s', (_, signature, target) => {
    expect(checkShell(examplesFor(signature, target).curl)).toEqual({ status: 0, stderr: '' });
  });

  it.each(targets)('fetch passes node --check as a module: %s', (_, signature, target) => {
    expect(checkJs(examplesFor(signature, target).fetch)).toEqual({ status: 0, stderr: '' });
  });

  it.skipIf(!hasPython).each(targets)('Python passes ast.parse: %s', (_, signature, target) => {
    expect(checkPython(examplesFor(signature, target).python)).toEqual({ status: 0, stderr: '' });
  });

  it('the checks themselves catch a broken example', () => {
    expect(checkShell("curl -d '{")).not.toEqual({ status: 0, stderr: '' });
    expect(checkJs('const x = await fetch(')).not.toEqual({ status: 0, stderr: '' });
    if (hasPython) expect(checkPython('print("x"')).not.toEqual({ status: 0, stderr: '' });
  });
});
