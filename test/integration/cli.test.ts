// The `slipway` command as users run it (the built bin/slipway.js): outputs, --json shapes, exit codes, and a
// single actionable stderr line for every bad input.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CliErrorSchema,
  FileInspectionSchema,
  ImportResultSchema,
  LibraryInfoSchema,
  ModelSummarySchema,
  ModelVersionSchema,
  ProviderStatusSchema,
  RemoveResultSchema,
  RunResultSchema,
} from '../../src-shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { externalDataModel } from '../helpers/externalDataModel';
import { data, model } from '../helpers/paths';
import { runCli, runCliJson } from '../helpers/runCli';
import { tempDir } from '../helpers/tempDir';

const ModelListSchema = z.array(ModelSummarySchema);
const ProviderListSchema = z.array(ProviderStatusSchema);

/** A home with the demo library (seeded on first open). */
let home: string;
beforeAll(async () => {
  home = tempDir();
  const first = await runCli(['models', 'list', '--home', home]);
  expect(first.code).toBe(0);
  expect(first.stderr).toContain('imported 8 demo models');
});

const cli = (...args: string[]) => runCli([...args, '--home', home]);
const json = <S extends z.ZodType>(schema: S, ...args: string[]) => runCliJson(schema, [...args, '--home', home]);

async function fails(args: string[], code: number, message: RegExp, where = home) {
  const result = await runCli([...args, '--home', where]);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^slipway: error: /);
  expect(lines[0]).toMatch(message);
  return result;
}

