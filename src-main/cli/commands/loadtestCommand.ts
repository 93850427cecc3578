// `slipway loadtest`: traffic of any shape against a library model (its local endpoint, or the in-process
// runtime) or any KServe V2 URL, latency timed from the intended send, a live progress line, an HTML/CSV
// report; `--find-capacity` searches the highest rate meeting a p99 budget. `loadtest runs|report|compare`
// read stored runs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Command } from 'commander';
import type {
  LoadInputs,
  LoadRun,
  LoadSummary,
  LoadTarget,
  LoadTestConfigInput,
  Percentiles,
  RunComparison,
  SegmentInput,
  ShapeInput,
} from '../../../src-shared/contract';
import { formatDuration } from '../../../src-shared/units';
import { parseModelRef } from '../../engine/library/modelName';
import { LoadTestService, type LoadReportFormat } from '../../engine/loadtest/loadTestService';
import { UserError } from '../../engine/userError';
import { collect, integerOption, parseTime } from '../optionParsers';
import { table } from '../output';
import type { RunAction } from '../runAction';
import { withCancel } from '../withCancel';
import { withEngine } from '../withEngine';

interface LoadtestFlags {
  model?: string;
  target: string;
  url?: string;
  modelName?: string;
  modelVersion?: string;
  header: string[];
  shape?: string;
  shapeFile?: string;
  duration?: number;
  arrivals?: string;
  rate?: number;
  from?: number;
  to?: number;
  step?: number;
  count?: number;
  stepDuration?: number;
  base?: number;
  peak?: number;
  before?: number;
  rise?: number;
  hold?: number;
  fall?: number;
  after?: number;
  mean?: number;
  amplitude?: number;
  period?: number;
  phase?: number;
  on?: number;
  off?: number;
  offRate?: number;
  trace?: string;
  gaps?: boolean;
  speedup?: number;
  loops?: number;
  concurrency?: number[];
  seed: number;
  inputs: string;
  dim: Record<string, number>;
  variants?: number;
  binary?: boolean;
  connections?: number;
  timeout?: number;
  findCapacity?: boolean;
  p99?: number;
  startRate?: number;
  maxRate?: number;
  window?: number;
  name?: string;
  report?: string;
  csv?: string;
}

const SHAPES = ['constant', 'ramp', 'steps', 'spike', 'sine', 'poisson', 'bursts', 'trace', 'concurrency'] as const;
const DEFAULT_SECONDS = 10;

