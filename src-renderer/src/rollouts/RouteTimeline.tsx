// The candidate's share of traffic over a rehearsal (live weight and shadow), stepping at each decision: where
// the plan advanced and where the controller rolled it back or paused it, in virtual seconds.
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { RehearsalResult } from '../../../src-shared/contract';
import { formatSeconds } from '../loadtest/describe';
import { RunChart, type RunChartSeries } from '../loadtest/RunChart';

const SERIES: RunChartSeries[] = [
  { label: 'live', colorVar: '--chart-1', stepped: true },
  { label: 'shadow', colorVar: '--chart-2', stepped: true, dash: true },
];

export function RouteTimeline({ result }: { result: RehearsalResult }) {
  const data = useMemo(() => {
    const x: number[] = [];
    const live: number[] = [];
    const shadow: number[] = [];
    for (const d of result.decisions) {
      x.push(d.elapsedMs / 1000);
      live.push(d.route.weights[String(result.candidate)] ?? 0);
      shadow.push(d.route.shadow?.percent ?? 0);
    }
    const end = result.simulatedMs / 1000;
    if (x.length > 0 && end > x[x.length - 1]!) {
      x.push(end);
      live.push(live[live.length - 1]!);
      shadow.push(shadow[shadow.length - 1]!);
    }
    return [x, live, shadow] as uPlot.AlignedData;
  }, [result]);
  return (
    <RunChart
      title="Candidate traffic by decision"
      unit="% of requests"
      series={SERIES}
      data={data}
      format={(v) => `${v} %`}
      xLabel="virtual time"
      xFormat={formatSeconds}
      minTop={100}
      testId="chart-rehearsal-route"
      height={150}
      description="The candidate's live weight and shadow share, stepping at each decision of the rehearsal"
    />
  );
}
