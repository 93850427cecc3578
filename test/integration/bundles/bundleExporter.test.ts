// Exports every demo model with every target through the engine, as the CLI and the Export screen do, and checks
// what lands on disk: the layout, the manifest's checksums against the files, the Triton config, the KServe
// YAML, the edge parity; then the refusals: unknown version, a folder that is not empty or not writable, cancel.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { list as listTar } from 'tar';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleManifestSchema, type BundleManifest } from '../../../src-shared/contract';
import { Engine } from '../../../src-main/engine/engine';
import { sharedBatchAxis } from '../../../src-main/engine/serving/tritonModelConfig';
import { tempDir } from '../../helpers/tempDir';
import { parseTritonModelConfig } from '../../helpers/tritonModelConfigParser';

const DEMO_VERSIONS = [
  ['digits-mlp', 1],
  ['digits-mlp', 2],
  ['cancer-logreg', 1],
  ['cancer-logreg', 2],
  ['squeezenet1_1', 1],
  ['text-classifier', 1],
  ['multi-dtype', 1],
  ['slow-matmul', 1],
] as const;

let engine: Engine;
let out: string;

beforeAll(() => {
  engine = Engine.open({ home: tempDir() });
  out = tempDir('slipway-bundles-');
});
afterAll(async () => {
  await engine.close();
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

function readManifest(dir: string): BundleManifest {
  return BundleManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'slipway-manifest.json'), 'utf8')));
}