export function registerLoadtestCommand(program: Command, act: RunAction): void {
  const loadtest = program
    .command('loadtest')
    .description('load-test a model: traffic shapes, latency from the intended send, capacity search, reports')
    .addHelpText(
      'after',
      `
Examples:
  slipway loadtest --model digits-mlp --rate 200 --duration 30s
  slipway loadtest --model digits-mlp --shape spike --base 50 --peak 400 --duration 60s --report spike.html
  slipway loadtest --url http://host:8000 --model-name resnet --header 'Authorization: Bearer KEY' --rate 20
  slipway loadtest --model squeezenet1_1 --target runtime --shape concurrency --concurrency 1,2,4,8
  slipway loadtest --model digits-mlp --find-capacity --p99 20ms

Times take a unit: 500ms, 30s, 2m, 1h (a bare number is seconds; for --p99, milliseconds).
Latency is reported corrected (from the intended send time: what a caller on that schedule waited) and
uncorrected (from the actual send, as most tools report). Runs are stored: see \`slipway loadtest runs\`.`,
    )
    .option('--model <ref>', 'library model NAME or NAME:VERSION (default version: production, else latest)')
    .option(
      '--target <kind>',
      'with --model: endpoint (a local KServe V2 endpoint) or runtime (in-process, no HTTP)',
      'endpoint',
    )
    .option('--url <url>', 'any KServe V2 endpoint, e.g. http://127.0.0.1:8000 (with --model-name)')
    .option('--model-name <name>', 'the model at --url')
    .option('--model-version <v>', 'the version at --url (default: the server picks)')
    .option('--header <"K: V">', 'a header sent with every request to --url, e.g. an API key (repeatable)', collect, [])
    .option('--shape <kind>', `traffic shape: ${SHAPES.join(', ')} (default constant)`)
    .option('--shape-file <file>', 'a full shape as JSON: {"segments": [...], "seed": N}, for composed shapes')
    .option('--duration <time>', `length of the shape (default ${DEFAULT_SECONDS}s)`, seconds('--duration'))
    .option('--arrivals <kind>', 'uniform (exactly spaced, as wrk2) or poisson', undefined)
    .option('--rate <n>', 'requests/s (constant, poisson, bursts)', number('--rate'))
    .option('--from <n>', 'ramp/steps: starting requests/s', number('--from'))
    .option('--to <n>', 'ramp: final requests/s', number('--to'))
    .option('--step <n>', 'steps: requests/s added at each step', number('--step'))
    .option('--count <n>', 'steps: number of steps', integerOption('--count', 1, 10_000))
    .option(
      '--step-duration <time>',
      'steps and concurrency levels: length of each (default: duration / count)',
      seconds('--step-duration'),
    )
    .option('--base <n>', 'spike: requests/s before and after', number('--base'))
    .option('--peak <n>', 'spike: requests/s at the top', number('--peak'))
    .option('--before <time>', 'spike: time at base before the rise', seconds('--before'))
    .option('--rise <time>', 'spike: time from base to peak', seconds('--rise'))
    .option('--hold <time>', 'spike: time at peak', seconds('--hold'))
    .option('--fall <time>', 'spike: time from peak back to base', seconds('--fall'))
    .option('--after <time>', 'spike: time at base after the fall', seconds('--after'))
    .option('--mean <n>', 'sine: mean requests/s', number('--mean'))
    .option('--amplitude <n>', 'sine: swing around the mean, requests/s', number('--amplitude'))
    .option('--period <time>', 'sine: length of one cycle (default: the duration)', seconds('--period'))
    .option('--phase <radians>', 'sine: phase at the start', number('--phase'))
    .option('--on <time>', 'bursts: length of each burst', seconds('--on'))
    .option('--off <time>', 'bursts: pause between bursts', seconds('--off'))
    .option('--off-rate <n>', 'bursts: requests/s during pauses (default 0)', number('--off-rate'))
    .option('--trace <file>', 'trace: send times in seconds (one per line, or a JSON array)')
    .option('--gaps', 'trace: the file holds gaps between sends, not timestamps')
    .option('--speedup <x>', 'trace: play it this many times faster', number('--speedup'))
    .option('--loops <n>', 'trace: play it this many times', integerOption('--loops', 1, 1_000_000))
    .option('--concurrency <list>', 'concurrency: closed-loop levels, e.g. 1,2,4,8', levels)
    .option('--seed <n>', 'seed for Poisson arrivals and random inputs', integerOption('--seed', 0), 1)
    .option('--inputs <source>', 'random, zeros, or a replay FILE.jsonl / FILE.csv (rows cycled)', 'random')
    .option(
      '--dim <name=size>',
      'size of a symbolic dim for synthetic inputs, e.g. --dim batch=8 (repeatable)',
      collectDim,
      {},
    )
    .option(
      '--variants <n>',
      'distinct synthetic requests to cycle (default 16)',
      integerOption('--variants', 1, 10_000),
    )
    .option('--binary', "send tensors in Triton's binary form instead of JSON")
    .option(
      '--connections <n>',
      'most requests in flight / HTTP connections (default 128)',
      integerOption('--connections', 1, 10_000),
    )
    .option('--timeout <time>', 'client-side timeout per request (default 30s)', seconds('--timeout'))
    .option('--find-capacity', 'search the highest rate whose corrected p99 meets --p99 (instead of a shape)')
    .option('--p99 <time>', 'with --find-capacity: the latency budget, e.g. 50ms', milliseconds('--p99'))
    .option('--start-rate <n>', 'with --find-capacity: first rate tried (default 10)', number('--start-rate'))
    .option('--max-rate <n>', 'with --find-capacity: highest rate tried (default 100000)', number('--max-rate'))
    .option(
      '--window <time>',
      'with --find-capacity: length of each measurement window (default 1s)',
      seconds('--window'),
    )
    .option('--name <text>', 'a name for the run (default: target and shape)')
    .option('--report <file>', 'write the HTML report (self-contained, charts included) here')
    .option('--csv <file>', 'write the per-second figures as CSV here')
    .action(function (this: Command) {
      return act(this, async (out, opts) => {
        const flags = this.opts<LoadtestFlags>();
        const config = buildConfig(flags);
        await withEngine(opts, out, async (engine) => {
          const totals = { errors: 0, seconds: new Map<number, number>() };
          const service = new LoadTestService(engine, {
            onTick: (tick) => out.progress(progressLine(tick, totals)),
          });
          const started = await service.start(config);
          const run = await withCancel(out, (signal) => {
            signal.addEventListener('abort', () => {
              out.endProgress();
              if (!out.json) process.stderr.write('slipway: cancelling; waiting for answers in flight…\n');
              service.cancel(started.id);
            });
            // Announced only once Ctrl-C cancels: whoever reads the line may interrupt at once.
            if (!out.json) process.stderr.write(`slipway: load test ${started.id}: ${started.name}\n`);
            return service.wait(started.id);
          });
          const written: string[] = [];
          if (flags.report) written.push(writeFileAtomic(flags.report, service.report(run.id, 'html').body));
          if (flags.csv) written.push(writeFileAtomic(flags.csv, service.report(run.id, 'csv').body));
          if (run.state === 'failed') throw new UserError('unavailable', `the load test failed: ${run.error}`);
          out.result(run, (r) => renderRun(r, written));
          if (run.state === 'cancelled') {
            throw new UserError('cancelled', `the load test was cancelled; what it measured is stored as ${run.id}`);
          }
        });
      });
    });

  loadtest
    .command('runs')
    .description('list stored load-test runs, newest first')
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const runs = new LoadTestService(engine).list();
          out.result(runs, (list) =>
            list.length === 0
              ? 'no load-test runs yet: start one with `slipway loadtest --model NAME --rate N`'
              : table(
                  ['ID', 'CREATED', 'STATE', 'NAME', 'REQUESTS', 'ACHIEVED/S', 'P99 (CORRECTED)'],
                  list.map((r) => [
                    r.id,
                    r.createdAt.replace('T', ' ').slice(0, 19),
                    r.state,
                    r.name,
                    r.summary ? String(r.summary.requests) : '',
                    r.summary ? r.summary.achievedRate.toFixed(1) : '',
                    r.summary?.corrected.p99 != null ? formatDuration(r.summary.corrected.p99) : '',
                  ]),
                ),
          );
        }),
      );
    });

  loadtest
    .command('report')
    .description('write a stored run as a self-contained HTML report, CSV or JSON')
    .argument('<id>', 'run id (see `slipway loadtest runs`)')
    .option('--format <format>', 'html, csv or json', 'html')
    .option('--out <file>', 'where to write it (default: standard output)')
    .action(function (this: Command, id: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          const { format, out: file } = this.opts<{ format: string; out?: string }>();
          if (format !== 'html' && format !== 'csv' && format !== 'json') {
            throw new UserError('bad-input', `invalid --format '${format}': expected html, csv or json`);
          }
          const report = new LoadTestService(engine).report(id, format as LoadReportFormat);
          if (!file) {
            process.stdout.write(report.body.endsWith('\n') ? report.body : `${report.body}\n`);
            return;
          }
          const path = writeFileAtomic(file, report.body);
          out.result({ id, format, file: path }, (r) => `wrote the ${r.format} report of ${r.id} to ${r.file}`);
        }),
      );
    });

  loadtest
    .command('compare')
    .description('compare stored runs against the first: p99 ratio with a bootstrap interval, throughput, errors')
    .argument('<ids...>', 'two or more run ids')
    .action(function (this: Command, ids: string[]) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => {
          if (ids.length < 2) throw new UserError('bad-input', 'compare needs at least two run ids');
          out.result(new LoadTestService(engine).compare(ids), renderComparison);
        }),
      );
    });
}

