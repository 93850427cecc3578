// Bundle archives are unpacked only when every entry stays inside one top-level folder as a plain file or
// folder within the size limits; anything else is refused by name and nothing is left behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  checkArchiveEntry,
  readBundleArchive,
  type BundleArchiveLimits,
} from '../../../src-main/engine/bundles/import/readBundleArchive';
import { UserError } from '../../../src-main/engine/userError';
import { tarBundle, writeBundleFolder, writeRawTarGz, type RawTarEntry } from '../../helpers/bundleFixtures';
import { tempDir } from '../../helpers/tempDir';

const manifest = { path: 'bundle/slipway-manifest.json', body: '{}' };

async function refusal(entries: RawTarEntry[], limits?: Partial<BundleArchiveLimits>): Promise<UserError> {
  const root = tempDir();
  const archive = writeRawTarGz(join(root, 'hostile.tar.gz'), entries);
  const tmpRoot = join(root, 'home', 'tmp');
  const error = await readBundleArchive(archive, { tmpRoot, limits }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  // Nothing unpacked is left, and nothing was written beside the archive.
  expect(existsSync(tmpRoot) ? readdirSync(tmpRoot) : []).toEqual([]);
  expect(readdirSync(root).filter((name) => name !== 'home')).toEqual(['hostile.tar.gz']);
  return error as UserError;
}

describe('readBundleArchive', () => {
  it('unpacks a bundle archive into a temporary folder and removes it on request', async () => {
    const root = tempDir();
    const { dir, manifest: m } = writeBundleFolder(join(root, 'digits-mlp-v1'));
    const archive = await tarBundle(dir);
    const tmpRoot = join(root, 'home', 'tmp');
    const progress: number[] = [];
    const extracted = await readBundleArchive(archive, { tmpRoot, onProgress: (f) => progress.push(f) });
    expect(extracted.topLevel).toBe('digits-mlp-v1');
    expect(extracted.dir.startsWith(tmpRoot)).toBe(true);
    for (const file of m.files) {
      expect(readFileSync(join(extracted.dir, file.path))).toEqual(readFileSync(join(dir, file.path)));
    }
    expect(extracted.bytes).toBe(
      m.files.reduce((s, f) => s + f.bytes, 0) + readFileSync(join(dir, 'slipway-manifest.json')).length,
    );
    expect(progress.at(-1)).toBeCloseTo(1, 5);
    expect(progress.every((f, i) => i === 0 || f >= progress[i - 1]!)).toBe(true);
    await extracted.remove();
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it('reads a plain (uncompressed) .tar as well', async () => {
    const root = tempDir();
    const { dir, manifest: m } = writeBundleFolder(join(root, 'plain'));
    const tar = join(root, 'plain.tar');
    writeFileSync(tar, gunzipSync(readFileSync(await tarBundle(dir))));
    const extracted = await readBundleArchive(tar, { tmpRoot: join(root, 'tmp') });
    expect(readFileSync(join(extracted.dir, m.files[0]!.path))).toEqual(readFileSync(join(dir, m.files[0]!.path)));
    await extracted.remove();
  });

  it('accepts ./-prefixed paths and an explicit top-level folder entry', async () => {
    const root = tempDir();
    const archive = writeRawTarGz(join(root, 'b.tar.gz'), [
      { path: './', type: 'Directory' },
      { path: './bundle/', type: 'Directory' },
      { path: './bundle/slipway-manifest.json', body: '{"a":1}' },
      { path: 'bundle/sub/x.txt', body: 'x' },
    ]);
    const extracted = await readBundleArchive(archive, { tmpRoot: join(root, 'tmp') });
    expect(readFileSync(join(extracted.dir, 'slipway-manifest.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(join(extracted.dir, 'sub', 'x.txt'), 'utf8')).toBe('x');
    await extracted.remove();
  });

  it("refuses an entry with '..' instead of rewriting it", async () => {
    const error = await refusal([manifest, { path: 'bundle/../../evil.txt', body: 'pwned' }]);
    expect(error.message).toContain('"bundle/../../evil.txt"');
    expect(error.message).toContain("'..'");
  });

  it('refuses an absolute path', async () => {
    const error = await refusal([manifest, { path: '/tmp/slipway-evil.txt', body: 'pwned' }]);
    expect(error.message).toMatch(/"\/tmp\/slipway-evil\.txt" is an absolute path; expected paths relative/);
    expect(existsSync('/tmp/slipway-evil.txt')).toBe(false);
  });

  it('refuses Windows drive and backslash paths', async () => {
    expect((await refusal([manifest, { path: 'C:/Windows/evil.dll', body: 'x' }])).message).toContain(
      'Windows drive path',
    );
    expect((await refusal([manifest, { path: 'bundle\\..\\evil', body: 'x' }])).message).toContain('backslash');
  });

  it('refuses symbolic links, hard links, devices and FIFOs', async () => {
    const symlink = await refusal([
      manifest,
      { path: 'bundle/model.onnx', type: 'SymbolicLink', linkpath: '/etc/passwd' },
    ]);
    expect(symlink.message).toBe(
      'entry "bundle/model.onnx" is a symbolic link to "/etc/passwd"; a bundle archive may hold only regular files and folders',
    );
    const hard = await refusal([
      manifest,
      { path: 'bundle/copy.json', type: 'Link', linkpath: 'bundle/slipway-manifest.json' },
    ]);
    expect(hard.message).toContain('"bundle/copy.json" is a hard link to "bundle/slipway-manifest.json"');
    expect((await refusal([manifest, { path: 'bundle/dev', type: 'CharacterDevice' }])).message).toContain('a device');
    expect((await refusal([manifest, { path: 'bundle/pipe', type: 'FIFO' }])).message).toContain('a FIFO');
  });

  it('refuses more than one top-level folder, and files at the top level', async () => {
    const two = await refusal([manifest, { path: 'other/file.txt', body: 'x' }]);
    expect(two.message).toContain(`"other/file.txt" is outside the folder 'bundle/'`);
    expect(two.message).toContain('expected one top-level folder');
    const loose = await refusal([{ path: 'slipway-manifest.json', body: '{}' }]);
    expect(loose.message).toContain('is a file at the top level');
  });

  it('refuses an entry over the per-file limit and a total over the archive limit', async () => {
    const big = { path: 'bundle/model.onnx', body: Buffer.alloc(3000, 7) };
    const entry = await refusal([manifest, big], { maxEntryBytes: 2048 });
    expect(entry.message).toBe(
      'entry "bundle/model.onnx" is 3.00 KB; a file in a bundle archive may be at most 2.05 KB',
    );
    const total = await refusal(
      [manifest, { path: 'bundle/a', body: Buffer.alloc(1500) }, { path: 'bundle/b', body: Buffer.alloc(1500) }],
      { maxTotalBytes: 2500 },
    );
    expect(total.message).toContain('reached at entry "bundle/b"');
  });

  it('refuses a path that appears twice (a later entry would replace a checked one)', async () => {
    const error = await refusal([manifest, { path: 'bundle/slipway-manifest.json', body: '{"x":1}' }]);
    expect(error.message).toContain('appears twice');
  });

  it('refuses a file that is not an archive, and an archive without files', async () => {
    const root = tempDir();
    const junk = join(root, 'junk.tar.gz');
    writeFileSync(junk, 'this is not gzip at all, just text that pretends to be an archive'.repeat(20));
    await expect(readBundleArchive(junk, { tmpRoot: join(root, 'tmp') })).rejects.toThrow(
      /junk\.tar\.gz is not a readable tar archive/,
    );
    const empty = writeRawTarGz(join(root, 'empty.tar.gz'), [{ path: 'bundle/', type: 'Directory' }]);
    await expect(readBundleArchive(empty, { tmpRoot: join(root, 'tmp') })).rejects.toThrow(
      /empty\.tar\.gz holds no files/,
    );
    expect(existsSync(join(root, 'tmp')) ? readdirSync(join(root, 'tmp')) : []).toEqual([]);
  });

  it('stops when cancelled and leaves nothing behind', async () => {
    const root = tempDir();
    const { dir } = writeBundleFolder(join(root, 'b'));
    const archive = await tarBundle(dir);
    const abort = new AbortController();
    abort.abort();
    await expect(readBundleArchive(archive, { tmpRoot: join(root, 'tmp'), signal: abort.signal })).rejects.toThrow(
      /cancelled/,
    );
    mkdirSync(join(root, 'tmp'), { recursive: true });
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });
});

describe('checkArchiveEntry', () => {
  const limits = { maxEntryBytes: 100 };
  it('normalises . segments and trailing slashes', () => {
    expect(checkArchiveEntry({ path: './b/./x/', type: 'Directory', size: 0 }, limits)).toEqual({
      path: 'b/x',
      kind: 'folder',
      bytes: 0,
    });
    expect(checkArchiveEntry({ path: './', type: 'Directory', size: 0 }, limits)).toBeNull();
    expect(checkArchiveEntry({ path: 'b/f', type: 'OldFile', size: 100 }, limits)).toEqual({
      path: 'b/f',
      kind: 'file',
      bytes: 100,
    });
  });

  it("refuses '..' anywhere, even where it would stay inside", () => {
    expect(() => checkArchiveEntry({ path: 'b/x/../y', type: 'File', size: 1 }, limits)).toThrow(/climbs out/);
  });
});
