// Datasets, comparisons and drift through the control API, as the Compare screen drives them: the token is
// required; datasets are listed, shown with their profile, imported by upload (CSV mapped onto a model) and by
// path with job progress, refused with every fit problem listed; a version's reference is read and set; digits
// v1 and v2 are compared on the demo data with `comparison` progress events (agreement ≈ 0.956), a queued
// comparison is cancelled, the disagreements are exported as a dataset and the report downloaded; drift is a
// job; bad inputs get a 4xx that says what was expected.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  Comparison,
  ComparisonSummary,
  Dataset,
  DatasetFit,
  DatasetReference,
  DatasetSummary,
  Job,
  LiveDriftAlert,
  LiveDriftFeed,
  PredictionChoice,
  ServingStatus,
} from '../../../src-shared/contract';
import { data } from '../../helpers/paths';
import { useControlHost } from '../../helpers/controlHost';
import { tempDir } from '../../helpers/tempDir';

const ctl = useControlHost();
const call = ctl.call;

async function upload(file: string, query: Record<string, string | string[]>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  const res = await fetch(`${ctl.base}/datasets/upload?${params}`, {
    method: 'POST',
    headers: ctl.auth,
    body: readFileSync(data(file)),
  });
  return { status: res.status, json: (await res.json()) as Job & { error?: string } };
}

async function jobDone(id: string, timeoutMs = 30_000): Promise<Job> {
  const event = await ctl.events.next(
    (e) => e.event === 'job' && (e.data as Job).id === id && (e.data as Job).state !== 'running',
    timeoutMs,
  );
  return event.data as Job;
}

async function comparisonDone(id: string, timeoutMs = 60_000): Promise<ComparisonSummary> {
  const event = await ctl.events.next(
    (e) =>
      e.event === 'comparison' &&
      (e.data as ComparisonSummary).id === id &&
      !['queued', 'running'].includes((e.data as ComparisonSummary).state),
    timeoutMs,
  );
  return event.data as ComparisonSummary;
}