// ---------------------------------------------------------------------------------------------------------
// Flags → config

function buildConfig(flags: LoadtestFlags): LoadTestConfigInput {
  const config: LoadTestConfigInput = {
    target: buildTarget(flags),
    inputs: buildInputs(flags),
    protocol: flags.binary ? 'binary' : 'json',
  };
  if (flags.name !== undefined) config.name = flags.name;
  if (flags.timeout !== undefined) config.timeoutMs = Math.max(1, Math.round(flags.timeout * 1000));
  if (flags.connections !== undefined) config.connections = flags.connections;
  if (flags.findCapacity) {
    if (flags.p99 === undefined) throw new UserError('bad-input', '--find-capacity needs a latency budget: --p99 50ms');
    config.capacity = {
      budgetMs: flags.p99,
      ...(flags.startRate !== undefined ? { startRate: flags.startRate } : {}),
      ...(flags.maxRate !== undefined ? { maxRate: flags.maxRate } : {}),
      ...(flags.window !== undefined ? { windowSeconds: flags.window } : {}),
    };
    // A shape only when one was asked for explicitly (the service then says they do not go together).
    if (flags.shape !== undefined || flags.shapeFile !== undefined) config.shape = buildShape(flags);
  } else {
    if (flags.p99 !== undefined)
      throw new UserError('bad-input', '--p99 is the budget of --find-capacity; add --find-capacity');
    config.shape = buildShape(flags);
  }
  return config;
}

