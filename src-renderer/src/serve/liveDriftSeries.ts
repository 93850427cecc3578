// The live-drift feeds turned into the columns the Serve screen's drift chart plots for one served version: one
// point per evaluation of its window (a feed repeats a verdict until the next one), in %.
import type uPlot from 'uplot';
import type { LiveDriftFeed } from '../../../src-shared/contract';

/**
 * [t (s), drifted share (%), threshold (%)] at each distinct evaluation of the version's window, the last one held
 * until the latest feed; the share is null while the window was still warming up, so the line breaks there rather
 * than dropping to zero.
 */
export function liveDriftSeries(feeds: readonly LiveDriftFeed[], model: string, version: number): uPlot.AlignedData {
  const points = new Map<string, { t: number; share: number | null; threshold: number | null }>();
  for (const feed of feeds) {
    const status = feed.versions.find((v) => v.model === model && v.version === version)?.status;
    if (!status || points.has(status.evaluatedAt)) continue;
    points.set(status.evaluatedAt, {
      t: Date.parse(status.evaluatedAt) / 1000,
      share: status.report ? status.report.driftedShare * 100 : null,
      threshold: status.report ? status.report.options.datasetDriftShare * 100 : null,
    });
  }
  const sorted = [...points.values()].sort((a, b) => a.t - b.t);
  // A verdict holds until the next evaluation: carried to the latest feed, so a single one is a visible line.
  const last = sorted.at(-1);
  const latest = (feeds.at(-1)?.t ?? 0) / 1000;
  if (last && latest > last.t) sorted.push({ ...last, t: latest });
  // The threshold is the same for every evaluation; carried to warming-up points so its line is unbroken.
  const threshold = sorted.find((p) => p.threshold !== null)?.threshold ?? null;
  return [sorted.map((p) => p.t), sorted.map((p) => p.share), sorted.map((p) => p.threshold ?? threshold)];
}