describe.each(DEMO_VERSIONS)('%s:%i exported with every target', (model, version) => {
  let dir: string;
  let manifest: BundleManifest;

  beforeAll(async () => {
    const result = await engine.bundles.run({
      model,
      version,
      targets: ['triton', 'kserve', 'standalone', 'edge'],
      outDir: join(out, `${model}-v${version}`),
      storageUri: `gs://acme-models/${model}`,
    });
    dir = result.outDir;
    manifest = readManifest(dir);
    expect(result.manifest).toEqual(manifest);
  }, 300_000);

  it('lists every file on disk in the manifest with its size and sha256', () => {
    const onDisk = filesUnder(dir).sort();
    expect(onDisk).toEqual([...manifest.files.map((f) => f.path), 'slipway-manifest.json'].sort());
    for (const file of manifest.files) {
      const path = join(dir, ...file.path.split('/'));
      expect(statSync(path).size, file.path).toBe(file.bytes);
      expect(sha256(path), file.path).toBe(file.sha256);
    }
  });

  it('carries the source model unchanged where Triton and the standalone server load it', () => {
    const stored = engine.library.get({ name: model, version });
    expect(manifest.source).toMatchObject({ model, version, sha256: stored.sha256, fileBytes: stored.fileBytes });
    expect(sha256(join(dir, 'triton', model, String(version), 'model.onnx'))).toBe(stored.sha256);
    expect(sha256(join(dir, 'standalone', 'models', model, String(version), 'model.onnx'))).toBe(stored.sha256);
    expect(manifest.signature.inputs.map((i) => i.name)).toEqual(stored.inspection.inputs.map((i) => i.name));
    expect(manifest.serving.settings).toEqual(engine.servingConfig.effective(stored).settings);
    expect(manifest.runtime.onnxruntimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes a config.pbtxt that parses as a Triton ModelConfig for this model', () => {
    const config = parseTritonModelConfig(readFileSync(join(dir, 'triton', model, 'config.pbtxt'), 'utf8'));
    const stored = engine.library.get({ name: model, version });
    expect(config.name).toBe(model);
    expect(config.platform).toBe('onnxruntime_onnx');
    expect(Number(config.max_batch_size ?? 0) > 0).toBe(sharedBatchAxis(stored.inspection));
    expect((config.input as { name: string }[]).map((i) => i.name)).toEqual(
      stored.inspection.inputs.map((i) => i.name),
    );
  });

  it('writes an InferenceService pointing at the Triton repository', () => {
    const service = parseYaml(readFileSync(join(dir, 'kserve', 'inferenceservice.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      spec: { predictor: { model: Record<string, unknown> } };
    };
    expect(service.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(service.kind).toBe('InferenceService');
    expect(service.spec.predictor.model).toMatchObject({
      modelFormat: { name: 'onnx' },
      runtime: 'kserve-tritonserver',
      protocolVersion: 'v2',
    });
    expect(String(service.spec.predictor.model.storageUri)).toMatch(/^gs:\/\/acme-models\//);
    expect(manifest.kserve).toEqual({ storageUri: service.spec.predictor.model.storageUri, placeholder: false });
  });

  it('optimises the edge model within 1e-4 relative of the original', () => {
    expect(manifest.edge).not.toBeNull();
    const edge = manifest.edge!;
    expect(edge.passed).toBe(true);
    expect(edge.maxRelError).toBeLessThanOrEqual(1e-4);
    expect(edge.optimizedNodes).toBeLessThanOrEqual(edge.originalNodes);
    expect(JSON.parse(readFileSync(join(dir, 'edge', 'parity.json'), 'utf8'))).toEqual(edge);
    const server = JSON.parse(readFileSync(join(dir, 'edge', 'slipway-server.json'), 'utf8')) as {
      models: { settings: { instances: number; intraOpThreads: number | null; provider: string } }[];
    };
    expect(server.models[0]!.settings).toMatchObject({ instances: 1, intraOpThreads: null, provider: 'cpu' });
  });

  it('includes the reference profile exactly when the version has a reference dataset', () => {
    const reference = engine.datasets.referenceFor(model, version);
    if (reference) {
      expect(manifest.referenceProfile).toMatchObject({ datasetName: reference.name, rows: reference.rows });
      expect(manifest.referenceProfile!.features).toEqual(reference.features);
    } else {
      expect(manifest.referenceProfile).toBeNull();
    }
  });
});

describe('export requests Slipway refuses', () => {
  it('names the versions a model has when the one asked for does not exist', () => {
    expect(() => engine.bundles.plan({ model: 'digits-mlp', version: 9, targets: ['triton'] })).toThrow(
      /digits-mlp has no version 9; its versions are 1, 2/,
    );
    expect(() => engine.bundles.plan({ model: 'no-such-model', version: 1, targets: ['triton'] })).toThrow(
      /no-such-model/,
    );
  });

  it('needs at least one target', () => {
    expect(() => engine.bundles.plan({ model: 'digits-mlp', version: 1, targets: [] })).toThrow(/at least one target/);
  });

  it('never writes into a folder that is not empty, and leaves it as it was', async () => {
    const dir = join(tempDir(), 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    await expect(
      engine.bundles.run({ model: 'digits-mlp', version: 1, targets: ['triton'], outDir: dir }),
    ).rejects.toThrow(/is not empty \(1 entry\); an export never overwrites/);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('says why when the output folder cannot be written', async () => {
    let parent: string;
    if (process.getuid?.() === 0) {
      // root ignores permission bits; /sys refuses new entries even to root.
      parent = '/sys/slipway-test';
    } else {
      parent = join(tempDir(), 'read-only');
      mkdirSync(parent);
      chmodSync(parent, 0o500);
    }
    await expect(
      engine.bundles.run({ model: 'digits-mlp', version: 1, targets: ['triton'], outDir: join(parent, 'bundle') }),
    ).rejects.toThrow(/cannot write the bundle folder .*bundle: (permission denied|read-only file system)/);
    expect(existsSync(join(parent, 'bundle'))).toBe(false);
  });

  it('refuses an output folder whose parent is a file', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(() =>
      engine.bundles.plan({ model: 'digits-mlp', version: 1, targets: ['triton'], outDir: join(file, 'bundle') }),
    ).toThrow(/is a file, not a folder/);
  });

  it('leaves nothing behind when cancelled', async () => {
    const parent = tempDir();
    const controller = new AbortController();
    const run = engine.bundles.run(
      { model: 'squeezenet1_1', version: 1, targets: ['triton', 'edge'], outDir: join(parent, 'bundle') },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.message.includes('optimis')) controller.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(/cancelled/);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('a bundle archive', () => {
  it('holds the bundle folder and nothing else, file for file', async () => {
    const parent = tempDir();
    const result = await engine.bundles.run({
      model: 'cancer-logreg',
      version: 2,
      targets: ['triton', 'standalone'],
      outDir: join(parent, 'cancer'),
      tar: true,
    });
    expect(result.archive).toBe(join(parent, 'cancer.tar.gz'));
    expect(result.archiveBytes).toBe(statSync(result.archive!).size);
    const entries: string[] = [];
    await listTar({ file: result.archive!, onReadEntry: (e) => void (e.type === 'File' && entries.push(e.path)) });
    const expected = filesUnder(result.outDir).map((f) => `${basename(result.outDir)}/${f}`);
    expect(entries.sort()).toEqual(expected.sort());
    expect(readdirSync(parent).sort()).toEqual(['cancer', 'cancer.tar.gz']);
  });

  it('plans every file before writing one', () => {
    const plan = engine.bundles.plan({ model: 'digits-mlp', version: 2, targets: ['kserve'] });
    const paths = plan.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'triton/digits-mlp/config.pbtxt',
        'triton/digits-mlp/2/model.onnx',
        'kserve/inferenceservice.yaml',
        'slipway-manifest.json',
      ]),
    );
    expect(plan.notes.join('\n')).toMatch(/triton\/ is written too/);
    expect(plan.notes.join('\n')).toMatch(/placeholder/);
    expect(existsSync(plan.outDir)).toBe(false);
  });
});
