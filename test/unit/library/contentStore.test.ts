import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src-main/engine/library/contentStore';
import { model } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('ContentStore', () => {
  it('stages a copy with its sha256 and commits it under its content address', () => {
    const store = new ContentStore(join(tempDir(), 'models'));
    const progress: number[] = [];
    const staged = store.stage(model('digits-mlp-v1.onnx'), (done) => progress.push(done));
    expect(staged.sha256).toBe('0581bbc4df250e551040e960d552bf4ad076f125e7327a7d1346dc7d2f465085');
    expect(progress.at(-1)).toBe(10826);
    expect(readdirSync(store.root)).toEqual([staged.tempPath.split('/').pop()]);
    const final = store.commit(staged);
    expect(readdirSync(store.root)).toEqual([`${staged.sha256}.onnx`]);
    expect(readFileSync(final).equals(readFileSync(model('digits-mlp-v1.onnx')))).toBe(true);
  });

  it('keeps the existing file when the same bytes are committed twice', () => {
    const store = new ContentStore(join(tempDir(), 'models'));
    store.commit(store.stage(model('digits-mlp-v1.onnx')));
    store.commit(store.stage(model('digits-mlp-v1.onnx')));
    expect(readdirSync(store.root)).toHaveLength(1);
  });

  it('sweeps unreferenced files and temp files of dead processes, and keeps the rest', () => {
    const store = new ContentStore(join(tempDir(), 'models'));
    const kept = store.stage(model('digits-mlp-v1.onnx'));
    store.commit(kept);
    const orphan = store.stage(model('cancer-logreg-v1.onnx'));
    store.commit(orphan);
    const liveTemp = store.stage(model('multi-dtype.onnx')); // this process is alive: an import in progress
    const deadTemp = join(store.root, `.tmp-${deadPid()}-abcdef.onnx`);
    writeFileSync(deadTemp, 'half a model');
    const unrelated = join(store.root, 'README.txt');
    writeFileSync(unrelated, 'not ours');

    const removed = store.sweep(new Set([kept.sha256]));
    expect(removed.sort()).toEqual([`${orphan.sha256}.onnx`, deadTemp.split('/').pop()].sort());
    expect(existsSync(store.pathOf(kept.sha256))).toBe(true);
    expect(existsSync(liveTemp.tempPath)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });
});