function buildTarget(flags: LoadtestFlags): LoadTarget | LoadTestConfigInput['target'] {
  if (flags.url !== undefined) {
    if (flags.model !== undefined)
      throw new UserError('bad-input', 'give --model (a library model) or --url, not both');
    if (!flags.modelName) throw new UserError('bad-input', '--url needs --model-name: the model to load-test there');
    return {
      kind: 'url',
      url: flags.url,
      modelName: flags.modelName,
      ...(flags.modelVersion ? { modelVersion: flags.modelVersion } : {}),
      headers: parseHeaders(flags.header),
    };
  }
  if (flags.model === undefined) {
    throw new UserError('bad-input', 'give --model NAME[:VERSION] (a library model) or --url URL --model-name NAME');
  }
  if (flags.modelName !== undefined || flags.header.length > 0) {
    throw new UserError('bad-input', '--model-name and --header go with --url');
  }
  if (flags.target !== 'endpoint' && flags.target !== 'runtime') {
    throw new UserError('bad-input', `invalid --target '${flags.target}': expected endpoint or runtime`);
  }
  const ref = parseModelRef(flags.model);
  return { kind: flags.target, model: ref.name, ...(ref.version !== undefined ? { version: ref.version } : {}) };
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UserError(
        'bad-input',
        `invalid --header '${line}': expected 'Name: value', e.g. 'Authorization: Bearer KEY'`,
      );
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function buildInputs(flags: LoadtestFlags): LoadInputs | LoadTestConfigInput['inputs'] {
  if (flags.inputs === 'random' || flags.inputs === 'zeros') {
    return {
      kind: 'synthetic',
      fill: flags.inputs,
      dims: flags.dim,
      seed: flags.seed,
      ...(flags.variants !== undefined ? { variants: flags.variants } : {}),
    };
  }
  if (Object.keys(flags.dim).length > 0 || flags.variants !== undefined) {
    throw new UserError('bad-input', '--dim and --variants shape synthetic inputs; a replay file brings its own');
  }
  return { kind: 'replay', file: flags.inputs };
}

function need<T>(value: T | undefined, flag: string, shape: string): T {
  if (value === undefined) throw new UserError('bad-input', `--shape ${shape} needs ${flag}`);
  return value;
}

function buildShape(flags: LoadtestFlags): ShapeInput {
  if (flags.shapeFile !== undefined) {
    if (flags.shape !== undefined) throw new UserError('bad-input', 'give --shape or --shape-file, not both');
    return readShapeFile(flags.shapeFile, flags.seed);
  }
  const kind = flags.shape ?? 'constant';
  if (!(SHAPES as readonly string[]).includes(kind)) {
    throw new UserError('bad-input', `invalid --shape '${kind}': expected one of ${SHAPES.join(', ')}`);
  }
  if (kind === 'constant' && flags.rate === undefined) {
    throw new UserError(
      'bad-input',
      'give a rate (--rate N requests/s), another shape (--shape spike, ramp, …), or --find-capacity --p99 BUDGET',
    );
  }
  const duration = flags.duration ?? DEFAULT_SECONDS;
  const arrivals = parseArrivals(flags.arrivals);
  const withArrivals = arrivals ? { arrivals } : {};
  let segment: SegmentInput;
  switch (kind as (typeof SHAPES)[number]) {
    case 'constant':
      segment = { kind: 'constant', rate: flags.rate!, duration, ...withArrivals };
      break;
    case 'poisson':
      segment = { kind: 'poisson', rate: need(flags.rate, '--rate', kind), duration };
      break;
    case 'ramp':
      segment = {
        kind: 'ramp',
        from: need(flags.from, '--from', kind),
        to: need(flags.to, '--to', kind),
        duration,
        ...withArrivals,
      };
      break;
    case 'steps': {
      const count = need(flags.count, '--count', kind);
      segment = {
        kind: 'steps',
        from: need(flags.from, '--from', kind),
        step: need(flags.step, '--step', kind),
        count,
        stepDuration: flags.stepDuration ?? duration / count,
        ...withArrivals,
      };
      break;
    }
    case 'spike':
      segment = {
        kind: 'spike',
        base: need(flags.base, '--base', kind),
        peak: need(flags.peak, '--peak', kind),
        ...spikePhases(flags, duration),
        ...withArrivals,
      };
      break;
    case 'sine':
      segment = {
        kind: 'sine',
        mean: need(flags.mean, '--mean', kind),
        amplitude: need(flags.amplitude, '--amplitude', kind),
        period: flags.period ?? duration,
        ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
        duration,
        ...withArrivals,
      };
      break;
    case 'bursts':
      segment = {
        kind: 'bursts',
        rate: need(flags.rate, '--rate', kind),
        on: need(flags.on, '--on', kind),
        off: need(flags.off, '--off', kind),
        ...(flags.offRate !== undefined ? { offRate: flags.offRate } : {}),
        duration,
        ...withArrivals,
      };
      break;
    case 'trace':
      segment = {
        kind: 'trace',
        times: readTraceFile(need(flags.trace, '--trace FILE', kind)),
        format: flags.gaps ? 'gaps' : 'timestamps',
        ...(flags.speedup !== undefined ? { speedup: flags.speedup } : {}),
        ...(flags.loops !== undefined ? { loops: flags.loops } : {}),
      };
      break;
    case 'concurrency': {
      const list = need(flags.concurrency, '--concurrency 1,2,4,…', kind);
      const each = flags.stepDuration ?? duration / list.length;
      segment = { kind: 'concurrency', levels: list.map((concurrency) => ({ concurrency, duration: each })) };
      break;
    }
  }
  return { segments: [segment], seed: flags.seed };
}

/** Phases not given share what --duration leaves in the proportions 6 : 1 : 6 : 1 : 6 (before, rise, hold, …). */
function spikePhases(flags: LoadtestFlags, duration: number) {
  const weights = { before: 6, rise: 1, hold: 6, fall: 1, after: 6 } as const;
  const names = Object.keys(weights) as (keyof typeof weights)[];
  const given = names.filter((n) => flags[n] !== undefined);
  const used = given.reduce((s, n) => s + flags[n]!, 0);
  const left = duration - used;
  const open = names.filter((n) => flags[n] === undefined);
  if (open.length > 0 && left <= 0) {
    throw new UserError(
      'bad-input',
      `the spike's phases (${given.map((n) => `--${n}`).join(', ')}) already take ${used} s of --duration ${duration} s; lengthen --duration or give every phase`,
    );
  }
  const weight = open.reduce((s, n) => s + weights[n], 0);
  const phases = {} as Record<keyof typeof weights, number>;
  for (const n of names) phases[n] = flags[n] ?? (left * weights[n]) / weight;
  return phases;
}

function parseArrivals(value: string | undefined): 'uniform' | 'poisson' | undefined {
  if (value === undefined || value === 'uniform' || value === 'poisson') return value;
  throw new UserError('bad-input', `invalid --arrivals '${value}': expected uniform or poisson`);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'not-found',
      `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
    );
  }
}

function readShapeFile(path: string, seed: number): ShapeInput {
  const text = readText(path, '--shape-file');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UserError('bad-input', `--shape-file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { segments?: unknown }).segments)) {
    throw new UserError('bad-input', `--shape-file ${path}: expected {"segments": [{"kind": "constant", ...}, ...]}`);
  }
  const shape = doc as ShapeInput;
  return shape.seed === undefined ? { ...shape, seed } : shape;
}

