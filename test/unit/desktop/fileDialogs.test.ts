// The native open dialog fits what is being imported: a model (.onnx) or a replay dataset (.jsonl/.csv).
import { describe, expect, it } from 'vitest';
import { OpenFileKindSchema } from '../../../src-shared/contract';
import { openDialogSpec } from '../../../src-main/desktop/fileDialogs';

describe('openDialogSpec', () => {
  it('titles and filters the dialog for a model', () => {
    const spec = openDialogSpec('model');
    expect(spec.title).toBe('Import a model');
    expect(spec.filters[0]).toEqual({ name: 'ONNX models', extensions: ['onnx'] });
  });

  it('titles and filters the dialog for a dataset with the extensions the importer reads', () => {
    const spec = openDialogSpec('dataset');
    expect(spec.title).toBe('Import a dataset');
    expect(spec.filters[0]!.extensions).toEqual(['jsonl', 'ndjson', 'csv']);
    expect(spec.filters.flatMap((f) => f.extensions)).not.toContain('onnx');
  });

  it('accepts only the two kinds over IPC', () => {
    expect(OpenFileKindSchema.safeParse('dataset').success).toBe(true);
    expect(OpenFileKindSchema.safeParse('../etc').success).toBe(false);
    expect(OpenFileKindSchema.safeParse(undefined).success).toBe(false);
  });
});
