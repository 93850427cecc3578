// The live-drift feed for the UI: each served version with its reference and its monitor's latest verdict,
// published as a `livedrift` event whenever a verdict or the served set changes (checked every few seconds; the
// monitors themselves evaluate on their own timer), and read on demand for a screen that just opened.
import type { LiveDriftFeed } from '../../../src-shared/contract';
import type { Engine } from '../engine';
import type { ServingController } from './servingController';

const CHECK_MS = 3_000;

export class LiveDriftFeedPublisher {
  private readonly timer: NodeJS.Timeout;
  private lastSignature = '';

  constructor(
    private readonly engine: Engine,
    private readonly serving: ServingController,
    private readonly publish: (feed: LiveDriftFeed) => void,
  ) {
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  /** The feed now; `evaluate` compares every monitored window first instead of using its last verdict. */
  feed(options: { evaluate?: boolean } = {}): LiveDriftFeed {
    const status = this.serving.status();
    const drift = status.state === 'running' ? this.serving.liveDrift : null;
    if (drift && options.evaluate) drift.registry.evaluateAll();
    const statuses = drift?.registry.statuses() ?? [];
    const references = this.engine.datasets.references();
    const served = status.versions.filter((v) => !v.fallbackOnly);
    return {
      t: Date.now(),
      settings: drift?.settings ?? null,
      versions: served.map((v) => {
        const bound = references.find((r) => r.model === v.model && r.version === v.version);
        return {
          model: v.model,
          version: v.version,
          reference: bound ? { datasetId: bound.datasetId, datasetName: bound.datasetName } : null,
          status: statuses.find((s) => s.model === v.model && s.version === v.version) ?? null,
        };
      }),
    };
  }

  /** Drops a served version's monitor (its reference changed); its next request starts one on the new reference. */
  forget(model: string, version: number): void {
    this.serving.liveDrift?.registry.forget(model, version);
    this.check();
  }

  /** Publishes the feed now when it differs from the last one published (e.g. after "check now"). */
  check(feed: LiveDriftFeed = this.feed()): void {
    const signature = JSON.stringify({ ...feed, t: 0 });
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.publish(feed);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