describe('access', () => {
  it('needs the token for every dataset, comparison and drift endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/datasets'],
      ['GET', '/comparisons'],
      ['POST', '/drift'],
      ['POST', '/datasets/upload?fileName=x.csv'],
      ['GET', '/comparisons/x/report'],
    ] as const) {
      const none = await fetch(`${ctl.base}${path}`, { method });
      expect(none.status, `${method} ${path}`).toBe(401);
      const wrong = await fetch(`${ctl.base}${path}`, { method, headers: { authorization: 'Bearer nope' } });
      expect(wrong.status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('datasets', () => {
  it('lists the demo datasets and shows one with its profile', async () => {
    const list = await call<DatasetSummary[]>('GET', '/datasets');
    expect(list.status).toBe(200);
    const names = list.json.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['digits-reference', 'digits-live-same', 'digits-live-drift']));
    const same = list.json.find((d) => d.name === 'digits-live-same')!;
    expect(same).toMatchObject({ format: 'jsonl', inputs: ['pixels'], hasLabel: true, features: 64 });

    for (const key of [same.id, 'digits-live-same']) {
      const shown = await call<Dataset>('GET', `/datasets/${key}`);
      expect(shown.status).toBe(200);
      expect(shown.json.id).toBe(same.id);
      expect(shown.json.features).toHaveLength(64);
      const pixel = shown.json.features[36]!;
      expect(pixel.count + pixel.missing).toBe(same.rows);
      expect(pixel.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(pixel.count);
      expect(shown.json.label!.classes!.map((c) => c.value).sort()).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
    }
    const missing = await call('GET', '/datasets/nosuch');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/^no dataset named 'nosuch'; the library has: /);
  });

  it('imports an uploaded CSV mapped onto a model, with progress events, as a job', async () => {
    const started = await upload('digits_live_same.csv', {
      fileName: 'digits_live_same.csv',
      name: 'digits-csv',
      model: 'digits-mlp:1',
    });
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ kind: 'dataset-import', state: 'running' });
    const done = await jobDone(started.json.id);
    expect(done.state, done.error).toBe('succeeded');
    const jsonl = (await call<Dataset>('GET', '/datasets/digits-live-same')).json;
    expect(done.dataset).toMatchObject({ name: 'digits-csv', format: 'csv', inputs: ['pixels'], rows: jsonl.rows });
    const progress = ctl.events.events.filter((e) => e.event === 'job' && (e.data as Job).id === started.json.id);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const stored = (await call<Dataset>('GET', '/datasets/digits-csv')).json;
    expect(stored.inputs[0]!.columns[0]).toBe('px_0_0');
    // The upload's temporary path is gone; the dataset names the file the user chose.
    expect(stored.source).toBe('uploaded digits_live_same.csv');
    expect(stored.features[10]!.mean).toBeCloseTo(jsonl.features[10]!.mean!, 9);
    expect(ctl.events.events.some((e) => e.event === 'datasets')).toBe(true);
  });

  it('refuses a file that does not fit the model, listing every problem', async () => {
    const started = await upload('cancer_live_same.csv', {
      fileName: 'cancer_live_same.csv',
      name: 'cancer-as-digits',
      model: 'digits-mlp:1',
    });
    expect(started.status).toBe(200);
    const done = await jobDone(started.json.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/cancer_live_same\.csv/);
    expect(done.error).not.toMatch(/uploads/);
    expect(done.problems!.length).toBeGreaterThan(0);
    expect(done.problems!.some((p) => p.input === 'pixels')).toBe(true);
    const names = (await call<DatasetSummary[]>('GET', '/datasets')).json.map((d) => d.name);
    expect(names).not.toContain('cancer-as-digits');
  });

  it('imports by path (the desktop dialog) and refuses bad requests clearly', async () => {
    const started = await call<Job>('POST', '/datasets/path', {
      path: data('cancer_live_same.csv'),
      name: 'cancer-csv',
    });
    expect(started.status).toBe(200);
    const done = await jobDone(started.json.id);
    expect(done.state, done.error).toBe('succeeded');
    expect(done.dataset).toMatchObject({ name: 'cancer-csv', hasLabel: true });

    const noPath = await call('POST', '/datasets/path', { name: 'x' });
    expect(noPath.status).toBe(400);
    expect(noPath.json.error).toMatch(/^invalid request: path: /);
    const noFile = await call<Job>('POST', '/datasets/path', { path: '/nonexistent/rows.csv' });
    const failed = await jobDone(noFile.json.id);
    expect(failed).toMatchObject({ state: 'failed', error: 'cannot import /nonexistent/rows.csv: no such file' });
    const noName = await upload('digits_live_same.csv', {});
    expect(noName.status).toBe(400);
    expect(noName.json.error).toMatch(/fileName/);
  });

  it('cancels an import in flight and keeps nothing of it', async () => {
    // About 25 MB of digits rows: long enough to be caught mid-read.
    const [header, ...rows] = readFileSync(data('digits_live_same.csv'), 'utf8').trim().split(/\r?\n/);
    const big = join(tempDir(), 'digits_big.csv');
    writeFileSync(big, [header, ...Array.from({ length: 190 }, () => rows).flat()].join('\n'));
    const started = await call<Job>('POST', '/datasets/path', { path: big, name: 'digits-big', model: 'digits-mlp:1' });
    await ctl.events.next(
      (e) => e.event === 'job' && (e.data as Job).id === started.json.id && ((e.data as Job).progress ?? 0) > 0,
    );
    const cancelling = await call<Job>('POST', `/jobs/${started.json.id}/cancel`);
    expect(cancelling.status).toBe(200);
    const done = await jobDone(started.json.id);
    expect(done.state, done.error).toBe('cancelled');
    const names = (await call<DatasetSummary[]>('GET', '/datasets')).json.map((d) => d.name);
    expect(names).not.toContain('digits-big');
  });

  it('checks a dataset against a version and reads and sets a version’s reference', async () => {
    const fits = await call<DatasetFit>('GET', '/datasets/digits-live-same/fit/digits-mlp/2');
    expect(fits.json).toMatchObject({ fits: true });
    const misfit = await call<DatasetFit>('GET', '/datasets/digits-live-same/fit/cancer-logreg/1');
    expect(misfit.status).toBe(200);
    expect(misfit.json.fits).toBe(false);
    expect(misfit.json.problems.length).toBeGreaterThan(0);

    const reference = await call<DatasetReference | null>('GET', '/models/digits-mlp/versions/1/reference');
    expect(reference.json).toMatchObject({ model: 'digits-mlp', version: 1, datasetName: 'digits-reference' });
    const set = await call<DatasetReference>('PUT', '/models/digits-mlp/versions/2/reference', {
      dataset: 'digits-live-same',
    });
    expect(set.json).toMatchObject({ version: 2, datasetName: 'digits-live-same' });
    const refused = await call('PUT', '/models/cancer-logreg/versions/1/reference', { dataset: 'digits-live-same' });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/cannot be the reference of cancer-logreg:1/);
    await call('PUT', '/models/digits-mlp/versions/2/reference', { dataset: 'digits-reference' });
  });

  it('says which output is the prediction, and checks an override', async () => {
    const inferred = await call<PredictionChoice>('POST', '/models/digits-mlp/versions/1/prediction', {});
    expect(inferred.json).toMatchObject({ rule: 'argmax', source: 'inferred' });
    const label = await call<PredictionChoice>('POST', '/models/cancer-logreg/versions/1/prediction', {});
    expect(label.json).toMatchObject({ output: 'label', rule: 'label' });
    const bad = await call('POST', '/models/digits-mlp/versions/1/prediction', { output: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^no output 'nope' to predict with; the outputs are: /);
  });
});

