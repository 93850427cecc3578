// Unpacks a bundle archive (.tar.gz, .tgz or .tar) into a temporary folder under the library home. Every entry is
// inspected in a first pass before anything is written, and refused (not silently rewritten) when it could land
// outside the bundle, is a link or device, or is larger than the limits; the second pass writes only those entries.
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Parser, Unpack, type ReadEntry } from 'tar';
import { formatBytes } from '../../../../src-shared/units';
import { UserError } from '../../userError';

export interface BundleArchiveLimits {
  /** Largest single file in the archive, in bytes. */
  maxEntryBytes: number;
  /** All files together, in bytes. */
  maxTotalBytes: number;
  /** Entries of any kind (files and folders). */
  maxEntries: number;
}

const GiB = 1024 ** 3;
export const DEFAULT_BUNDLE_ARCHIVE_LIMITS: BundleArchiveLimits = {
  maxEntryBytes: 8 * GiB,
  maxTotalBytes: 64 * GiB,
  maxEntries: 100_000,
};

/** Names a bundle archive may have; anything else is not read as one. */
export const BUNDLE_ARCHIVE_SUFFIXES = ['.tar.gz', '.tgz', '.tar'] as const;

export function isBundleArchiveName(path: string): boolean {
  const name = path.toLowerCase();
  return BUNDLE_ARCHIVE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** One entry as the archive states it, checked. */
export interface ArchiveEntry {
  /** Path inside the archive with `.` segments and trailing slashes dropped, e.g. `bundle/triton/m/1/model.onnx`. */
  path: string;
  kind: 'file' | 'folder';
  bytes: number;
}

/** What an entry header carries that the checks need (a node-tar ReadEntry has these fields). */
export interface ArchiveEntryHeader {
  path: string;
  type: string;
  size: number;
  linkpath?: string;
}

export interface ExtractedBundleArchive {
  /** The bundle folder: the archive's single top-level folder, unpacked. */
  dir: string;
  /** Name of that top-level folder in the archive. */
  topLevel: string;
  entries: number;
  bytes: number;
  /** Removes everything unpacked (the temporary folder under the home). */
  remove(): Promise<void>;
}

export interface ReadBundleArchiveOptions {
  /** Folder under which the temporary folder is made (the library's `<home>/tmp`). */
  tmpRoot: string;
  limits?: Partial<BundleArchiveLimits>;
  signal?: AbortSignal;
  /** 0..1 over both passes (each reads the whole archive). */
  onProgress?: (fraction: number) => void;
}

/** Prefix of the temporary folders an import makes under `<home>/tmp`. */
export const IMPORT_TMP_PREFIX = 'bundle-import-';

/**
 * Checks one entry: refuses absolute, drive-letter and backslash paths, `..` segments, links, devices and FIFOs,
 * and files above the per-file limit. Returns the entry with its path normalised, or null for the archive's own
 * `.` folder entry.
 */
export function checkArchiveEntry(
  header: ArchiveEntryHeader,
  limits: Pick<BundleArchiveLimits, 'maxEntryBytes'>,
): ArchiveEntry | null {
  const raw = header.path;
  const shown = JSON.stringify(raw);
  const expected = 'expected paths relative to the bundle folder, with / separators';
  if (raw.length === 0) throw refusal(`an entry has an empty path; ${expected}`);
  if (raw.includes('\0')) throw refusal(`entry ${shown} has a NUL character in its path; ${expected}`);
  if (raw.startsWith('/')) throw refusal(`entry ${shown} is an absolute path; ${expected}`);
  if (/^[A-Za-z]:/.test(raw)) throw refusal(`entry ${shown} is a Windows drive path; ${expected}`);
  if (raw.includes('\\')) throw refusal(`entry ${shown} has a backslash in its path; ${expected}`);
  const segments = raw.split('/');
  if (segments.includes('..')) throw refusal(`entry ${shown} climbs out of the bundle with '..'; ${expected}`);
  const kept = segments.filter((s) => s !== '' && s !== '.');
  const path = kept.join('/');

  const kind = entryKind(header.type);
  if (kind === null) throw refusal(`entry ${shown} is ${describeType(header)}; ${onlyFilesAndFolders}`);
  if (path === '') {
    if (kind === 'folder') return null;
    throw refusal(`entry ${shown} is a file without a name; ${expected}`);
  }
  if (path.length > 1024) throw refusal(`entry ${shown.slice(0, 80)}… has a path over 1024 characters`);
  const bytes = kind === 'file' ? header.size : 0;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw refusal(`entry ${shown} has an invalid size ${header.size}`);
  if (bytes > limits.maxEntryBytes) {
    throw refusal(
      `entry ${shown} is ${formatBytes(bytes)}; a file in a bundle archive may be at most ` +
        `${formatBytes(limits.maxEntryBytes)}`,
    );
  }
  return { path, kind, bytes };
}

const onlyFilesAndFolders = 'a bundle archive may hold only regular files and folders';

function entryKind(type: string): ArchiveEntry['kind'] | null {
  if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') return 'file';
  if (type === 'Directory') return 'folder';
  return null;
}

function describeType(header: ArchiveEntryHeader): string {
  const to = header.linkpath ? ` to ${JSON.stringify(header.linkpath)}` : '';
  switch (header.type) {
    case 'SymbolicLink':
      return `a symbolic link${to}`;
    case 'Link':
      return `a hard link${to}`;
    case 'CharacterDevice':
    case 'BlockDevice':
      return 'a device';
    case 'FIFO':
      return 'a FIFO (named pipe)';
    default:
      return `an entry of type ${header.type}`;
  }
}

function refusal(message: string): UserError {
  return new UserError('bad-input', message);
}

/**
 * Checks a whole listing: one top-level folder holds everything, no path appears twice or is both a file and a
 * folder, and the count and total size stay within the limits. Returns the top-level folder's name.
 */
export class ArchiveListing {
  readonly entries = new Map<string, ArchiveEntry>();
  private readonly folders = new Set<string>();
  private topLevel: string | null = null;
  private count = 0;
  bytes = 0;

  constructor(private readonly limits: BundleArchiveLimits) {}

  add(header: ArchiveEntryHeader): void {
    const entry = checkArchiveEntry(header, this.limits);
    if (++this.count > this.limits.maxEntries) {
      throw refusal(`the archive has more than ${this.limits.maxEntries} entries; a bundle has far fewer`);
    }
    if (entry === null) return;
    const shown = JSON.stringify(header.path);
    const [top] = entry.path.split('/') as [string, ...string[]];
    const oneFolder = 'expected one top-level folder holding the whole bundle (slipway-manifest.json at its root)';
    if (entry.kind === 'file' && !entry.path.includes('/')) {
      throw refusal(`entry ${shown} is a file at the top level of the archive; ${oneFolder}`);
    }
    if (this.topLevel === null) this.topLevel = top;
    else if (top !== this.topLevel) {
      throw refusal(`entry ${shown} is outside the folder '${this.topLevel}/'; ${oneFolder}`);
    }
    const previous = this.entries.get(entry.path);
    if (previous && (previous.kind === 'file' || entry.kind === 'file')) {
      throw refusal(`entry ${shown} appears twice in the archive; expected each path once`);
    }
    if (entry.kind === 'file' && this.folders.has(entry.path)) {
      throw refusal(`entry ${shown} is a file where the archive also has a folder of that name`);
    }
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.entries.get(parent)?.kind === 'file') {
        throw refusal(`entry ${shown} lies inside '${parent}', which the archive has as a file`);
      }
      this.folders.add(parent);
    }
    if (entry.kind === 'folder') this.folders.add(entry.path);
    this.entries.set(entry.path, entry);
    this.bytes += entry.bytes;
    if (this.bytes > this.limits.maxTotalBytes) {
      throw refusal(
        `the archive's files add up to more than ${formatBytes(this.limits.maxTotalBytes)} (reached at entry ${shown}); ` +
          'a bundle archive may not be larger',
      );
    }
  }

  /** The single top-level folder; refuses an archive without one. */
  finish(archiveName: string): string {
    if (this.topLevel === null || ![...this.entries.values()].some((e) => e.kind === 'file')) {
      throw refusal(`${archiveName} holds no files; expected a bundle folder with slipway-manifest.json at its root`);
    }
    return this.topLevel;
  }
}

