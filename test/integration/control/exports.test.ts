// Exports through the control API, as the Export screen drives them: the token is required; a plan lists the files
// of the chosen targets in the default folder with its notes; unknown versions, no targets and a folder that is
// not empty are refused (404, 400, 409) before any job starts; an export runs as a job with progress events and a result whose
// files are on disk; a cancelled export leaves nothing behind; only a folder this engine exported can be revealed,
// and without a desktop session the reveal answers the path instead of opening it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleManifestSchema, type ExportPlan, type Job, type RevealResult } from '../../../src-shared/contract';
import { useControlHost } from '../../helpers/controlHost';
import { tempDir } from '../../helpers/tempDir';

const ctl = useControlHost();
const call = ctl.call;

// The engine runs in this process: without a desktop session, reveal must answer the path and open nothing.
const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
beforeAll(() => {
  delete process.env.DISPLAY;
  delete process.env.WAYLAND_DISPLAY;
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
});

const TRITON_KSERVE = { model: 'digits-mlp', version: 1, targets: ['triton', 'kserve'] };

async function finished(id: string, timeoutMs = 60_000): Promise<Job> {
  const event = await ctl.events.next(
    (e) => e.event === 'job' && (e.data as Job).id === id && (e.data as Job).state !== 'running',
    timeoutMs,
  );
  return event.data as Job;
}