/** Send times in seconds: numbers separated by newlines, commas or spaces (# starts a comment), or a JSON array. */
export function readTraceFile(path: string): number[] {
  const text = readText(path, '--trace');
  if (text.trimStart().startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new UserError('bad-input', `--trace ${path} is not a valid JSON array: ${(error as Error).message}`);
    }
    const list = doc as unknown[];
    const bad = list.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new UserError('bad-input', `--trace ${path}: value ${bad + 1} is not a number of seconds`);
    return list as number[];
  }
  const times: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    for (const token of line.split(/[\s,;]+/)) {
      if (token === '') continue;
      const value = Number(token);
      if (!Number.isFinite(value)) {
        throw new UserError('bad-input', `--trace ${path} line ${index + 1}: '${token}' is not a number of seconds`);
      }
      times.push(value);
    }
  });
  if (times.length === 0) throw new UserError('bad-input', `--trace ${path} holds no send times`);
  return times;
}

// ---------------------------------------------------------------------------------------------------------
// Option parsers

function number(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new UserError('bad-input', `invalid ${flag} '${value}': expected a number`);
    return n;
  };
}

function seconds(flag: string): (value: string) => number {
  return (value) => parseTime(value, flag, 's') / 1000;
}

function milliseconds(flag: string): (value: string) => number {
  return (value) => parseTime(value, flag, 'ms');
}

