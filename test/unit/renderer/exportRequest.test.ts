// The Export form as a request: KServe brings the Triton repository it reads, an empty folder means the engine's
// default, storageUri goes only with KServe, and a version reference splits at its last colon.
import { describe, expect, it } from 'vitest';
import { chosenTargets, exportRequest, parseRef, type ExportForm } from '../../../src-renderer/src/export/exportUi';

const FORM: ExportForm = {
  ref: 'digits-mlp:1',
  targets: { triton: false, kserve: true, standalone: false, edge: false },
  outDir: null,
  storageUri: '  s3://bucket/triton ',
  tar: false,
};

describe('export request', () => {
  it('adds triton when kserve is chosen, keeping the contract order otherwise', () => {
    expect(chosenTargets(FORM.targets)).toEqual(['triton', 'kserve']);
    expect(chosenTargets({ triton: false, kserve: false, standalone: true, edge: true })).toEqual([
      'standalone',
      'edge',
    ]);
    expect(chosenTargets({ triton: false, kserve: false, standalone: false, edge: false })).toEqual([]);
  });

  it('leaves the folder to the engine when none is typed and sends storageUri only with kserve', () => {
    expect(exportRequest(FORM)).toEqual({
      model: 'digits-mlp',
      version: 1,
      targets: ['triton', 'kserve'],
      tar: false,
      storageUri: 's3://bucket/triton',
    });
    const edgeOnly = exportRequest({
      ...FORM,
      targets: { triton: false, kserve: false, standalone: false, edge: true },
      outDir: ' /tmp/out ',
      tar: true,
    });
    expect(edgeOnly).toEqual({ model: 'digits-mlp', version: 1, targets: ['edge'], tar: true, outDir: '/tmp/out' });
    expect(exportRequest({ ...FORM, outDir: '   ', storageUri: '' })).not.toHaveProperty('outDir');
  });

  it('needs a version', () => {
    expect(exportRequest({ ...FORM, ref: null })).toBeNull();
    expect(parseRef('digits-mlp:12')).toEqual({ model: 'digits-mlp', version: 12 });
    expect(parseRef('digits-mlp')).toBeNull();
    expect(parseRef('digits-mlp:0')).toBeNull();
  });
});
