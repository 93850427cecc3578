// The README of a standalone (or edge) bundle: what is inside, how to run it locally and in Docker, the
// endpoints, each model's exported settings, and a curl request per model that is valid for its signature.
import type { Fallback, StandaloneServerConfig } from '../../../../src-shared/contract';
import { buildExamples } from '../../../../src-shared/exampleRequests';
import { formatBytes } from '../../../../src-shared/units';

export interface StandaloneReadmeInput {
  title: string;
  dir: string;
  config: StandaloneServerConfig;
  onnxruntimeVersion: string;
  /** Models whose fallback version was left out of the bundle, so their fallback became `none`. */
  droppedFallbacks: { model: string; version: number }[];
  extra?: string;
}

export function standaloneReadme(input: StandaloneReadmeInput): string {
  const { config } = input;
  const port = config.port;
  const refs = config.models.map((m) => `${m.model}:${m.version}`);
  const out: string[] = [
    `# ${input.title} — Slipway standalone server`,
    '',
    `Serves ${refs.join(', ')} on a KServe V2 / Open Inference Protocol endpoint with Triton's HTTP extensions,`,
    "using Slipway's own serving code: what answered in Slipway answers here, with the settings exported with it.",
    '',
    '## What is inside',
    '',
    '| File | What it is |',
    '| --- | --- |',
    "| `server.js` | Slipway's data plane and inference runtime in one file (it also runs as its own worker threads) |",
    '| `slipway-server.json` | the models, their signatures and serving settings, the default host and port |',
    ...config.models.map((m) => `| \`${m.path}\` | ${m.model} version ${m.version} (ONNX) |`),
    `| \`package.json\` | one dependency: onnxruntime-node ${input.onnxruntimeVersion}, the version Slipway ran it with |`,
    '| `.npmrc` | skips the CUDA download of onnxruntime-node on Linux x64 (CPU install; see GPU below) |',
    '| `Dockerfile`, `.dockerignore` | a container image on node:20-slim, running as a non-root user |',
    '',
    '## Run it',
    '',
    'Node.js 20 or newer:',
    '',
    '```sh',
    'npm install',
    'node server.js            # or: npm start',
    '```',
    '',
    `It prints \`slipway-server: serving ${refs.join(', ')} at http://127.0.0.1:${port}\` when ready, and`,
    'drains in-flight requests on Ctrl-C or SIGTERM.',
    '',
    '| Option | Environment | Default |',
    '| --- | --- | --- |',
    `| \`--host ADDRESS\` | \`HOST\` | \`${config.host}\` |`,
    `| \`--port N\` (0: a free port) | \`PORT\` | \`${port}\` |`,
    '| `--api-key KEY[,KEY…]` | `SLIPWAY_API_KEY` | none |',
    '| `--allow-host NAME[,NAME…]` | `SLIPWAY_ALLOW_HOSTS` | loopback and the bound address |',
    '| `--cors-origin ORIGIN[,…]` | `SLIPWAY_CORS_ORIGINS` | CORS off |',
    '| `--config PATH` | | `slipway-server.json` next to server.js |',
    '| `--max-body-mb N` | | 64 |',
    '| `--access-log` | | off |',
    '',
    'Binding anything but loopback (e.g. `--host 0.0.0.0`) makes the models reachable from other machines, so',
    'the server refuses to start without an API key; clients then send `Authorization: Bearer KEY` (or',
    '`X-API-Key: KEY`). Requests whose Host header is not loopback, the bound address or an `--allow-host` name',
    'are refused (DNS rebinding). Exit status: 0 stopped, 1 bad config or input, 2 bad command line,',
    '3 unavailable (port in use, no model could load), 4 config from a newer Slipway.',
    '',
    '### In Docker',
    '',
    'The image listens on 0.0.0.0, so it requires an API key:',
    '',
    '```sh',
    `docker build -t ${imageName(config)} .`,
    `docker run --rm -p ${port}:${port} -e SLIPWAY_API_KEY="$(openssl rand -hex 24)" ${imageName(config)}`,
    '```',
    '',
    `Its HEALTHCHECK polls \`/v2/health/ready\`. Set \`-e SLIPWAY_ALLOW_HOSTS=name.example\` when clients reach it`,
    'by a host name rather than an IP address.',
    '',
    '### GPU',
    '',
    "onnxruntime-node's CPU runtime is in its npm package; on Linux x64 its install script would also download the",
    'CUDA 12 provider libraries, which `.npmrc` (`onnxruntime-node-install=skip`) turns off. On a machine with',
    'CUDA 12, install them with `npm install --onnxruntime-node-install=cuda12` (or',
    '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm install`) and set `"provider": "cuda"` (or `"auto"`) in',
    '`slipway-server.json`; a model whose provider cannot start fails to load with the reason.',
    '',
    '## Endpoints',
    '',
    '| Endpoint | What it does |',
    '| --- | --- |',
    '| `GET /v2/health/live`, `GET /v2/health/ready` | liveness, readiness (no API key needed) |',
    '| `GET /v2` | server metadata and the extensions it implements |',
    '| `GET /v2/models/{m}[/versions/{v}]` | model metadata: inputs, outputs, versions |',
    '| `GET /v2/models/{m}[/versions/{v}]/ready` | whether the model (version) is ready |',
    '| `POST /v2/models/{m}[/versions/{v}]/infer` | inference: JSON, or binary tensor data (Triton extension) |',
    '| `GET /v2/models/{m}[/versions/{v}]/config` | the Triton model configuration |',
    '| `GET /v2/models[/{m}[/versions/{v}]]/stats` | Triton statistics |',
    '| `POST /v2/repository/index`, `.../models/{m}/load`, `.../unload` | model repository extension |',
    '| `GET /metrics` | Prometheus metrics with Triton names (`nv_inference_*`) |',
    '',
    'tritonclient (HTTP) and perf_analyzer work against it as against Triton.',
    '',
    '## Exported settings',
    '',
    '| Model | Instances | Intra-op threads | Provider | Dynamic batching | Response cache | Queue limit | Default timeout | Priority levels | Fallback |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...config.models.map((m) => {
      const s = m.settings;
      const batching = s.dynamicBatching.enabled
        ? `on: max ${s.dynamicBatching.maxBatchSize}, delay ${s.dynamicBatching.maxQueueDelayMicros} µs`
        : 'off';
      const cache = s.cache.enabled ? `on: ${formatBytes(s.cache.maxBytes)}` : 'off';
      const timeout = s.defaultTimeoutMicros === 0 ? 'none' : `${s.defaultTimeoutMicros / 1000} ms`;
      return (
        `| ${m.model}:${m.version} | ${s.instances} | ${s.intraOpThreads ?? 'cores / instances'} | ${s.provider} | ` +
        `${batching} | ${cache} | ${s.maxQueueLength} | ${timeout} | ${s.priorityLevels} (default ${s.defaultPriority}) | ` +
        `${describeFallback(m.fallback)} |`
      );
    }),
    '',
    'Change them in `slipway-server.json` (`models[].settings`); the server checks the file at start.',
  ];
  for (const dropped of input.droppedFallbacks) {
    out.push(
      '',
      `Note: in Slipway, ${dropped.model} falls back to its version ${dropped.version}, which is not in this bundle,`,
      'so here its fallback is `none`: a failed or timed-out request gets its error instead of a degraded answer.',
    );
  }
  out.push('', '## Example requests', '');
  for (const m of config.models) {
    const examples = buildExamples({
      url: `http://127.0.0.1:${port}`,
      model: m.model,
      version: m.version,
      inputs: m.signature.inputs,
      outputs: m.signature.outputs,
      apiKey: false,
    });
    out.push(
      `${m.model}:${m.version} (zero-filled inputs; drop \`/versions/${m.version}\` to reach the default version):`,
      '',
      '```sh',
      ...(examples.unsupported.length > 0
        ? [`# ${examples.unsupported.join(', ')}: not a tensor a V2 request can carry`]
        : []),
      examples.curl,
      '```',
      '',
      'With Python (`pip install tritonclient[http] numpy`):',
      '',
      '```python',
      examples.python,
      '```',
      '',
    );
  }
  out.push('With an API key (Docker, or any non-loopback bind), add `-H "Authorization: Bearer $SLIPWAY_API_KEY"`.');
  if (input.extra) out.push('', input.extra.trim());
  return `${out.join('\n')}\n`;
}

function imageName(config: StandaloneServerConfig): string {
  return `slipway-${config.models[0]!.model.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`;
}

function describeFallback(fallback: Fallback): string {
  if (fallback.kind === 'none') return 'none';
  if (fallback.kind === 'version') return `version ${fallback.version}`;
  return `constant (${Object.keys(fallback.outputs).join(', ')})`;
}