function levels(value: string): number[] {
  const list = value.split(',').map((v) => v.trim());
  if (list.length === 0 || list.some((v) => !/^\d+$/.test(v) || Number(v) < 1)) {
    throw new UserError('bad-input', `invalid --concurrency '${value}': expected levels such as 1,2,4,8`);
  }
  return list.map(Number);
}

function collectDim(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([^=\s]+)=(\d+)$/.exec(value);
  if (!match || Number(match[2]) < 1)
    throw new UserError('bad-input', `invalid --dim '${value}': expected NAME=SIZE with SIZE ≥ 1, e.g. batch=8`);
  return { ...previous, [match[1]!]: Number(match[2]) };
}

// ---------------------------------------------------------------------------------------------------------
// Output

export function writeFileAtomic(path: string, body: string): string {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, body);
    renameSync(temp, path);
  } catch (error) {
    throw new UserError(
      'bad-input',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return path;
}

function progressLine(
  tick: {
    elapsedSeconds: number;
    progress: number | null;
    interval: {
      second: number;
      offered: number;
      completed: number;
      statuses: Record<string, number>;
      corrected: Percentiles;
    };
  },
  totals: { errors: number; seconds: Map<number, number> },
): string {
  const i = tick.interval;
  const errors = Object.entries(i.statuses).reduce((n, [k, v]) => (k === 'ok' || k === 'degraded' ? n : n + v), 0);
  totals.errors += errors - (totals.seconds.get(i.second) ?? 0);
  totals.seconds.set(i.second, errors);
  const progress = tick.progress === null ? '' : ` (${Math.round(tick.progress * 100)}%)`;
  const p99 = i.corrected.p99 === null ? '–' : formatDuration(i.corrected.p99);
  return (
    `${Math.floor(tick.elapsedSeconds)}s${progress} · offered ${i.offered}/s · achieved ${i.completed}/s` +
    ` · p99 ${p99} (corrected) · errors ${totals.errors}`
  );
}

function fmt(ms: number | null): string {
  return ms === null ? '–' : formatDuration(ms);
}

function latencyRow(name: string, p: Percentiles, note: string): string[] {
  return [name, fmt(p.p50), fmt(p.p90), fmt(p.p99), fmt(p.p999), fmt(p.max), note];
}

function renderSummary(s: LoadSummary): string[] {
  const statuses = Object.entries(s.statuses)
    .sort(([a], [b]) => (a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b)))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `  ${s.requests} requests in ${s.durationSeconds.toFixed(1)} s · offered ${s.offeredRate.toFixed(1)}/s · achieved ${s.achievedRate.toFixed(1)}/s`,
    `  outcomes: ${statuses || 'none'}`,
    '',
    table(
      ['  LATENCY', 'P50', 'P90', 'P99', 'P99.9', 'MAX', ''],
      [
        latencyRow('  corrected', s.corrected, 'from the intended send: what callers on the schedule waited'),
        latencyRow('  uncorrected', s.uncorrected, 'from the actual send: what most tools report'),
        latencyRow('  send lag', s.sendLag, 'how late the generator sent'),
      ],
    ),
  ];
  if (s.generatorBound) {
    lines.push(
      '',
      `  warning: ${(s.lateSendShare * 100).toFixed(1)}% of sends left over 1 ms late: the generator, not the target, limited this run`,
    );
  }
  const c = s.capacity;
  if (c) {
    const rate = (r: number | null) => (r === null ? 'not found' : `${r.toFixed(1)} req/s`);
    lines.push(
      '',
      `  capacity at p99 ≤ ${c.budgetMs} ms: ${rate(c.capacityRate)} · saturation ${rate(c.saturationRate)} · knee ${rate(c.kneeRate)}`,
      table(
        ['  OFFERED/S', 'ACHIEVED/S', 'P50', 'P99', 'WINDOWS', 'STABLE', 'MEETS BUDGET'],
        c.levels.map((l) => [
          `  ${l.offeredRate.toFixed(1)}`,
          l.achievedRate.toFixed(1),
          fmt(l.p50Ms),
          fmt(l.p99Ms),
          String(l.windows),
          l.stable ? 'yes' : 'no',
          l.meetsBudget ? 'yes' : 'no',
        ]),
      ),
    );
  }
  return lines;
}

function renderRun(run: LoadRun, written: string[]): string {
  const lines = [`${run.name} · ${run.targetLabel} · ${run.state} · run ${run.id}`];
  if (run.summary) lines.push(...renderSummary(run.summary));
  for (const file of written) lines.push(`wrote ${file}`);
  return lines.join('\n');
}

function renderComparison(c: RunComparison): string {
  return table(
    ['ID', 'NAME', 'P99', 'P99 RATIO (95% CI)', 'THROUGHPUT', 'VERDICT'],
    c.runs.map((r, i) => {
      const d = c.deltas[i]!;
      const ratio =
        d.p99Ratio === null
          ? '–'
          : `${d.p99Ratio.toFixed(2)}×${d.p99RatioLow !== null && d.p99RatioHigh !== null ? ` (${d.p99RatioLow.toFixed(2)}–${d.p99RatioHigh.toFixed(2)})` : ''}`;
      return [
        r.id,
        r.name,
        fmt(r.summary.corrected.p99),
        ratio,
        d.achievedRateRatio === null ? '–' : `${d.achievedRateRatio.toFixed(2)}×`,
        d.verdict,
      ];
    }),
  );
}