export async function readBundleArchive(
  archive: string,
  options: ReadBundleArchiveOptions,
): Promise<ExtractedBundleArchive> {
  const limits = { ...DEFAULT_BUNDLE_ARCHIVE_LIMITS, ...options.limits };
  const name = basename(archive);
  const size = (await stat(archive)).size;
  const progress = options.onProgress ?? (() => {});

  const listing = new ArchiveListing(limits);
  await readArchive(
    archive,
    name,
    options.signal,
    (done) => progress((0.5 * done) / Math.max(size, 1)),
    (parser) => {
      parser.on('entry', (entry: ReadEntry) => {
        try {
          listing.add(entry);
        } catch (error) {
          parser.abort(error as Error);
        }
        entry.resume();
      });
    },
  );
  const topLevel = listing.finish(name);

  await mkdir(options.tmpRoot, { recursive: true });
  const tmp = await mkdtemp(join(options.tmpRoot, `${IMPORT_TMP_PREFIX}${process.pid}-`));
  const remove = () => rm(tmp, { recursive: true, force: true });
  try {
    await extract(archive, name, tmp, listing, limits, options.signal, (done) =>
      progress(0.5 + (0.5 * done) / Math.max(size, 1)),
    );
    return { dir: join(tmp, topLevel), topLevel, entries: listing.entries.size, bytes: listing.bytes, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Second pass: writes exactly the entries the first pass accepted; anything else found now is refused. */
async function extract(
  archive: string,
  name: string,
  cwd: string,
  listing: ArchiveListing,
  limits: BundleArchiveLimits,
  signal: AbortSignal | undefined,
  onBytes: (done: number) => void,
): Promise<void> {
  let changed: UserError | null = null;
  const unpack = new Unpack({
    cwd,
    strict: true,
    preserveOwner: false,
    // The archive was checked to stay inside cwd; node-tar's own rewriting would hide a change between passes.
    preservePaths: false,
    filter: (_path, entry) => {
      const header = entry as ReadEntry;
      try {
        const checked = checkArchiveEntry(header, limits);
        if (checked === null) return false;
        const listed = listing.entries.get(checked.path);
        if (!listed || listed.kind !== checked.kind || listed.bytes !== checked.bytes) {
          throw refusal(`${name} changed while it was read (entry ${JSON.stringify(header.path)}); try again`);
        }
      } catch (error) {
        changed ??= error as UserError;
        return false;
      }
      // Modes from another machine mean nothing here: files must stay readable for verification, and no
      // set-uid or executable bits come along.
      header.mode = header.type === 'Directory' ? 0o755 : 0o644;
      return true;
    },
  });
  await readArchive(archive, name, signal, onBytes, () => {}, unpack);
  if (changed) throw changed;
}

/**
 * Streams the archive into a node-tar parser (a plain Parser, or an Unpack), resolving when it has read
 * everything; errors and aborts become UserErrors naming the archive.
 */
function readArchive(
  archive: string,
  name: string,
  signal: AbortSignal | undefined,
  onBytes: (done: number) => void,
  attach: (parser: Parser) => void,
  parser: Parser = new Parser({ strict: true }),
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled(name));
      return;
    }
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else {
        input.destroy();
        reject(asUserError(error, name, signal));
      }
    };
    const input = createReadStream(archive, { highWaterMark: 1 << 20 });
    const onAbort = () => {
      input.destroy();
      parser.abort(new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let done = 0;
    input.on('data', (chunk) => onBytes((done += chunk.length)));
    input.on('error', finish);
    parser.on('error', finish);
    parser.on('abort', finish);
    // Unpack emits 'close' once every file is on disk; a plain Parser's 'end' means every entry was read.
    parser.on(parser instanceof Unpack ? 'close' : 'end', () => finish());
    attach(parser);
    input.pipe(parser);
  });
}

function asUserError(error: unknown, name: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return cancelled(name);
  if (error instanceof UserError) return error;
  const tarError = error as Error & { code?: string; tarCode?: string };
  const cause = (tarError as { cause?: unknown }).cause;
  if (cause instanceof UserError) return cause;
  const message = tarError.message ?? String(error);
  if (tarError.code === 'ENOENT' && !tarError.tarCode) {
    return new UserError('not-found', `${name} does not exist; expected a bundle folder or a .tar.gz of one`);
  }
  if (tarError.tarCode === 'TAR_BAD_ARCHIVE' || /incorrect header|unexpected end|invalid|zlib/i.test(message)) {
    return new UserError('bad-input', `${name} is not a readable tar archive (${message}); expected a .tar.gz bundle`);
  }
  if (tarError.tarCode === 'TAR_ABORT' || tarError.tarCode === 'TAR_ENTRY_INVALID') {
    return new UserError('bad-input', `${name} is damaged or hostile: ${message}`);
  }
  return tarError;
}

function cancelled(name: string): UserError {
  return new UserError('cancelled', `reading ${name} was cancelled; nothing was imported`);
}