describe('comparisons', () => {
  let compared: Comparison;

  it('compares digits v1 and v2 on the live data with progress events and a reference', async () => {
    const started = await call<ComparisonSummary>('POST', '/comparisons', {
      versions: ['digits-mlp:1', 'digits-mlp:2'],
      dataset: 'digits-live-same',
      reference: 'digits-reference',
    });
    expect(started.status, started.json.error).toBe(200);
    expect(['queued', 'running']).toContain(started.json.state);
    const id = started.json.id;
    const done = await comparisonDone(id);
    expect(done.state, done.error ?? '').toBe('succeeded');
    expect(done.agreement).toBeCloseTo(0.956, 2);
    const seen = ctl.events.events.filter((e) => e.event === 'comparison' && (e.data as ComparisonSummary).id === id);
    expect(seen.some((e) => (e.data as ComparisonSummary).progress.phase === 'replay')).toBe(true);

    const detail = await call<Comparison>('GET', `/comparisons/${id}`);
    expect(detail.status).toBe(200);
    compared = detail.json;
    const results = compared.results!;
    const pair = results.pairs[0]!;
    expect(pair.agreement!.value).toBeCloseTo(0.956, 2);
    expect(pair.agreement!.low!).toBeLessThan(pair.agreement!.value);
    expect(pair.flipMatrix!.counts.flat().reduce((a, b) => a + b, 0)).toBe(pair.rows);
    expect(pair.explorer.byFlips.length).toBeGreaterThan(0);
    expect(results.versions.map((v) => v.accuracy !== null)).toEqual([true, true]);

    const list = await call<ComparisonSummary[]>('GET', '/comparisons');
    expect(list.json.find((c) => c.id === id)).toMatchObject({ state: 'succeeded', datasetName: 'digits-live-same' });
    expect(list.json.find((c) => c.id === id)!.agreement).toBeCloseTo(pair.agreement!.value, 12);
  });

  it.each([
    [
      'one version only',
      { versions: ['digits-mlp:1'], dataset: 'digits-live-same' },
      400,
      /compare at least two versions/,
    ],
    [
      'a version without its number',
      { versions: ['digits-mlp', 'digits-mlp:2'], dataset: 'digits-live-same' },
      400,
      /a version is NAME:VERSION/,
    ],
    [
      'an unknown dataset',
      { versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'nosuch' },
      404,
      /no dataset named 'nosuch'/,
    ],
    [
      'a dataset that does not fit',
      { versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'cancer-live-same' },
      400,
      /dataset cancer-live-same does not fit digits-mlp:1/,
    ],
    [
      'an unknown version',
      { versions: ['digits-mlp:1', 'digits-mlp:9'], dataset: 'digits-live-same' },
      404,
      /digits-mlp/,
    ],
  ])('refuses %s before running, saying why', async (_what, config, status, message) => {
    const before = (await call<ComparisonSummary[]>('GET', '/comparisons')).json.length;
    const res = await call('POST', '/comparisons', config);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatch(message);
    expect((await call<ComparisonSummary[]>('GET', '/comparisons')).json.length).toBe(before);
  });

  it('cancels a queued comparison, which then keeps no results', async () => {
    const config = { versions: ['digits-mlp:1', 'digits-mlp:2'], dataset: 'digits-reference' };
    const first = await call<ComparisonSummary>('POST', '/comparisons', config);
    const second = await call<ComparisonSummary>('POST', '/comparisons', config);
    expect(second.json.state).toBe('queued');
    const cancelled = await call<ComparisonSummary>('POST', `/comparisons/${second.json.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await comparisonDone(second.json.id)).state).toBe('cancelled');
    expect((await call<Comparison>('GET', `/comparisons/${second.json.id}`)).json.results).toBeNull();
    await comparisonDone(first.json.id);
    expect((await call('POST', '/comparisons/nosuch/cancel')).status).toBe(404);
  });

  it('exports the flipped rows as a new dataset', async () => {
    const exported = await call<DatasetSummary>('POST', `/comparisons/${compared.id}/export`, {
      name: 'digits-flips',
      sort: 'flips',
      limit: 5,
    });
    expect(exported.status, exported.json.error).toBe(200);
    expect(exported.json).toMatchObject({ name: 'digits-flips', rows: 5, inputs: ['pixels'], hasLabel: true });
    const shown = await call<Dataset>('GET', '/datasets/digits-flips');
    expect(shown.json.derivedFrom).toMatch(compared.id);

    const taken = await call('POST', `/comparisons/${compared.id}/export`, { name: 'digits-flips' });
    expect(taken.status).toBe(409);
    const noName = await call('POST', `/comparisons/${compared.id}/export`, { sort: 'delta' });
    expect(noName.status).toBe(400);
    expect(noName.json.error).toMatch(/^invalid request: name: /);
    expect((await call('DELETE', '/datasets/digits-flips')).json).toEqual({ removed: shown.json.id });
  });

  it('downloads the report as HTML and JSON attachments', async () => {
    const get = (format: string, headers = ctl.auth) =>
      fetch(`${ctl.base}/comparisons/${compared.id}/report?format=${format}`, { headers });
    const html = await get('html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+\.html"/);
    expect(html.headers.get('content-security-policy')).toBe('sandbox');
    const page = await html.text();
    expect(page).toMatch(/<html/i);
    expect(page).toContain('digits-mlp:2');
    expect(page).not.toMatch(/<script/i);

    const json = await get('json');
    expect(json.headers.get('content-disposition')).toMatch(/filename="[^"]+\.json"/);
    expect(JSON.stringify(await json.json())).toContain(compared.id);

    const bad = await get('pdf');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe("format must be html or json, not 'pdf'");
    expect((await fetch(`${ctl.base}/comparisons/nosuch/report`, { headers: ctl.auth })).status).toBe(404);
  });

  it('deletes a comparison', async () => {
    const removed = await call('DELETE', `/comparisons/${compared.id}`);
    expect(removed.json).toEqual({ removed: compared.id });
    expect((await call('GET', `/comparisons/${compared.id}`)).status).toBe(404);
  });
});

describe('drift', () => {
  it('measures drift between two datasets as a job, and between the same ones finds none', async () => {
    const drifted = await call<Job>('POST', '/drift', { current: 'digits-live-drift', reference: 'digits-reference' });
    expect(drifted.status, drifted.json.error).toBe(200);
    expect(drifted.json.kind).toBe('drift');
    const done = await jobDone(drifted.json.id);
    expect(done.state, done.error).toBe('succeeded');
    expect(done.drift!.datasetDrift).toBe(true);
    expect(done.drift!.features.length).toBe(64);
    const severities = done.drift!.features.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    expect(done.drift!.features[0]!.histogram.reference.length).toBe(done.drift!.features[0]!.histogram.current.length);

    const same = await call<Job>('POST', '/drift', { current: 'digits-live-same', referenceOf: 'digits-mlp:1' });
    const steady = await jobDone(same.json.id);
    expect(steady.state, steady.error).toBe('succeeded');
    expect(steady.drift!.datasetDrift).toBe(false);
  });

  it('cancels a drift job between features', async () => {
    const started = await call<Job>('POST', '/drift', { current: 'digits-live-drift', reference: 'digits-reference' });
    await ctl.events.next(
      (e) => e.event === 'job' && (e.data as Job).id === started.json.id && ((e.data as Job).progress ?? 0) > 0,
    );
    expect((await call<Job>('POST', `/jobs/${started.json.id}/cancel`)).status).toBe(200);
    const done = await jobDone(started.json.id);
    expect(done.state).toBe('cancelled');
    expect(done.drift).toBeUndefined();
  });

  it('refuses a drift request that names no reference, or two', async () => {
    const none = await call('POST', '/drift', { current: 'digits-live-same' });
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/give either reference \(a dataset\) or referenceOf/);
    const both = await call('POST', '/drift', {
      current: 'digits-live-same',
      reference: 'digits-reference',
      referenceOf: 'digits-mlp:1',
    });
    expect(both.status).toBe(400);
    const unknown = await call('POST', '/drift', { current: 'nosuch', reference: 'digits-reference' });
    expect(unknown.status).toBe(404);
    const unbound = await call('POST', '/drift', { current: 'digits-live-same', referenceOf: 'squeezenet1_1:1' });
    expect(unbound.status).toBe(404);
    expect(unbound.json.error).toMatch(/squeezenet1_1:1 has no reference dataset/);
  });

  it('keeps a dataset that is a version’s reference unless asked to unbind it', async () => {
    const refused = await call('DELETE', '/datasets/digits-reference');
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatch(/is the reference of digits-mlp:1/);
  });
});

describe('live drift', () => {
  /** The first `count` rows of a replay file as V2 request bodies of at most 32 rows (digits' max batch). */
  function inferBodies(file: string, count: number) {
    const rows = readFileSync(data(file), 'utf8')
      .trim()
      .split('\n')
      .slice(0, count)
      .map((line) => (JSON.parse(line) as { inputs: { pixels: number[] } }).inputs.pixels);
    const bodies = [];
    for (let at = 0; at < rows.length; at += 32) {
      const part = rows.slice(at, at + 32);
      bodies.push({ inputs: [{ name: 'pixels', shape: [part.length, 64], datatype: 'FP32', data: part.flat() }] });
    }
    return bodies;
  }

  it('shows each served version against its reference and alerts when its traffic drifts', async () => {
    const stopped = await call<LiveDriftFeed>('GET', '/serving/drift');
    expect(stopped.json).toMatchObject({ settings: null, versions: [] });

    const started = await call<ServingStatus>('POST', '/serving/start', {
      port: 0,
      models: ['digits-mlp:1', 'digits-mlp:2'],
      driftSampleRate: 1,
    });
    expect(started.status, started.json.error).toBe(200);
    try {
      const before = await call<LiveDriftFeed>('GET', '/serving/drift');
      expect(before.json.settings).toMatchObject({ sampleRate: 1 });
      expect(before.json.versions.map((v) => [v.version, v.reference?.datasetName, v.status])).toEqual([
        [1, 'digits-reference', null],
        [2, 'digits-reference', null],
      ]);

      for (const [version, file] of [
        [1, 'digits_live_drift.jsonl'],
        [2, 'digits_live_same.jsonl'],
      ] as const) {
        for (const body of inferBodies(file, 400)) {
          const res = await fetch(`${started.json.url}/v2/models/digits-mlp/versions/${version}/infer`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          expect(res.status, await res.clone().text()).toBe(200);
        }
      }
      const checked = await call<LiveDriftFeed>('POST', '/serving/drift/evaluate');
      expect(checked.status).toBe(200);
      const [v1, v2] = checked.json.versions;
      expect(v1!.status).toMatchObject({ state: 'drift', windowRows: 400 });
      expect(v1!.status!.report!.datasetDrift).toBe(true);
      expect(v2!.status).toMatchObject({ state: 'ok', windowRows: 400 });

      const alert = await ctl.events.next((e) => e.event === 'driftalert' && (e.data as LiveDriftAlert).version === 1);
      expect(alert.data).toMatchObject({ kind: 'drift-started', model: 'digits-mlp', version: 1 });
      expect((alert.data as LiveDriftAlert).message).toMatch(/quality slipping — consider retraining/);
      const feed = await ctl.events.next(
        (e) => e.event === 'livedrift' && (e.data as LiveDriftFeed).versions.some((v) => v.status?.state === 'drift'),
      );
      expect((feed.data as LiveDriftFeed).versions).toHaveLength(2);

      // A new reference takes effect from the next request: the version's monitor starts over on it.
      await call('PUT', '/models/digits-mlp/versions/1/reference', { dataset: 'digits-live-drift' });
      const rebound = await call<LiveDriftFeed>('GET', '/serving/drift');
      expect(rebound.json.versions[0]).toMatchObject({ reference: { datasetName: 'digits-live-drift' }, status: null });
      await call('PUT', '/models/digits-mlp/versions/1/reference', { dataset: 'digits-reference' });
    } finally {
      await call('POST', '/serving/stop');
    }
  });
});
