// End-to-end: the Rollouts screen in web mode — with the endpoint stopped it says so; serving digits-mlp v1 and
// v2, the weight slider splits live traffic and the table shows each version's share; a rehearsal with a latency
// fault is rolled back by the latency gate and its decisions listed; a live rollout started from the screen is
// rolled back with one click and the history shows the decision.
import { describe, expect, it } from 'vitest';
import type { ServingStatus } from '../../src-shared/contract';
import { openHash, shoot, textOf, useWebApp } from './webApp';

const TIMEOUT = 60_000;

const web = useWebApp(TIMEOUT);

const REHEARSAL_PLAN = {
  name: 'latency-check',
  gates: [
    { kind: 'errorRate' },
    { kind: 'latencyP99Ratio', threshold: 2 },
    { kind: 'latencyMannWhitney', threshold: 2 },
  ],
  steps: [
    { kind: 'weights', weights: { baseline: 90, candidate: 10 }, minDurationSeconds: 60, minRequests: 200 },
    { kind: 'weights', weights: { baseline: 50, candidate: 50 }, minDurationSeconds: 60, minRequests: 200 },
  ],
};

describe('Rollouts screen', () => {
  it('says the endpoint is stopped', async () => {
    await openHash(web.page, '#/rollouts');
    await web.page.getByTestId('rollouts-endpoint-stopped').waitFor();
    expect(await textOf(web.page, 'rollouts-endpoint-stopped')).toMatch(/endpoint is stopped/);
    expect(await web.page.getByTestId('rollout-start').isDisabled()).toBe(true);
    await web.app.screenshot('rollouts-stopped');
  });

  it(
    'splits live traffic with the weight slider',
    async () => {
      const served = await web.app.api<ServingStatus>('POST', '/serving/start', {
        port: 0,
        models: ['digits-mlp:1', 'digits-mlp:2'],
        driftSampleRate: 0,
      });
      expect(served.status).toBe(200);
      await web.page.getByTestId('traffic-panel').waitFor({ timeout: 15_000 });
      await web.page.getByTestId('weight-slider').fill('30');
      await web.page.getByTestId('apply-route').click();
      await expect.poll(() => textOf(web.page, 'traffic-weight-2'), { timeout: 10_000 }).toBe('30 %');
      expect(await textOf(web.page, 'traffic-weight-1')).toBe('70 %');

      const body = JSON.stringify({
        inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1, 64], data: Array(64).fill(0.25) }],
      });
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${served.json.url}/v2/models/digits-mlp/infer`, { method: 'POST', body });
        expect(res.status).toBe(200);
      }
      const count = async (v: number) => Number((await textOf(web.page, `traffic-requests-${v}`)).split(' ')[0]);
      await expect.poll(async () => (await count(1)) + (await count(2)), { timeout: 10_000 }).toBe(200);
      // 200 draws at 30 %: 60 expected, σ ≈ 6.5; 35..85 is about ±4σ.
      expect(await count(2)).toBeGreaterThan(35);
      expect(await count(2)).toBeLessThan(85);
      await shoot(web.app, 'rollouts-traffic', 'traffic-panel');
    },
    TIMEOUT,
  );

  it(
    'rehearses a latency fault and the latency gate rolls it back',
    async () => {
      await web.page.getByRole('button', { name: 'Edit as JSON' }).click();
      await web.page.getByTestId('plan-json').fill(JSON.stringify(REHEARSAL_PLAN));
      await web.page.getByTestId('plan-json-load').click();
      await expect.poll(() => web.page.getByTestId('plan-step-2').count()).toBe(0);
      expect(await web.page.getByTestId('plan-step-1').count()).toBe(1);
      await web.page.getByTestId('rehearsal-dataset').selectOption('digits-live-same');
      await web.page.getByTestId('rehearsal-fault').selectOption('latency');
      await web.page.getByTestId('rehearsal-amount').fill('2');
      await web.page.getByTestId('rehearsal-run').click();
      await web.page.getByTestId('rehearsal-result').waitFor({ timeout: 45_000 });
      expect(await textOf(web.page, 'rehearsal-outcome')).toMatch(/^rolledBack by .*[Ll]atency/);
      expect(await textOf(web.page, 'rehearsal-detection')).toMatch(/after the start/);
      expect(Number(await textOf(web.page, 'rehearsal-bad'))).toBeGreaterThan(0);
      expect(await web.page.getByTestId('rehearsal-decisions-rollback').count()).toBe(1);
      await shoot(web.app, 'rollouts-rehearsal', 'rehearsal-result');
    },
    TIMEOUT,
  );

  it(
    'starts a live rollout and rolls it back with one click; the history shows the decision',
    async () => {
      await web.page.getByTestId('rollout-start').click();
      await expect.poll(() => textOf(web.page, 'rollout-state'), { timeout: 10_000 }).toBe('running');
      await expect.poll(() => textOf(web.page, 'traffic-weight-2'), { timeout: 10_000 }).toBe('10 %');
      await web.page.getByTestId('rollout-live').waitFor({ timeout: 10_000 });
      await shoot(web.app, 'rollouts-live', 'rollout-panel');
      await web.page.getByTestId('rollout-rollback').click();
      await expect.poll(() => textOf(web.page, 'rollout-state'), { timeout: 10_000 }).toBe('rolledBack');
      await web.page.getByTestId('rollout-history-rollback').waitFor();
      expect(await textOf(web.page, 'rollout-history-rollback')).toMatch(/rollback by user/);
      await expect.poll(() => textOf(web.page, 'traffic-weight-2'), { timeout: 10_000 }).toBe('0 %');
      await shoot(web.app, 'rollouts-history', 'rollout-panel');
    },
    TIMEOUT,
  );
});
