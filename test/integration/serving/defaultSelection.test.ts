// Which versions `serve` picks when none are named (README: every version in stage production, else the latest
// of each model), seen over HTTP on a fresh home.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src-main/engine/engine';
import { startTestServer } from '../../helpers/testServer';
import { get, post } from '../../helpers/v2Client';

const digitsBody = {
  inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array.from({ length: 64 }, (_, i) => i / 64) }],
};
const cancerBody = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 30], data: Array.from({ length: 30 }, (_, i) => i) }],
};

/** Leaves only digits-mlp and cancer-logreg (1 and 2 each) in the demo library, with the stages given. */
function keepTwoModels(stages: Record<string, string>) {
  return (engine: Engine): void => {
    for (const model of engine.library.list()) {
      if (model.name === 'digits-mlp' || model.name === 'cancer-logreg') continue;
      for (const v of model.versions) engine.library.remove({ name: model.name, version: v.version });
    }
    for (const [ref, stage] of Object.entries(stages)) {
      const [name, version] = ref.split(':');
      engine.library.setStage({ name: name!, version: Number(version) }, stage);
    }
  };
}

describe('serve without --models', () => {
  it('serves the latest version of a model with no production version, and the production one where there is', async () => {
    // digits-mlp: 1 and 2 both non-production → 2 (the latest). cancer-logreg: 1 production, 2 staging → 1.
    const server = await startTestServer({
      prepare: keepTwoModels({ 'digits-mlp:1': 'staging', 'digits-mlp:2': 'dev', 'cancer-logreg:1': 'production' }),
    });
    try {
      const served = server.session.versions.map((v) => `${v.model}:${v.version}`).sort();
      expect(served).toEqual(['cancer-logreg:1', 'digits-mlp:2']);
      expect((await get(`${server.url}/v2/models/digits-mlp`)).json.versions).toEqual(['2']);
      expect((await post(`${server.url}/v2/models/digits-mlp/infer`, digitsBody)).json.model_version).toBe('2');
      expect((await post(`${server.url}/v2/models/cancer-logreg/infer`, cancerBody)).json.model_version).toBe('1');
      expect((await post(`${server.url}/v2/models/digits-mlp/versions/1/infer`, digitsBody)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('serves every production version when a model has several', async () => {
    const server = await startTestServer({
      prepare: keepTwoModels({ 'digits-mlp:1': 'production', 'digits-mlp:2': 'production' }),
    });
    try {
      const served = server.session.versions.map((v) => `${v.model}:${v.version}`).sort();
      expect(served).toEqual(['cancer-logreg:1', 'digits-mlp:1', 'digits-mlp:2']);
    } finally {
      await server.close();
    }
  });
});
