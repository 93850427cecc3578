// The KServe target for every shipped model: an InferenceService YAML, parsed back with the yaml package, that
// runs the bundle's Triton repository on KServe's Triton runtime with resources from the serving settings.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isScalar, parse, parseDocument } from 'yaml';
import { BundleFolder } from '../../../src-main/engine/bundles/bundleFolder';
import type { ExportSource } from '../../../src-main/engine/bundles/exportSource';
import { inferenceServiceName } from '../../../src-main/engine/bundles/kserve/inferenceServiceYaml';
import { writeInferenceService } from '../../../src-main/engine/bundles/kserve/writeInferenceService';
import { writeTritonRepository } from '../../../src-main/engine/bundles/triton/writeTritonRepository';
import { UserError } from '../../../src-main/engine/userError';
import type { ModelVersion } from '../../../src-shared/contract';
import { openDemoExportLibrary } from '../../helpers/demoExportSources';
import { tempDir } from '../../helpers/tempDir';

const demo = openDemoExportLibrary();
afterAll(() => demo.close());

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MIB = 1024 * 1024;

/** The InferenceService name of each shipped model, by hand. */
const NAMES: Record<string, string> = {
  'digits-mlp': 'digits-mlp',
  'cancer-logreg': 'cancer-logreg',
  squeezenet1_1: 'squeezenet1-1',
  'text-classifier': 'text-classifier',
  'multi-dtype': 'multi-dtype',
  'slow-matmul': 'slow-matmul',
};

interface Isvc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    predictor: {
      canaryTrafficPercent?: number;
      model: {
        modelFormat: { name: string };
        runtime: string;
        protocolVersion: string;
        storageUri: string;
        args?: string[];
        resources: { requests: Record<string, string>; limits: Record<string, string> };
      };
    };
  };
}

async function exportKserve(
  source: ExportSource,
  options: { storageUri?: string | null; canaryTrafficPercent?: number | null } = {},
) {
  const folder = new BundleFolder(tempDir('slipway-kserve-'));
  const written = await writeInferenceService(folder, {
    source,
    storageUri: options.storageUri ?? null,
    canaryTrafficPercent: options.canaryTrafficPercent ?? null,
  });
  const text = readFileSync(folder.pathOf(written.path), 'utf8');
  return { folder, written, text, isvc: parse(text) as Isvc };
}

const memoryMiB = (quantity: string) => {
  const m = /^(\d+)Mi$/.exec(quantity);
  if (!m) throw new Error(`not a Mi quantity: ${quantity}`);
  return Number(m[1]);
};

