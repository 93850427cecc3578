// The standalone server's model source and config reader: which versions a bundle serves (every listed one, the
// fallback version only as the fallback), 404s that name what exists, and the one-line refusals of bad configs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleModelSource } from '../../../src-main/engine/bundles/standalone/bundleModelSource';
import { readStandaloneConfig } from '../../../src-main/engine/bundles/standalone/readStandaloneConfig';
import { defaultServingSettings } from '../../../src-main/engine/serving/defaultServingSettings';
import { ServingError } from '../../../src-main/engine/serving/servingError';
import { UserError } from '../../../src-main/engine/userError';
import type { Fallback, ModelSignature, StandaloneServerConfig } from '../../../src-shared/contract';
import { tempDir } from '../../helpers/tempDir';
import { thrown } from '../../helpers/thrown';

const signature: ModelSignature = {
  inputs: [{ name: 'x', kind: 'tensor', elementType: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'y', kind: 'tensor', elementType: 'float32', shape: ['batch', 4] }],
};

function entry(model: string, version: number, fallback: Fallback = { kind: 'none' }) {
  return {
    model,
    version,
    path: `models/${model}/${version}/model.onnx`,
    weightBytes: 1000 * version,
    signature,
    settings: { ...defaultServingSettings(signature), instances: version },
    fallback,
  };
}

function config(models: StandaloneServerConfig['models']): StandaloneServerConfig {
  return { format: 'slipway-server', formatVersion: 1, host: '127.0.0.1', port: 8000, models };
}

describe('BundleModelSource', () => {
  const onlyV2Fallback = { kind: 'version', version: 1 } as const;
  const source = new BundleModelSource(
    config([entry('Digits', 2, onlyV2Fallback), entry('Digits', 1, onlyV2Fallback), entry('cancer', 1)]),
    '/srv/bundle',
  );

  it('lists every model with its versions in order', () => {
    expect(source.list()).toEqual([
      { model: 'Digits', versions: [1, 2] },
      { model: 'cancer', versions: [1] },
    ]);
  });

  it('serves every listed version with its exported settings, paths under the config folder', () => {
    const [only] = source.resolve('cancer');
    expect(only).toEqual({
      model: 'cancer',
      version: 1,
      modelPath: join('/srv/bundle', 'models', 'cancer', '1', 'model.onnx'),
      weightBytes: 1000,
      signature,
      settings: { ...defaultServingSettings(signature), instances: 1 },
      fallbackOnly: false,
    });
  });

  it('loads the fallback version only to answer as the fallback', () => {
    expect(source.resolve('digits').map((v) => [v.version, v.fallbackOnly])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(source.resolve('digits', [1]).map((v) => [v.version, v.fallbackOnly])).toEqual([[1, false]]);
    expect(source.fallback('DIGITS')).toEqual(onlyV2Fallback);
  });

  it('serves a model whose only version is its own fallback', () => {
    const alone = new BundleModelSource(config([entry('m', 3, { kind: 'version', version: 3 })]), '/b');
    expect(alone.resolve('m').map((v) => [v.version, v.fallbackOnly])).toEqual([[3, false]]);
  });

  it('answers 404 naming what the bundle has', () => {
    const unknownModel = thrown(() => source.resolve('nope'), ServingError);
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.message).toBe("no model named 'nope'; this server has: Digits, cancer");
    const unknownVersion = thrown(() => source.resolve('cancer', [4]), ServingError);
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.message).toBe('cancer has no version 4; its versions are 1');
  });
});

describe('readStandaloneConfig', () => {
  function bundle(content: unknown, files: string[] = []): string {
    const dir = tempDir();
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), 'onnx');
    }
    const path = join(dir, 'slipway-server.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('reads a config whose model files are present', () => {
    const path = bundle(config([entry('m', 1)]), ['models/m/1/model.onnx']);
    const loaded = readStandaloneConfig(path);
    expect(loaded.config.models.map((m) => m.model)).toEqual(['m']);
    expect(loaded.baseDir).toBe(join(path, '..'));
  });

  it('refuses a newer format version before checking the rest', () => {
    const error = thrown(() => readStandaloneConfig(bundle({ format: 'slipway-server', formatVersion: 2 })), UserError);
    expect(error.code).toBe('too-new');
    expect(error.message).toMatch(/has format version 2, newer than this server\.js reads \(up to 1\)/);
  });

  it('names the field the schema refuses', () => {
    const bad = config([entry('m', 1)]);
    (bad.models[0]!.settings as { maxQueueLength: number }).maxQueueLength = -1;
    const error = thrown(() => readStandaloneConfig(bundle(bad, ['models/m/1/model.onnx'])), UserError);
    expect(error.message).toMatch(/: models\.0\.settings\.maxQueueLength: /);
  });

  it('refuses paths that leave the bundle', () => {
    const bad = config([{ ...entry('m', 1), path: '../outside.onnx' }]);
    expect(thrown(() => readStandaloneConfig(bundle(bad)), UserError).message).toMatch(/models\.0\.path: /);
  });

  it('refuses a missing model file, a duplicate version and a fallback outside the config', () => {
    expect(thrown(() => readStandaloneConfig(bundle(config([entry('m', 1)]))), UserError).message).toMatch(
      /models\.0\.path: model file .*models\/m\/1\/model\.onnx \(m:1\) not found/,
    );
    const twice = bundle(config([entry('m', 1), entry('M', 1)]), ['models/m/1/model.onnx', 'models/M/1/model.onnx']);
    expect(thrown(() => readStandaloneConfig(twice), UserError).message).toMatch(/models\.1: M:1 is listed twice/);
    const away = bundle(config([entry('m', 2, { kind: 'version', version: 1 })]), ['models/m/2/model.onnx']);
    expect(thrown(() => readStandaloneConfig(away), UserError).message).toMatch(
      /models\.0\.fallback: version 1 of m is not in this config/,
    );
  });

  it('refuses a file that is not JSON or not a server config', () => {
    expect(thrown(() => readStandaloneConfig(bundle('{"format":')), UserError).message).toMatch(/is not valid JSON/);
    expect(thrown(() => readStandaloneConfig(bundle({ format: 'slipway-bundle' })), UserError).message).toMatch(
      /format: expected "slipway-server"/,
    );
    expect(thrown(() => readStandaloneConfig(join(tempDir(), 'none.json')), UserError).code).toBe('not-found');
  });
});
