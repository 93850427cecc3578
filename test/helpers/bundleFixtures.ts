// Deploy bundles made by hand for import tests (not by the exporter): a folder with model copies in the export
// layout and a manifest whose sha256s are right, a .tar.gz of it, and archives with hostile entries.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, Header } from 'tar';
import {
  BUNDLE_MANIFEST_FILE,
  ModelSignatureSchema,
  type BundleFile,
  type BundleManifest,
  type Fallback,
  type ReferenceProfile,
  type ServingSettings,
  type Stage,
} from '../../src-shared/contract';
import { inspectOnnxFile } from '../../src-main/engine/onnx/inspectOnnxFile';
import { defaultServingSettings } from '../../src-main/engine/serving/defaultServingSettings';
import { data, model } from './paths';
import { ProfiledDatasetRows, readFixtureRows } from './profiledDatasetRows';

export type FixtureTarget = 'triton' | 'standalone' | 'edge';

export interface BundleFixtureOptions {
  /** Model file in resources/models (default digits-mlp-v1.onnx). */
  modelFile?: string;
  name?: string;
  version?: number;
  /** Which model copies the bundle holds (default triton and standalone). */
  targets?: FixtureTarget[];
  /** Stands in for the edge target's optimised model: other bytes, same signature (default digits-mlp-v2.onnx). */
  edgeModelFile?: string;
  settings?: Partial<ServingSettings>;
  fallback?: Fallback;
  stage?: Stage;
  notes?: string;
  referenceProfile?: ReferenceProfile | null;
  /** Last edit of the manifest object before it is written (hostile and broken manifests). */
  editManifest?: (manifest: Record<string, unknown>) => void;
}

export interface BundleFixture {
  dir: string;
  manifest: BundleManifest;
  /** The bundle-relative path of the original model's first copy. */
  modelPath: string;
}

export const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The profile of resources/data/digits_reference.jsonl, as an export of digits-mlp would carry it. */
export function digitsReferenceProfile(): ReferenceProfile {
  const dataset = ProfiledDatasetRows.fromRows('digits-ref', readFixtureRows(data('digits_reference.jsonl'))).dataset;
  return {
    datasetName: dataset.name,
    datasetSha256: sha256Of(data('digits_reference.jsonl')),
    rows: dataset.rows,
    inputs: dataset.inputs,
    features: dataset.features,
    label: dataset.label,
  };
}

/** Writes a bundle folder at `dir` (created) and returns its manifest. */
export function writeBundleFolder(dir: string, options: BundleFixtureOptions = {}): BundleFixture {
  const modelFile = model(options.modelFile ?? 'digits-mlp-v1.onnx');
  const name = options.name ?? 'digits-mlp';
  const version = options.version ?? 1;
  const targets = options.targets ?? ['triton', 'standalone'];
  const inspection = inspectOnnxFile(modelFile);
  const write = (rel: string, from: string | { text: string }) => {
    const path = join(dir, ...rel.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    if (typeof from === 'string') copyFileSync(from, path);
    else writeFileSync(path, from.text);
    return rel;
  };
  const paths: string[] = [];
  if (targets.includes('triton')) {
    paths.push(write(`triton/${name}/${version}/model.onnx`, modelFile));
    paths.push(write(`triton/${name}/config.pbtxt`, { text: `name: "${name}"\nplatform: "onnxruntime_onnx"\n` }));
  }
  if (targets.includes('standalone')) paths.push(write(`standalone/models/${name}/${version}/model.onnx`, modelFile));
  if (targets.includes('edge')) {
    paths.push(
      write(`edge/models/${name}/${version}/model.onnx`, model(options.edgeModelFile ?? 'digits-mlp-v2.onnx')),
    );
  }
  const files: BundleFile[] = paths.sort().map((rel) => {
    const path = join(dir, ...rel.split('/'));
    return { path: rel, bytes: statSync(path).size, sha256: sha256Of(path) };
  });
  const manifest: BundleManifest = {
    format: 'slipway-bundle',
    formatVersion: 1,
    createdAt: '2026-11-20T10:00:00.000Z',
    slipwayVersion: '0.1.0',
    targets,
    source: {
      model: name,
      version,
      sha256: sha256Of(modelFile),
      fileBytes: statSync(modelFile).size,
      stage: options.stage ?? 'dev',
      notes: options.notes ?? '',
      sourceName: basename(modelFile),
    },
    signature: ModelSignatureSchema.parse(inspection),
    runtime: { onnxruntimeVersion: '1.30.0', provider: 'cpu', providerUsed: 'cpu' },
    serving: {
      settings: { ...defaultServingSettings(inspection), ...options.settings },
      fallback: options.fallback ?? { kind: 'none' },
    },
    loadTest: null,
    comparison: null,
    referenceProfile: options.referenceProfile === undefined ? null : options.referenceProfile,
    rollout: null,
    edge: null,
    kserve: null,
    files,
  };
  const json = structuredClone(manifest) as unknown as Record<string, unknown>;
  options.editManifest?.(json);
  writeFileSync(join(dir, BUNDLE_MANIFEST_FILE), JSON.stringify(json, null, 2));
  const modelPath = paths.find((p) => p.endsWith('model.onnx') && !p.startsWith('edge/')) ?? paths[0]!;
  return { dir, manifest, modelPath };
}

/** `<bundle>.tar.gz` with the bundle folder as its single top-level folder, as the exporter packs it. */
export async function tarBundle(dir: string, archive = `${dir}.tar.gz`): Promise<string> {
  await create({ gzip: true, file: archive, cwd: dirname(dir), portable: true }, [basename(dir)]);
  return archive;
}

export interface RawTarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  body?: string | Buffer;
  linkpath?: string;
}

/** Writes a .tar.gz entry by entry from raw headers, so tests can put in what no well-behaved tar writes. */
export function writeRawTarGz(path: string, entries: RawTarEntry[]): string {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({
      path: entry.path,
      type,
      size: type === 'File' ? body.length : 0,
      mode: type === 'Directory' ? 0o755 : 0o644,
      linkpath: entry.linkpath,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    header.encode();
    blocks.push(header.block!);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  writeFileSync(path, gzipSync(Buffer.concat(blocks)));
  return path;
}
