// The app's default provider (Settings) is every version's serving provider until the version sets its own.
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine/engine';
import { model } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';

describe('serving settings and the app default provider', () => {
  let engine: Engine | undefined;
  afterEach(async () => engine?.close());

  it('follows the default provider until the version overrides it', async () => {
    engine = Engine.open({ home: tempDir(), resourcesDir: null });
    const { version } = engine.library.importModel(model('digits-mlp-v1.onnx'), { name: 'digits' });
    expect(engine.servingConfig.effective(version).settings.provider).toBe('auto');

    engine.settings.update({ defaultProvider: 'cpu' });
    const followed = engine.servingConfig.effective(version);
    expect(followed.settings.provider).toBe('cpu');
    expect(followed.overridden).not.toContain('provider');

    engine.servingConfig.update(version, { set: { provider: 'webgpu' } });
    expect(engine.servingConfig.effective(version).settings.provider).toBe('webgpu');
    engine.servingConfig.update(version, { unset: ['provider'] });
    expect(engine.servingConfig.effective(version).settings.provider).toBe('cpu');
  });
});