describe('slipway models', () => {
  it('lists the demo library in a table and as JSON', async () => {
    const table = await cli('models', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^MODEL\s+VERSION\s+STAGE\s+SIZE\s+INPUTS\s+OUTPUTS$/);
    expect(table.stdout).toMatch(
      /digits-mlp\s+1\s+production\s+10\.8 KB\s+pixels float32 \[batch, 64\]\s+logits, probabilities/,
    );
    const list = await json(ModelListSchema, 'models', 'list');
    expect(list.map((m) => m.name).sort()).toEqual(
      ['cancer-logreg', 'digits-mlp', 'multi-dtype', 'slow-matmul', 'squeezenet1_1', 'text-classifier'].sort(),
    );
    expect(list.find((m) => m.name === 'digits-mlp')!.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('imports a file, then says the same bytes are already there', async () => {
    const h = tempDir();
    const first = await runCliJson(ImportResultSchema, [
      'models',
      'import',
      model('cancer-logreg-v2.onnx'),
      '--name',
      'cancer',
      '--home',
      h,
    ]);
    expect(first.created).toBe(true);
    expect(first.version).toMatchObject({ model: 'cancer', version: 1, fileBytes: 1868 });
    const again = await runCli(['models', 'import', model('cancer-logreg-v2.onnx'), '--name', 'cancer', '--home', h]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^cancer:1 already has these bytes \(sha256 c9f3c70a6e8c…\); nothing imported\n$/);
    const next = await runCli(['models', 'import', model('cancer-logreg-v1.onnx'), '--name', 'cancer', '--home', h]);
    expect(next.stdout).toMatch(/^imported cancer:2 \(1\.86 KB, sha256 9221dadea6d6…\) from cancer-logreg-v1\.onnx\n$/);
  });

  it('inspects a version and a file without running them', async () => {
    const text = await cli('models', 'inspect', 'text-classifier');
    expect(text.stdout).toContain('text-classifier:1  stage dev');
    expect(text.stdout).toContain('IR 8, opset ai.onnx 17');
    expect(text.stdout).toContain('  input_ids int64 [batch, sequence]');
    expect(text.stdout).toMatch(/ops \(\d+ nodes\): .*MatMul/);
    const version = await json(ModelVersionSchema, 'models', 'inspect', 'digits-mlp:1');
    expect(version.inspection).toMatchObject({ irVersion: 7, producerName: 'slipway-fixtures', parameterCount: 2410 });
    const file = await runCliJson(FileInspectionSchema, ['models', 'inspect', model('multi-dtype.onnx')]);
    expect(file.inspection.inputs.map((i) => `${i.name}:${i.elementType}`)).toEqual([
      'x:float32',
      'scale:float64',
      'flags:bool',
    ]);
  });

  it('stages, annotates and removes versions', async () => {
    const h = tempDir();
    await runCli(['models', 'import', model('digits-mlp-v1.onnx'), '--name', 'd', '--home', h]);
    expect((await runCli(['models', 'stage', 'd:1', 'production', '--home', h])).stdout).toBe(
      'd:1 is now production\n',
    );
    expect((await runCliJson(ModelVersionSchema, ['models', 'notes', 'd:1', 'first cut', '--home', h])).notes).toBe(
      'first cut',
    );
    const staged = await runCliJson(ModelVersionSchema, ['models', 'stage', 'd:1', 'staging', '--home', h]);
    expect(staged).toMatchObject({ model: 'd', version: 1, stage: 'staging', notes: 'first cut' });
    // The demo library's digits-mlp:1 has the same bytes, so the file stays.
    expect((await runCli(['models', 'remove', 'd:1', '--home', h])).stdout).toBe(
      'removed d:1 (its file stays: another version has the same bytes)\n',
    );
    expect((await runCliJson(ModelListSchema, ['models', 'list', '--home', h])).map((m) => m.name)).not.toContain('d');
    // The last version with these bytes takes its file with it.
    const removed = await runCliJson(RemoveResultSchema, ['models', 'remove', 'digits-mlp:1', '--home', h]);
    expect(removed).toMatchObject({ removed: { model: 'digits-mlp', version: 1, stage: 'production' } });
    expect(removed.fileRemoved).toBe(true);
    expect(existsSync(join(h, 'models', `${removed.removed.sha256}.onnx`))).toBe(false);
  });

  describe('bad input: one clear line on stderr and a non-zero exit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.onnx'), '');
    writeFileSync(join(dir, 'notes.onnx'), 'not a model at all\n');
    mkdirSync(join(dir, 'folder.onnx'));
    const cut = join(dir, 'cut.onnx');
    copyFileSync(model('digits-mlp-v2.onnx'), cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 20_000));
    // Its one initializer lives in a side file, as onnx.save(..., save_as_external_data=True) writes it.
    const external = join(dir, 'external.onnx');
    writeFileSync(external, externalDataModel());
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(16));

    it.each([
      [['models', 'import', join(dir, 'missing.onnx')], 1, /No file at .*missing\.onnx/],
      [['models', 'import', join(dir, 'empty.onnx')], 1, /empty\.onnx is empty/],
      [['models', 'import', join(dir, 'notes.onnx')], 1, /looks like a text file/],
      [['models', 'import', join(dir, 'folder.onnx')], 1, /is a directory/],
      [['models', 'import', cut], 1, /truncated/],
      [
        ['models', 'import', external],
        1,
        /external\.onnx keeps its weights in external data \('weights\.bin'\); Slipway imports self-contained models only\. Re-save it as one file/,
      ],
      [['models', 'import', model('digits-mlp-v1.onnx'), '--name', 'bad name'], 1, /invalid model name 'bad name'/],
      [['models', 'import', model('digits-mlp-v1.onnx'), '--version', 'two'], 1, /invalid version 'two'/],
      [['models', 'inspect', 'nosuch'], 1, /no model named 'nosuch'; the library has: cancer-logreg, digits-mlp/],
      [['models', 'inspect', 'digits-mlp:9'], 1, /digits-mlp has no version 9; its versions are 1, 2/],
      [['models', 'remove', 'digits-mlp'], 1, /name the version: 'digits-mlp:VERSION'/],
      [
        ['models', 'stage', 'digits-mlp:1', 'live'],
        1,
        /invalid stage 'live': expected one of dev, staging, production, archived/,
      ],
    ] as const)('%j', async (args, code, message) => {
      await fails([...args], code, message);
    });

    // Commander's own errors: exit 2, one line naming the --help to read, and the JSON error under --json.
    describe.each([
      [['frobnicate'], "unknown command 'frobnicate'", 'slipway'],
      [['models', 'frobnicate'], "unknown command 'frobnicate'", 'slipway models'],
      [['models', 'list', '--frob'], "unknown option '--frob'", 'slipway models list'],
      [['run'], "missing required argument 'ref'", 'slipway run'],
    ] as const)('the command line %j', (args, what, command) => {
      const expected = `${what} (run ${command} --help for usage)`;

      it('exits 2 with one line', async () => {
        const result = await runCli([...args, '--home', home]);
        expect(result).toEqual({ code: 2, stdout: '', stderr: `slipway: error: ${expected}\n` });
      });

      it('exits 2 with the JSON error under --json', async () => {
        const result = await runCli([...args, '--json', '--home', home]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(CliErrorSchema.parse(JSON.parse(result.stderr))).toEqual({
          error: { code: 'usage', message: expected },
        });
      });
    });

    it('a misspelt option gets the suggestion on the same line', async () => {
      await fails(
        ['models', 'list', '--jsn'],
        2,
        /^slipway: error: unknown option '--jsn'; did you mean --json\? \(run/,
      );
    });

    it('a library from a newer Slipway exits 4 and is left alone', async () => {
      const h = tempDir();
      await runCli(['models', 'list', '--home', h]);
      const db = new Database(join(h, 'slipway.db'));
      db.pragma('user_version = 99');
      db.close();
      await fails(['models', 'list'], 4, /newer Slipway: its schema is version 99/, h);
    });

    it('errors are JSON on stderr with --json', async () => {
      const result = await runCli(['models', 'inspect', 'nosuch', '--json', '--home', home]);
      expect(result.code).toBe(1);
      expect(CliErrorSchema.parse(JSON.parse(result.stderr))).toEqual({
        error: { code: 'not-found', message: expect.stringMatching(/^no model named 'nosuch'/) },
      });
    });
  });
});