describe('export API', () => {
  it('requires the token', async () => {
    const res = await fetch(`${ctl.base}/exports/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TRITON_KSERVE),
    });
    expect(res.status).toBe(401);
  });

  it('plans an export into the default folder with the files of each target and its notes', async () => {
    const res = await call<ExportPlan>('POST', '/exports/plan', { ...TRITON_KSERVE, tar: true });
    expect(res.status, res.json.error).toBe(200);
    const plan = res.json;
    expect(plan.outDir).toBe(join(ctl.host.engine.home, 'exports', 'digits-mlp-v1'));
    expect(plan.archive).toBe(`${plan.outDir}.tar.gz`);
    const paths = plan.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'triton/digits-mlp/config.pbtxt',
        'triton/digits-mlp/1/model.onnx',
        'kserve/inferenceservice.yaml',
        'slipway-manifest.json',
      ]),
    );
    expect(paths.some((p) => p.startsWith('standalone/') || p.startsWith('edge/'))).toBe(false);
    expect(plan.files.find((f) => f.path === 'triton/digits-mlp/1/model.onnx')?.bytes).toBeGreaterThan(0);
    expect(plan.notes.join('\n')).toMatch(/no finished load test of digits-mlp:1/);
    // Planning writes nothing.
    expect(existsSync(plan.outDir)).toBe(false);
  });

  it('refuses an unknown version, no targets and a folder that is not empty before any job starts', async () => {
    const jobsBefore = (await call<Job[]>('GET', '/jobs')).json.length;
    const unknown = await call('POST', '/exports/plan', { model: 'digits-mlp', version: 9, targets: ['triton'] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/digits-mlp/);
    const unknownStart = await call('POST', '/exports', { model: 'nope-model', version: 1, targets: ['triton'] });
    expect(unknownStart.status).toBe(404);

    const none = await call('POST', '/exports', { model: 'digits-mlp', version: 1, targets: [] });
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/pick at least one target/);
    const badTarget = await call('POST', '/exports/plan', { model: 'digits-mlp', version: 1, targets: ['docker'] });
    expect(badTarget.status).toBe(400);

    const full = tempDir();
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const notEmpty = await call('POST', '/exports', { ...TRITON_KSERVE, outDir: full });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.json.error).toMatch(/not empty/);
    expect(readdirSync(full)).toEqual(['keep.txt']);
    expect((await call<Job[]>('GET', '/jobs')).json.length).toBe(jobsBefore);
  });

  it('exports as a job with progress and a result, then reveals only what it exported', async () => {
    const outDir = join(tempDir(), 'digits-bundle');
    const started = await call<Job>('POST', '/exports', {
      ...TRITON_KSERVE,
      outDir,
      tar: true,
      storageUri: 's3://models/digits/triton',
    });
    expect(started.status, started.json.error).toBe(200);
    expect(started.json.kind).toBe('export');
    const job = await finished(started.json.id);
    expect(job.state, job.error).toBe('succeeded');

    const progress = ctl.events.events
      .filter((e) => e.event === 'job' && (e.data as Job).id === job.id && (e.data as Job).state === 'running')
      .map((e) => (e.data as Job).progress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p === null || (p >= 0 && p <= 1))).toBe(true);

    const result = job.export!;
    expect(result.outDir).toBe(outDir);
    expect(result.archive).toBe(`${outDir}.tar.gz`);
    expect(result.archiveBytes).toBeGreaterThan(0);
    expect(existsSync(result.archive!)).toBe(true);
    const manifest = BundleManifestSchema.parse(result.manifest);
    expect(manifest.source).toMatchObject({ model: 'digits-mlp', version: 1 });
    expect(manifest.kserve).toEqual({ storageUri: 's3://models/digits/triton', placeholder: false });
    for (const file of ['triton/digits-mlp/config.pbtxt', 'triton/digits-mlp/1/model.onnx'])
      expect(existsSync(join(outDir, file)), file).toBe(true);
    expect(existsSync(join(outDir, 'kserve/inferenceservice.yaml'))).toBe(true);
    expect(existsSync(join(outDir, 'slipway-manifest.json'))).toBe(true);
    expect(result.totalBytes).toBe(manifest.files.reduce((sum, f) => sum + f.bytes, 0));

    // The folder is now taken: the same export is refused, and the job list has the finished one.
    const again = await call('POST', '/exports/plan', { ...TRITON_KSERVE, outDir });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/not empty/);
    const listed = await call<Job>('GET', `/jobs/${job.id}`);
    expect(listed.json.export?.outDir).toBe(outDir);

    const reveal = await call<RevealResult>('POST', '/exports/reveal', { path: outDir });
    expect(reveal.status, reveal.json.error).toBe(200);
    expect(reveal.json).toMatchObject({ path: outDir, opened: false });
    expect(reveal.json.message).toMatch(/cannot open a file manager/);
    const archive = await call<RevealResult>('POST', '/exports/reveal', { path: result.archive });
    expect(archive.status).toBe(200);
    expect(archive.json.path).toBe(dirname(outDir));
  });

  it('imports an exported bundle back as a job, and refuses a path with no bundle', async () => {
    const outDir = join(tempDir(), 'round-trip');
    const exported = await call<Job>('POST', '/exports', {
      model: 'digits-mlp',
      version: 2,
      targets: ['triton'],
      outDir,
      tar: true,
    });
    expect(exported.status, exported.json.error).toBe(200);
    expect((await finished(exported.json.id)).state).toBe('succeeded');

    const started = await call<Job>('POST', '/bundles/import', {
      path: `${outDir}.tar.gz`,
      name: 'digits-from-bundle',
    });
    expect(started.status, started.json.error).toBe(200);
    expect(started.json.kind).toBe('bundle-import');
    const job = await finished(started.json.id);
    expect(job.state, job.error).toBe('succeeded');
    // The version keeps the number it was exported with.
    expect(job.bundleImport).toMatchObject({ model: 'digits-from-bundle', version: 2, created: true });
    expect(job.bundleImport!.verifiedFiles).toBeGreaterThan(1);
    const version = await call<{ sha256: string }>('GET', '/models/digits-from-bundle/versions/2');
    expect(version.status).toBe(200);

    const missing = await call('POST', '/bundles/import', { path: join(tempDir(), 'nothing-here') });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/no bundle at/);
  });

  it('refuses to reveal a folder it did not export', async () => {
    for (const path of [tempDir(), '/', ctl.host.engine.home, join(ctl.host.engine.home, 'exports')]) {
      const res = await call('POST', '/exports/reveal', { path });
      expect(res.status, path).toBe(400);
      expect(res.json.error).toMatch(/not a bundle this engine exported/);
    }
    const empty = await call('POST', '/exports/reveal', { path: '' });
    expect(empty.status).toBe(400);
  });

  it('cancels an export and leaves nothing behind', async () => {
    const parent = tempDir();
    const outDir = join(parent, 'cancelled');
    mkdirSync(outDir);
    const started = await call<Job>('POST', '/exports', {
      model: 'digits-mlp',
      version: 2,
      targets: ['standalone', 'edge'],
      outDir,
    });
    expect(started.status, started.json.error).toBe(200);
    const cancel = await call<Job>('POST', `/jobs/${started.json.id}/cancel`);
    expect(cancel.status).toBe(200);
    const job = await finished(started.json.id);
    expect(job.state).toBe('cancelled');
    expect(job.export).toBeUndefined();
    // The empty folder the user named stays as it was; no partial folder or archive is left beside it.
    expect(readdirSync(parent)).toEqual(['cancelled']);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
