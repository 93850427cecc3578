// The load-time decision to batch checks every merge size up to the version's max batch size, so a batch the
// scheduler may form is never one the check skipped.
import { describe, expect, it } from 'vitest';
import { configure } from '../../helpers/servingFixtures';
import { startTestServer } from '../../helpers/testServer';

describe('batching decided at load', () => {
  it('checks batches of 2, 3, 8 and the max batch size itself (smaller sizes dropped)', async () => {
    const server = await startTestServer({
      models: ['digits-mlp:1', 'digits-mlp:2', 'cancer-logreg'],
      prepare: (e) => {
        configure(e, 'digits-mlp', 2, { 'dynamicBatching.maxBatchSize': '16' });
        configure(e, 'cancer-logreg', 1, { 'dynamicBatching.maxBatchSize': '5' });
      },
    });
    try {
      const decision = (model: string, version: string) => server.session.server.target(model, version).batching;
      expect(decision('digits-mlp', '1')).toEqual({
        active: true,
        reason: 'batched outputs are bit-identical to single runs at batch 2, 3, 8, 32',
      });
      expect(decision('digits-mlp', '2').reason).toBe(
        'batched outputs are bit-identical to single runs at batch 2, 3, 8, 16',
      );
      expect(decision('cancer-logreg', '1').reason).toBe(
        'batched outputs are bit-identical to single runs at batch 2, 3, 5',
      );
    } finally {
      await server.close();
    }
  });
});