describe('slipway run', () => {
  it('runs synthetic inputs and reports provider, shapes and time', async () => {
    const result = await cli('run', 'digits-mlp', '--random', '--seed', '3');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^digits-mlp:2 on cpu \(auto: .* below 4\.00 MB/);
    expect(lines[1]).toBe('inputs: pixels float32 [1, 64]  (defaults: batch=1; bind with --dim)');
    expect(result.stdout).toMatch(/ {2}logits float32 \[1, 10\]: \[/);
    expect(result.stdout).toMatch(/time: [\d.]+ (µs|ms) for 1 run, session\.run/);
  });

  it("defaults to the app's default provider (Settings, as Try it does); --ep overrides it", async () => {
    const h = tempDir();
    const engine = Engine.open({ home: h, resourcesDir: null });
    try {
      engine.library.importModel(model('digits-mlp-v1.onnx'), { name: 'd' });
      engine.settings.update({ defaultProvider: 'cpu' });
    } finally {
      await engine.close();
    }
    const run = (...extra: string[]) => runCliJson(RunResultSchema, ['run', 'd', '--zeros', ...extra, '--home', h]);
    expect((await run()).provider).toEqual({ requested: 'cpu', actual: 'cpu', reason: 'cpu requested' });
    expect((await run('--ep', 'auto')).provider).toMatchObject({ requested: 'auto', actual: 'cpu' });
  });

  it('binds symbolic dims and repeats for timing', async () => {
    const r = await json(
      RunResultSchema,
      'run',
      'text-classifier',
      '--zeros',
      '--dim',
      'batch=2',
      '--dim',
      'sequence=16',
      '--repeat',
      '3',
    );
    expect(r.inputs).toEqual([
      { name: 'input_ids', elementType: 'int64', shape: [2, 16] },
      { name: 'attention_mask', elementType: 'int64', shape: [2, 16] },
    ]);
    expect(r.outputs[0]).toMatchObject({ name: 'logits', elementType: 'float32', shape: [2, 4] });
    expect(r.timing.runs).toBe(3);
    expect(r.timing.minMs).toBeLessThanOrEqual(r.timing.medianMs);
    expect(r.provider).toMatchObject({ requested: 'auto', actual: 'cpu' });
  });

  it('runs rows of a .jsonl replay file stacked into a batch, with exact multi-dtype outputs', async () => {
    const rows = readFileSync(data('multi_dtype_samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 4)
      .map((l) => (JSON.parse(l) as { inputs: { x: number[]; scale: number[]; flags: boolean[] } }).inputs);
    const r = await json(
      RunResultSchema,
      'run',
      'multi-dtype',
      '--input',
      data('multi_dtype_samples.jsonl'),
      '--batch',
      '4',
    );
    const out = Object.fromEntries(r.outputs.map((o) => [o.name, o.data])) as {
      y: number[][];
      count: number[];
      mask: number[][];
    };
    rows.forEach((row, i) => {
      const mask = row.x.map((x, j) => (row.flags[j] && x > 0 ? 1 : 0));
      expect(out.mask[i]).toEqual(mask);
      expect(out.count[i]).toBe(mask.reduce<number>((a, b) => a + b, 0));
      out.y[i]!.forEach((y, j) =>
        expect(y).toBeCloseTo(mask[j] ? Math.fround(row.x[j]! * Math.fround(row.scale[0]!)) : 0, 5),
      );
    });
  });

  it('runs a .json request file with full shapes, and fetches selected outputs', async () => {
    const dir = tempDir();
    const row = JSON.parse(readFileSync(data('cancer_live_same.jsonl'), 'utf8').split('\n')[0]!) as {
      inputs: { features: number[] };
      label: number;
    };
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify({ inputs: { features: [row.inputs.features] } }));
    const r = await json(RunResultSchema, 'run', 'cancer-logreg:1', '--input', file, '--output', 'label');
    expect(r.outputs).toEqual([{ name: 'label', elementType: 'int64', shape: [1], data: [expect.any(Number)] }]);
  });

  describe('bad inputs', () => {
    const dir = tempDir();
    const request = (name: string, inputs: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ inputs }));
      return file;
    };
    const row = (n: number) => Array.from({ length: n }, () => 0.5);
    it.each([
      [
        ['run', 'digits-mlp', '--input', request('name.json', { pixel: [row(64)] })],
        1,
        /unknown input 'pixel'.*did you mean 'pixels'/,
      ],
      [
        ['run', 'text-classifier', '--input', request('missing.json', { input_ids: [[1, 2]] })],
        1,
        /missing input 'attention_mask'/,
      ],
      [
        ['run', 'digits-mlp', '--input', request('rank.json', { pixels: [[row(64)]] })],
        1,
        /input 'pixels': rank 3 given, the model expects rank 2/,
      ],
      [
        ['run', 'digits-mlp', '--input', request('dim.json', { pixels: [row(63)] })],
        1,
        /input 'pixels': expected 64 values in dim 1, got 63/,
      ],
      [
        ['run', 'digits-mlp', '--input', request('ragged.json', { pixels: [row(64), row(63)] })],
        1,
        /input 'pixels': .*ragged|expected 64 values/,
      ],
      [
        ['run', 'digits-mlp', '--input', request('nan.json', { pixels: [[...row(63), 'abc']] })],
        1,
        /input 'pixels' \[0\]\[63\]: "abc" is not a number/,
      ],
      [
        [
          'run',
          'multi-dtype',
          '--input',
          request('range.json', { x: [[1, 2, 3, 4]], scale: [[1]], flags: [[true, false, 2, true]] }),
        ],
        1,
        /input 'flags' \[0\]\[2\]: .*bool/,
      ],
      [
        ['run', 'text-classifier', '--input', request('int.json', { input_ids: [[1.5]], attention_mask: [[1]] })],
        1,
        /input 'input_ids' \[0\]\[0\]: 1\.5 is not an integer/,
      ],
      [
        [
          'run',
          'text-classifier',
          '--input',
          request('big.json', { input_ids: [['9223372036854775808']], attention_mask: [[1]] }),
        ],
        1,
        /out of range for int64/,
      ],
      [['run', 'digits-mlp'], 1, /give exactly one of --input FILE, --random or --zeros/],
      [['run', 'digits-mlp', '--random', '--zeros'], 1, /give exactly one of/],
      [['run', 'digits-mlp', '--random', '--dim', 'batch'], 1, /invalid --dim 'batch': expected NAME=SIZE/],
      [['run', 'digits-mlp', '--random', '--dim', 'seq=4'], 1, /seq/],
      [['run', 'digits-mlp', '--input', join(dir, 'nope.json')], 1, /cannot read --input .*nope\.json: ENOENT/],
      [
        ['run', 'digits-mlp', '--input', request('x.txt', 1).replace('x.txt', 'x.txt')],
        1,
        /expected an object of inputs/,
      ],
      [
        ['run', 'digits-mlp', '--random', '--output', 'probs'],
        1,
        /unknown output 'probs'; the model's outputs are: logits, probabilities/,
      ],
      [['run', 'nosuch', '--random'], 1, /no model named 'nosuch'/],
      [['run', 'digits-mlp', '--random', '--ep', 'GPU!'], 1, /invalid --ep 'GPU!'/],
    ] as const)('%j', async (args, code, message) => {
      await fails([...args], code, message);
    });

    it('a provider that cannot start here exits 3 with its reason', async () => {
      const providers = await runCliJson(ProviderListSchema, ['providers']);
      const broken = providers.find((p) => !p.available);
      if (!broken) return; // every provider works here
      await fails(
        ['run', 'digits-mlp', '--random', '--ep', broken.name],
        3,
        new RegExp(`${broken.name} cannot start here: `),
      );
    });
  });
});

describe('slipway providers and info', () => {
  it('lists every provider with whether it works and why not', async () => {
    const statuses = await runCliJson(ProviderListSchema, ['providers']);
    expect(statuses[0]).toMatchObject({ name: 'cpu', available: true, bundled: true, kind: 'cpu' });
    for (const s of statuses) if (!s.available) expect(s.reason).toBeTruthy();
    const table = await runCli(['providers']);
    expect(table.stdout).toMatch(/^PROVIDER\s+KIND\s+BUNDLED\s+WORKS\s+DETAIL\ncpu\s+cpu\s+yes\s+yes\s+session in/);
  });

  it('info tells where the library is and what is in it', async () => {
    const info = await json(LibraryInfoSchema, 'info');
    expect(info).toMatchObject({ home, models: 6, versions: 8 });
    expect(info.providers.some((p) => p.name === 'cpu' && p.available)).toBe(true);
  });

  it('--home may come before the command, and SLIPWAY_HOME works', async () => {
    const before = await runCliJson(ModelListSchema, ['--home', home, 'models', 'list']);
    const env = await runCliJson(ModelListSchema, ['models', 'list'], { SLIPWAY_HOME: home });
    expect(env).toEqual(before);
  });
});
