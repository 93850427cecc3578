// The edge target's model: onnxruntime's CPU optimisation written to disk for every fixture model, a valid
// self-contained file with no more nodes, numerically the original within 1e-4 relative on real sample rows
// (synthetic where none exist) — and a parity check that does notice a different model.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEdgeParity } from '../../../src-main/engine/bundles/edge/edgeParity';
import { optimizeForCpu } from '../../../src-main/engine/bundles/edge/optimizeForCpu';
import { paritySamples } from '../../../src-main/engine/bundles/edge/paritySamples';
import { inspectOnnxFile } from '../../../src-main/engine/onnx/inspectOnnxFile';
import { UserError } from '../../../src-main/engine/userError';
import { data, model } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const readJsonl = (file: string): Record<string, unknown>[] =>
  readFileSync(data(file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const FIXTURES: { file: string; rows: string | null; count: number }[] = [
  { file: 'digits-mlp-v1.onnx', rows: 'digits_reference.jsonl', count: 32 },
  { file: 'digits-mlp-v2.onnx', rows: 'digits_reference.jsonl', count: 32 },
  { file: 'cancer-logreg-v1.onnx', rows: 'cancer_reference.jsonl', count: 32 },
  { file: 'cancer-logreg-v2.onnx', rows: 'cancer_reference.jsonl', count: 32 },
  { file: 'squeezenet1_1.onnx', rows: null, count: 4 },
  { file: 'text-classifier.onnx', rows: 'text_samples.jsonl', count: 32 },
  { file: 'multi-dtype.onnx', rows: 'multi_dtype_samples.jsonl', count: 32 },
  // 4 MB of weights and a 512-wide input: a few rows say as much as many.
  { file: 'slow-matmul.onnx', rows: 'slow_samples.jsonl', count: 4 },
];

describe('edge model optimisation and parity', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.file}: optimised for CPU and within 1e-4 relative of the original`, async () => {
      const dir = tempDir('slipway-edge-');
      const outPath = join(dir, 'model.onnx');
      const optimized = await optimizeForCpu({ modelPath: model(fixture.file), outPath });

      expect(optimized.level).toBe('extended');
      expect(optimized.originalBytes).toBe(readFileSync(model(fixture.file)).length);
      expect(optimized.optimizedBytes).toBe(readFileSync(outPath).length);
      const written = inspectOnnxFile(outPath);
      expect(written.externalDataFiles).toEqual([]);
      expect(written.nodeCount).toBe(optimized.optimizedNodes);
      expect(optimized.optimizedNodes).toBeLessThanOrEqual(optimized.originalNodes);
      expect(readdirSync(dir)).toEqual(['model.onnx']);

      const signature = inspectOnnxFile(model(fixture.file));
      const rows = fixture.rows ? readJsonl(fixture.rows) : undefined;
      const { samples, samplesFrom } = paritySamples({
        signature,
        rows,
        rowsFrom: fixture.rows ?? undefined,
        count: fixture.count,
        seed: 3,
      });
      expect(samples).toHaveLength(fixture.count);
      expect(samplesFrom).toContain(fixture.rows ?? 'synthetic');

      const parity = await checkEdgeParity({
        originalPath: model(fixture.file),
        optimizedPath: outPath,
        signature,
        samples,
        samplesFrom,
      });
      expect(parity.samples).toBe(fixture.count);
      expect(parity.samplesFrom).toBe(samplesFrom);
      expect(parity.tolerance).toBe(1e-4);
      expect(parity.absFloor).toBe(1e-6);
      expect(parity.outputs.map((o) => o.name)).toEqual(signature.outputs.map((o) => o.name));
      for (const output of parity.outputs) expect(output.elements).toBeGreaterThan(0);
      expect(parity.passed).toBe(true);
      expect(parity.maxRelError).toBeLessThanOrEqual(1e-4);
    });
  }

  it('fuses nodes where onnxruntime can: the written file is not a copy of the original', async () => {
    const dir = tempDir('slipway-edge-');
    const digits = await optimizeForCpu({ modelPath: model('digits-mlp-v2.onnx'), outPath: join(dir, 'd.onnx') });
    expect(digits.optimizedNodes).toBeLessThan(digits.originalNodes);
    expect(inspectOnnxFile(join(dir, 'd.onnx')).opHistogram['com.microsoft:FusedGemm']).toBeGreaterThan(0);
    // 'basic' leaves Gemm+Relu alone (fusing them is an extended optimisation).
    const basic = await optimizeForCpu({
      modelPath: model('digits-mlp-v2.onnx'),
      outPath: join(dir, 'b.onnx'),
      level: 'basic',
    });
    expect(basic.level).toBe('basic');
    expect(inspectOnnxFile(join(dir, 'b.onnx')).opHistogram['com.microsoft:FusedGemm']).toBeUndefined();
  });

  it('detects a model that is not the original (digits v2 checked as if it were v1 optimised)', async () => {
    const signature = inspectOnnxFile(model('digits-mlp-v1.onnx'));
    const { samples, samplesFrom } = paritySamples({
      signature,
      rows: readJsonl('digits_reference.jsonl'),
      rowsFrom: 'digits_reference.jsonl',
      count: 16,
    });
    const parity = await checkEdgeParity({
      originalPath: model('digits-mlp-v1.onnx'),
      optimizedPath: model('digits-mlp-v2.onnx'),
      signature,
      samples,
      samplesFrom,
    });
    expect(parity.passed).toBe(false);
    expect(parity.maxRelError).toBeGreaterThan(1e-2);
    expect(parity.maxAbsError).toBeGreaterThan(1e-2);
    expect(parity.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect(parity.outputs[0]!.elements).toBe(16 * 10);
  });

  it('refuses a file that is not ONNX with a clear error and leaves nothing at outPath', async () => {
    const dir = tempDir('slipway-edge-');
    const bogus = join(dir, 'notes.onnx');
    writeFileSync(bogus, 'this is a text file, not a model\n');
    const outPath = join(dir, 'out', 'model.onnx');
    const error = await optimizeForCpu({ modelPath: bogus, outPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/ONNX model/);
    expect(existsSync(outPath)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['notes.onnx']);
  });

  it('refuses a model onnxruntime cannot load, cleaning up its partial output', async () => {
    const dir = tempDir('slipway-edge-');
    // A real model cut short: it still starts like ONNX, so only onnxruntime (or the reader) can tell.
    const bytes = readFileSync(model('digits-mlp-v2.onnx'));
    const cut = join(dir, 'cut.onnx');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const outPath = join(dir, 'model.onnx');
    const error = await optimizeForCpu({ modelPath: cut, outPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/truncated|could not optimise/);
    expect(readdirSync(dir)).toEqual(['cut.onnx']);
  });

  it('never overwrites an existing file and rejects a path onnxruntime would write in another format', async () => {
    const dir = tempDir('slipway-edge-');
    const outPath = join(dir, 'model.onnx');
    writeFileSync(outPath, 'keep me');
    await expect(optimizeForCpu({ modelPath: model('digits-mlp-v1.onnx'), outPath })).rejects.toThrow(/already exists/);
    expect(readFileSync(outPath, 'utf8')).toBe('keep me');
    await expect(
      optimizeForCpu({ modelPath: model('digits-mlp-v1.onnx'), outPath: join(dir, 'model.ort') }),
    ).rejects.toThrow(/must end in \.onnx/);
  });

  it('names the sample that does not fit the model before running anything', async () => {
    const signature = inspectOnnxFile(model('digits-mlp-v1.onnx'));
    const error = await checkEdgeParity({
      originalPath: model('digits-mlp-v1.onnx'),
      optimizedPath: model('digits-mlp-v1.onnx'),
      signature,
      samples: [{ pixels: new Array(64).fill(0) }, { pixels: new Array(63).fill(0) }],
      samplesFrom: 'test',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/parity sample 2: .*pixels/);
  });
});
