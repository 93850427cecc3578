// The offline report: one HTML file with no script and nothing fetched, user text escaped, a heatmap cell per
// flip-matrix entry, intervals shown; and JSON that parses back as the comparison.
import { describe, expect, it } from 'vitest';
import { ComparisonSchema, type Comparison } from '../../../../src-shared/contract';
import { comparisonJson, renderComparisonHtml } from '../../../../src-main/engine/compare/report/comparisonReport';

const estimate = (value: number) => ({ value, low: value - 0.01, high: value + 0.01 });

function comparison(): Comparison {
  const version = (ref: string, accuracy: number) => ({
    ref,
    model: 'm',
    version: Number(ref.split(':')[1]),
    provider: 'cpu',
    prediction: { output: 'probabilities', rule: 'argmax' as const, source: 'inferred' as const, reason: 'why' },
    rows: 10,
    errors: 0,
    errorSamples: [],
    labelledRows: 10,
    accuracy: estimate(accuracy),
    mae: null,
    rmse: null,
    latency: { p50Ms: 0.01, p99Ms: 0.02, meanMs: 0.012, batches: 1 },
  });
  return ComparisonSchema.parse({
    id: 'cmp-1',
    name: 'a <script>alert(1)</script> name',
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    state: 'succeeded',
    config: { versions: ['m:1', 'm:2'], dataset: 'd' },
    progress: { phase: 'done', rowsDone: 10, rowsTotal: 10, fraction: 1, message: 'done' },
    datasetName: 'd',
    datasetId: 'ds-1',
    referenceName: null,
    error: null,
    results: {
      conventions: ['Intervals: 95 % percentile bootstrap'],
      datasetRows: 10,
      labelledRows: 10,
      batchSize: 256,
      versions: [version('m:1', 0.8), version('m:2', 0.9)],
      pairs: [
        {
          baseline: 'm:1',
          candidate: 'm:2',
          rows: 10,
          agreement: estimate(0.7),
          disagreements: 3,
          kappa: 0.55,
          flipMatrix: {
            classes: ['0', '1', '<b>'],
            counts: [
              [3, 1, 0],
              [1, 3, 0],
              [0, 1, 1],
            ],
            folded: false,
          },
          outputs: [
            {
              output: 'probabilities',
              elements: 3,
              rows: 10,
              absDelta: { p50: 0.1, p99: 0.5, max: 0.6, mean: 0.2 },
              histogram: { edges: [0, 0.01, 0.6], counts: [7, 3] },
              cosine: { mean: 0.9, min: 0.4, rows: 10 },
              distance: { metric: 'wasserstein-1', basis: 'per-element', mean: 0.05, max: 0.1, maxElement: 2 },
            },
          ],
          skippedOutputs: [],
          labels: {
            rows: 10,
            bothRight: 7,
            bothWrong: 0,
            negativeFlips: 1,
            positiveFlips: 2,
            accuracyDelta: estimate(0.1),
            mcnemar: { b: 1, c: 2, statistic: 1, pValue: 1, exact: true, variant: 'exact' },
          },
          regressionLabels: null,
          latencyDelta: { meanMs: estimate(-0.001), ratio: 0.9 },
          explorer: {
            deltaOutput: 'probabilities',
            byDelta: [],
            byFlips: [
              {
                row: 4,
                label: 1,
                absDelta: 0.6,
                flip: 'negative',
                inputs: { x: [1, null, 3] },
                outputs: [
                  { ref: 'm:1', prediction: 1, values: [0.1, 0.8, 0.1] },
                  { ref: 'm:2', prediction: 0, values: [0.7, 0.2, 0.1] },
                ],
              },
            ],
          },
        },
      ],
      predictionDrift: null,
      inputDrift: null,
      timing: { totalMs: 12, replayMs: 10, statisticsMs: 2, driftMs: 0 },
    },
  });
}

describe('renderComparisonHtml', () => {
  const html = renderComparisonHtml(comparison());

  it('is self-contained: no script, nothing fetched, a CSP that forbids both', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('escapes names from the user and the data', () => {
    expect(html).toContain('a &#60;script&#62;alert(1)&#60;/script&#62; name');
    expect(html).toContain('&#60;b&#62;');
  });

  it('draws the flip matrix cell by cell, with counts, and shows intervals and flips', () => {
    const cells = html.match(/<rect [^>]*><title>[^<]* → [^<]*: \d+<\/title><\/rect>/g) ?? [];
    expect(cells).toHaveLength(9);
    expect(html).toContain('70.0 %');
    expect(html).toMatch(/Negative flips[^<]*<\/th><td><span class="bad">1<\/span>/);
    expect(html).toContain('<svg');
    expect(html).toContain('|Δ| per row: probabilities');
  });
});

describe('comparisonJson', () => {
  it('parses back as the same comparison', () => {
    const c = comparison();
    expect(ComparisonSchema.parse(JSON.parse(comparisonJson(c)))).toEqual(c);
  });
});
