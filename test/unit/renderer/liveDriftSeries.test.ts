// The Serve screen's live-drift chart: one served version's drifted share and threshold at each evaluation of its
// window, in %, once per evaluation however many feeds repeat it, the last one held until the latest feed, with
// gaps (not zeros) while it warms up.
import { describe, expect, it } from 'vitest';
import {
  DriftOptionsSchema,
  LiveDriftFeedSchema,
  type LiveDriftFeed,
  type LiveDriftStatus,
} from '../../../src-shared/contract';
import { liveDriftSeries } from '../../../src-renderer/src/serve/liveDriftSeries';

const options = DriftOptionsSchema.parse({});

function status(version: number, second: number, driftedShare: number | null): LiveDriftStatus {
  const at = new Date(second * 1000).toISOString();
  return {
    model: 'digits-mlp',
    version,
    state: driftedShare === null ? 'warming-up' : driftedShare >= 0.5 ? 'drift' : 'ok',
    windowRows: 300,
    windowStart: at,
    windowEnd: at,
    evaluatedAt: at,
    report:
      driftedShare === null
        ? null
        : {
            source: 'profile',
            referenceRows: 1257,
            currentRows: 300,
            features: [],
            driftedFeatures: Math.round(driftedShare * 64),
            driftedShare,
            datasetDrift: driftedShare >= 0.5,
            datasetDriftReason: driftedShare >= 0.5 ? 'share' : null,
            familyWiseDrifted: 0,
            options,
            conventions: [],
          },
  };
}

const feed = (t: number, ...statuses: LiveDriftStatus[]): LiveDriftFeed => ({
  t: t * 1000,
  settings: null,
  versions: statuses.map((s) => ({
    model: s.model,
    version: s.version,
    reference: { datasetId: 'ds-1', datasetName: 'digits-reference' },
    status: s,
  })),
});

describe('liveDriftSeries', () => {
  it('charts each evaluation once, in percent, with a gap while warming up', () => {
    const feeds = [
      feed(10, status(1, 5, null), status(2, 5, null)),
      feed(13, status(1, 5, null), status(2, 5, null)),
      feed(40, status(1, 35, 0.25), status(2, 35, 0.75)),
      feed(70, status(1, 65, 0.5)),
    ];
    for (const f of feeds) expect(LiveDriftFeedSchema.safeParse(f).success).toBe(true);
    // The last verdict holds until the latest feed (70 s).
    expect(liveDriftSeries(feeds, 'digits-mlp', 1)).toEqual([
      [5, 35, 65, 70],
      [null, 25, 50, 50],
      [50, 50, 50, 50],
    ]);
    expect(liveDriftSeries(feeds, 'digits-mlp', 2)).toEqual([
      [5, 35, 70],
      [null, 75, 75],
      [50, 50, 50],
    ]);
    expect(liveDriftSeries(feeds, 'other', 1)).toEqual([[], [], []]);
  });
});
