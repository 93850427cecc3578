// `slipway compare` and `slipway drift` as a user runs them (the built CLI): the --json documents, the summary
// text with its conventions, stored comparisons listed, reported and exported, and one-line errors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComparisonSchema, DatasetSchema, DriftReportSchema, type Comparison } from '../../../src-shared/contract';
import { runCli } from '../../helpers/runCli';
import { tempDir } from '../../helpers/tempDir';

const home = tempDir('slipway-compare-cli-');
const cli = (...args: string[]) => runCli([...args, '--home', home]);
let stored: Comparison;

beforeAll(async () => {
  const result = await cli('compare', 'digits-mlp:1', 'digits-mlp:2', '--data', 'digits-live-same', '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  stored = ComparisonSchema.parse(JSON.parse(result.stdout));
}, 120_000);

describe('slipway compare', () => {
  it('prints the comparison as one JSON document', () => {
    expect(stored.state).toBe('succeeded');
    expect(stored.config.versions).toEqual(['digits-mlp:1', 'digits-mlp:2']);
    expect(stored.results!.pairs[0]!.agreement!.value).toBeCloseTo(0.9556, 4);
    expect(stored.results!.versions.map((v) => v.prediction.rule)).toEqual(['argmax', 'argmax']);
  });

  it('prints a readable summary with the conventions, and writes the report', async () => {
    const report = join(home, 'compare.html');
    const result = await cli(
      'compare',
      'cancer-logreg:1',
      'cancer-logreg:2',
      '--data',
      'cancer-live-same',
      '--report',
      report,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cancer-logreg:1 +label \(label\)/);
    expect(result.stdout).toMatch(/agreement +\d+\.\d+ % \[/);
    expect(result.stdout).toMatch(/McNemar +p = /);
    expect(result.stdout).toMatch(/predicts with label \(inferred\): int64 output 'label'/);
    expect(result.stdout).toMatch(/Intervals: 95 % percentile bootstrap, 1000 resamples/);
    expect(result.stdout).toContain(`report written to ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
  });

  it('lists, reports and exports stored comparisons', async () => {
    const runs = await cli('compare', 'runs', '--json');
    expect(JSON.parse(runs.stdout).map((c: { id: string }) => c.id)).toContain(stored.id);
    const json = await cli('compare', 'report', stored.id, '--format', 'json');
    expect(ComparisonSchema.parse(JSON.parse(json.stdout)).id).toBe(stored.id);
    const exported = await cli(
      'compare',
      'export',
      stored.id,
      '--name',
      'hard-digits',
      '--sort',
      'flips',
      '--limit',
      '5',
      '--json',
    );
    expect(exported.code).toBe(0);
    const dataset = DatasetSchema.parse(JSON.parse(exported.stdout));
    expect(dataset.rows).toBe(5);
    expect(dataset.derivedFrom).toContain(stored.id);
  });

  it('says in one line what is wrong, with exit code 1, before running anything', async () => {
    const unfit = await cli('compare', 'digits-mlp:1', 'digits-mlp:2', '--data', 'cancer-live-same');
    expect(unfit.code).toBe(1);
    expect(unfit.stderr).toMatch(/^slipway: error: dataset cancer-live-same does not fit digits-mlp:1: .*pixels.*\n$/);
    const one = await cli('compare', 'digits-mlp:1', '--data', 'digits-live-same', '--json');
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stderr)).toEqual({
      error: { code: 'bad-input', message: expect.stringMatching(/two or more versions/) },
    });
    const noVersion = await cli('compare', 'digits-mlp', 'digits-mlp:2', '--data', 'digits-live-same');
    expect(noVersion.stderr).toMatch(/invalid version 'digits-mlp': give NAME:VERSION/);
    const unknown = await cli('compare', 'digits-mlp:1', 'digits-mlp:2', '--data', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nope/);
    const rule = await cli(
      'compare',
      'digits-mlp:1',
      'digits-mlp:2',
      '--data',
      'digits-live-same',
      '--prediction',
      'logits:softmax',
    );
    expect(rule.stderr).toMatch(/the rule is argmax, label or regression/);
    const noData = await cli('compare', 'digits-mlp:1', 'digits-mlp:2');
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/--data/);
  });
});

describe('slipway drift', () => {
  it('finds drift in digits_live_drift, with a table sorted by severity and an offline report', async () => {
    const report = join(home, 'drift.html');
    const text = await cli(
      'drift',
      '--reference',
      'digits-reference',
      '--current',
      'digits-live-drift',
      '--report',
      report,
    );
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/DATASET DRIFT/);
    expect(text.stdout).toMatch(/FEATURE +DRIFT +SEVERITY +TEST +VALUE +THRESHOLD +FALSE ALARMS +MIN SHIFT/);
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8')).not.toMatch(/<script/i);
    const json = await cli('drift', '--reference', 'digits-reference', '--current', 'digits-live-same', '--json');
    const same = DriftReportSchema.parse(JSON.parse(json.stdout));
    expect(same.datasetDrift).toBe(false);
    const severities = same.features.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
  });

  it('refuses a bad threshold', async () => {
    const bad = await cli(
      'drift',
      '--reference',
      'digits-reference',
      '--current',
      'digits-live-same',
      '--threshold',
      'ks=zero',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid --threshold 'ks=zero': expected TEST=VALUE/);
  });
});