describe('writeInferenceService on every shipped model', () => {
  describe.each(demo.versions.map((v): [string, ModelVersion] => [`${v.model}:${v.version}`, v]))(
    '%s',
    (_, version) => {
      const source = demo.source(version);

      it('writes kserve/inferenceservice.yaml: v1beta1, onnx on kserve-tritonserver over v2, no canary unless asked', async () => {
        const { folder, written, isvc } = await exportKserve(source);
        expect(folder.files()).toEqual(['kserve/inferenceservice.yaml']);
        expect(written.path).toBe('kserve/inferenceservice.yaml');
        expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
        expect(isvc.kind).toBe('InferenceService');
        expect(isvc.metadata.name).toBe(NAMES[version.model]);
        expect(isvc.metadata.name).toMatch(DNS_1035);
        const model = isvc.spec.predictor.model;
        expect(model.modelFormat).toEqual({ name: 'onnx' });
        expect(model.runtime).toBe('kserve-tritonserver');
        expect(model.protocolVersion).toBe('v2');
        expect(isvc.spec.predictor).not.toHaveProperty('canaryTrafficPercent');
        expect(model).not.toHaveProperty('args');
      });

      it('asks for one core per thread of each instance and memory for the server, the weights and the cache', async () => {
        const { isvc } = await exportKserve(source);
        const resources = isvc.spec.predictor.model.resources;
        expect(resources.requests).toEqual(resources.limits);
        expect(resources.requests.cpu).toBe('1');
        const memory = memoryMiB(resources.requests.memory!);
        expect(memory * MIB).toBeGreaterThanOrEqual(1024 * MIB + 2 * version.fileBytes);
        expect(memory * MIB).toBeLessThan(1024 * MIB + 2 * version.fileBytes + MIB);
        expect(resources.limits).not.toHaveProperty('nvidia.com/gpu');

        const tuned = {
          ...source,
          settings: {
            ...source.settings,
            instances: 2,
            intraOpThreads: 3,
            cache: { enabled: true, maxBytes: 256 * MIB },
          },
        };
        const { isvc: big } = await exportKserve(tuned);
        const model = big.spec.predictor.model;
        expect(model.resources.requests.cpu).toBe('6');
        // 1 GiB for tritonserver, twice the weights for each of the 2 instances, and the whole cache.
        expect(memoryMiB(model.resources.requests.memory!)).toBe(
          Math.ceil((1024 * MIB + 2 * 2 * version.fileBytes + 256 * MIB) / MIB),
        );
        // Triton caches responses only when the server has a cache to put them in.
        expect(model.args).toEqual([`--cache-config=local,size=${256 * MIB}`]);
      });

      it('asks for a GPU when the provider is a GPU one', async () => {
        const { isvc } = await exportKserve({ ...source, provider: 'cuda' });
        expect(isvc.spec.predictor.model.resources.limits['nvidia.com/gpu']).toBe('1');
      });

      it('carries canaryTrafficPercent when exported from a running rollout', async () => {
        const { isvc } = await exportKserve(source, { canaryTrafficPercent: 25 });
        expect(isvc.spec.predictor.canaryTrafficPercent).toBe(25);
        const { isvc: zero } = await exportKserve(source, { canaryTrafficPercent: 0 });
        expect(zero.spec.predictor.canaryTrafficPercent).toBe(0);
      });

      it('uses the given storageUri, else a placeholder with a comment saying to upload triton/ there', async () => {
        const given = await exportKserve(source, { storageUri: 's3://models/prod/triton' });
        expect(given.written).toMatchObject({ storageUri: 's3://models/prod/triton', placeholder: false });
        expect(given.isvc.spec.predictor.model.storageUri).toBe('s3://models/prod/triton');
        expect(given.text).not.toMatch(/REPLACE-ME/);

        const placeholder = await exportKserve(source);
        const uri = `s3://REPLACE-ME/${NAMES[version.model]}`;
        expect(placeholder.written).toMatchObject({ storageUri: uri, placeholder: true });
        expect(placeholder.isvc.spec.predictor.model.storageUri).toBe(uri);
        const node = parseDocument(placeholder.text).getIn(['spec', 'predictor', 'model', 'storageUri'], true);
        expect(isScalar(node) && node.comment).toMatch(/upload the bundle's triton\/ folder there/);
      });
    },
  );
});

describe('the InferenceService and the Triton repository together', () => {
  it('storageUri names the repository root: the folder holding <model>/config.pbtxt', async () => {
    const version = demo.versions.find((v) => v.model === 'squeezenet1_1')!;
    const folder = new BundleFolder(tempDir());
    const triton = await writeTritonRepository(folder, demo.source(version));
    const kserve = await writeInferenceService(folder, {
      source: demo.source(version),
      storageUri: 'gs://bucket/triton',
      canaryTrafficPercent: null,
    });
    // What KServe downloads to /mnt/models and tritonserver --model-store reads: <root>/<model>/config.pbtxt.
    expect(triton.configPath).toBe(`${triton.repositoryDir}/squeezenet1_1/config.pbtxt`);
    expect(folder.files()).toContain(`${triton.repositoryDir}/squeezenet1_1/1/model.onnx`);
    const text = readFileSync(folder.pathOf(kserve.path), 'utf8');
    expect(parseDocument(text).commentBefore).toMatch(
      /root of the Triton model repository.*squeezenet1_1\/config\.pbtxt/s,
    );
  });
});

describe('bad input', () => {
  const source = demo.source(demo.versions[0]!);

  it.each(['', 'bucket/triton', 'triton', 's3:/bucket', 'has space://x'])('refuses storageUri %j', async (uri) => {
    const folder = new BundleFolder(tempDir());
    const error = await writeInferenceService(folder, { source, storageUri: uri, canaryTrafficPercent: null }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /invalid storageUri .*expected the URI the triton\/ folder is uploaded to/,
    );
    expect(folder.files()).toEqual([]);
  });

  it.each([-1, 101, 12.5, Number.NaN])('refuses canaryTrafficPercent %s', async (percent) => {
    const folder = new BundleFolder(tempDir());
    const error = await writeInferenceService(folder, {
      source,
      storageUri: null,
      canaryTrafficPercent: percent,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/expected a whole number from 0 to 100/);
    expect(folder.files()).toEqual([]);
  });
});

describe('inferenceServiceName', () => {
  it('maps model names to DNS-1035 labels', () => {
    const cases: [string, string][] = [
      ['squeezenet1_1', 'squeezenet1-1'],
      ['digits-mlp', 'digits-mlp'],
      ['Digits.MLP', 'digits-mlp'],
      ['a__b--c', 'a-b-c'],
      ['3d_unet', 'model-3d-unet'],
      ['9', 'model-9'],
      ['net_', 'net'],
      ['x'.repeat(64), 'x'.repeat(63)],
      [`${'a'.repeat(62)}_b`, 'a'.repeat(62)],
    ];
    for (const [model, name] of cases) {
      expect(inferenceServiceName(model), model).toBe(name);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_1035);
    }
  });
});
