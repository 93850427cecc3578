// Writes the standalone server target (also the edge target's server): server.js built from Slipway's serving
// code, the models with slipway-server.json, a package.json pinning the onnxruntime-node Slipway runs, a
// Dockerfile and a README. `npm install && node server.js` in the folder serves the same V2 API.
import {
  STANDALONE_SERVER_CONFIG_FILE,
  STANDALONE_SERVER_FORMAT_VERSION,
  StandaloneServerConfigSchema,
  type Fallback,
  type ServingSettings,
  type StandaloneServerConfig,
} from '../../../../src-shared/contract';
import { onnxruntimeVersion } from '../../runtime/onnxruntimeVersion';
import { UserError } from '../../userError';
import type { BundleFolder } from '../bundleFolder';
import type { ExportSource } from '../exportSource';
import { standaloneReadme } from './standaloneReadme';
import { standaloneServerScript } from './standaloneServerScript';

export interface StandaloneServerInput {
  /** Folder inside the bundle: 'standalone' or 'edge'. */
  dir: string;
  models: {
    source: ExportSource;
    /** Absolute path of the file to ship instead of source.modelPath (e.g. the edge model). */
    modelFile?: string;
    /** Settings to export instead of source.settings. */
    settings?: ServingSettings;
  }[];
  /** Default port in the config (8000). */
  port?: number;
  title: string;
  /** Markdown appended to the README. */
  readmeExtra?: string;
}

export const DEFAULT_STANDALONE_PORT = 8000;

export async function writeStandaloneServer(
  folder: BundleFolder,
  input: StandaloneServerInput,
): Promise<{ files: string[] }> {
  if (input.models.length === 0) throw new UserError('bad-input', 'the standalone server needs at least one model');
  const serverScript = standaloneServerScript();
  const port = input.port ?? DEFAULT_STANDALONE_PORT;
  const files: string[] = [];
  const write = async (rel: string, data: string) => {
    await folder.writeFile(`${input.dir}/${rel}`, data);
    files.push(`${input.dir}/${rel}`);
  };

  const droppedFallbacks: { model: string; version: number }[] = [];
  const models: StandaloneServerConfig['models'] = [];
  for (const { source, modelFile, settings } of input.models) {
    const path = `models/${source.model}/${source.version}/model.onnx`;
    await folder.copyFile(`${input.dir}/${path}`, modelFile ?? source.modelPath);
    files.push(`${input.dir}/${path}`);
    models.push({
      model: source.model,
      version: source.version,
      path,
      weightBytes: source.inspection.parameterBytes,
      signature: { inputs: source.inspection.inputs, outputs: source.inspection.outputs },
      settings: settings ?? source.settings,
      fallback: bundledFallback(source, input.models, droppedFallbacks),
    });
  }
  // Parsed as server.js will parse it, so an export never writes a config its own server refuses.
  const config = StandaloneServerConfigSchema.parse({
    format: 'slipway-server',
    formatVersion: STANDALONE_SERVER_FORMAT_VERSION,
    host: '127.0.0.1',
    port,
    models,
  });
  const ortVersion = onnxruntimeVersion();

  await folder.copyFile(`${input.dir}/server.js`, serverScript);
  files.push(`${input.dir}/server.js`);
  await write(STANDALONE_SERVER_CONFIG_FILE, `${JSON.stringify(config, null, 2)}\n`);
  await write('package.json', `${JSON.stringify(packageJson(config, input.title, ortVersion), null, 2)}\n`);
  // onnxruntime-node's install script downloads CUDA libraries on Linux x64 unless told to skip (GPU: README).
  await write('.npmrc', 'onnxruntime-node-install=skip\n');
  await write('Dockerfile', dockerfile(port));
  await write('.dockerignore', 'node_modules\nnpm-debug.log\n.git\n');
  await write(
    'README.md',
    standaloneReadme({
      title: input.title,
      dir: input.dir,
      config,
      onnxruntimeVersion: ortVersion,
      droppedFallbacks,
      extra: input.readmeExtra,
    }),
  );
  return { files: files.sort() };
}

/** The model's fallback, or `none` when it names a version this bundle does not carry. */
function bundledFallback(
  source: ExportSource,
  all: StandaloneServerInput['models'],
  dropped: { model: string; version: number }[],
): Fallback {
  const fallback = source.fallback;
  if (fallback.kind !== 'version') return fallback;
  const carried = all.some((m) => m.source.model === source.model && m.source.version === fallback.version);
  if (carried) return fallback;
  if (!dropped.some((d) => d.model === source.model)) dropped.push({ model: source.model, version: fallback.version });
  return { kind: 'none' };
}

function packageJson(config: StandaloneServerConfig, title: string, ortVersion: string): Record<string, unknown> {
  const first = config.models[0]!;
  return {
    name: `slipway-server-${first.model.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
    version: config.models.length === 1 ? `${first.version}.0.0` : '1.0.0',
    private: true,
    description: `Slipway standalone server: ${title}`,
    type: 'module',
    main: 'server.js',
    scripts: { start: 'node server.js' },
    engines: { node: '>=20' },
    // Exactly the version Slipway ran the model with: the native runtime is what decides the numbers.
    dependencies: { 'onnxruntime-node': ortVersion },
    // npm 11 runs a dependency's install script only when allowed; onnxruntime-node's reads the .npmrc flag
    // (skip by default, `--onnxruntime-node-install=cuda12` for the GPU libraries).
    allowScripts: { 'onnxruntime-node': true },
  };
}

function dockerfile(port: number): string {
  return `# Slipway standalone server. Build: docker build -t slipway-server .
# Run:   docker run --rm -p ${port}:${port} -e SLIPWAY_API_KEY=<key> slipway-server
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json .npmrc ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# Listening on every interface makes the models reachable from outside the container, so server.js refuses to
# start unless SLIPWAY_API_KEY is given at docker run.
ENV HOST=0.0.0.0 PORT=${port}
EXPOSE ${port}
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/v2/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
`;
}
