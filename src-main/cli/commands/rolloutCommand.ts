// `slipway rollout`: start a rollout (this process serves both versions and drives it until it ends), look at
// one (status, history, list), act on one from any terminal (promote, pause, resume, rollback: stored in the
// library, applied within a second by the process that serves the model), and rehearse a plan offline.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type {
  GateResult,
  RehearsalConfigInput,
  RehearsalFaultInput,
  RehearsalResult,
  Rollout,
  RolloutDecision,
  RolloutPlanInput,
  ShapeInput,
} from '../../../src-shared/contract';
import { formatDuration } from '../../../src-shared/units';
import type { Engine } from '../../engine/engine';
import { parseModelRef, parseVersion } from '../../engine/library/modelName';
import { startServing } from '../../engine/servingSession';
import { describeStep } from '../../engine/traffic/rollout/rolloutController';
import { RolloutService } from '../../engine/traffic/rollout/rolloutService';
import { UserError } from '../../engine/userError';
import { integerOption, parseTime } from '../optionParsers';
import { table, type Output } from '../output';
import type { RunAction } from '../runAction';
import { withEngine } from '../withEngine';

interface ServeFlags {
  host: string;
  port: number;
  exitOnEnd?: boolean;
}

interface StartFlags extends ServeFlags {
  candidate: number;
  plan: string;
  baseline?: number;
}

interface RehearseFlags {
  candidate: number;
  plan: string;
  data: string;
  baseline?: number;
  shape?: string;
  rate?: number;
  duration?: number;
  fault: string[];
  seed: number;
  tick?: number;
  remeasure?: boolean;
  name?: string;
}

const version = (flag: string) => (value: string) => {
  try {
    return parseVersion(value);
  } catch {
    throw new UserError('bad-input', `invalid ${flag} '${value}': expected a version number (1, 2, …)`);
  }
};

export function registerRolloutCommand(program: Command, act: RunAction): void {
  const rollout = program
    .command('rollout')
    .description('roll a version out by shadow and weights with automatic gates; rehearse a plan offline');

  serveOptions(
    rollout
      .command('start <name>')
      .description('serve the baseline and the candidate here and drive a rollout until it is promoted or rolled back')
      .requiredOption('--candidate <v>', 'the version to roll out', version('--candidate'))
      .requiredOption('--plan <file>', 'the plan: JSON with steps and gates (see README)')
      .option(
        '--baseline <v>',
        'the version now serving (default: production, else the newest below the candidate)',
        version('--baseline'),
      ),
  ).action(function (this: Command, name: string) {
    return act(this, (out, opts) =>
      withEngine(opts, out, async (engine) => {
        const flags = this.opts<StartFlags>();
        // Checked by the service: anything that is not a plan is refused with where it went wrong.
        const plan = readJson(flags.plan, '--plan') as RolloutPlanInput;
        const checked = new RolloutService(engine).check({
          model: parseModelRef(name).name,
          candidate: flags.candidate,
          baseline: flags.baseline,
          plan,
        });
        // Checked before anything is served: a bad plan or an overlapping rollout says so at once.
        await driveHere(engine, out, flags, [checked.baseline, checked.candidate], checked.model, (s) => {
          s.start({ model: checked.model, candidate: checked.candidate, baseline: checked.baseline, plan });
        });
      }),
    );
  });

  rollout
    .command('status <name>')
    .description("the model's running or paused rollout (else its last one): step, route and each gate's figure")
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => out.result(new RolloutService(engine).get(name), renderStatus)),
      );
    });

  rollout
    .command('history <name>')
    .description(
      "every decision of the model's current (else last) rollout, with the numbers behind it; or give a rollout id",
    )
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) => out.result(new RolloutService(engine).history(name), renderHistory)),
      );
    });

  rollout
    .command('list [name]')
    .description('rollouts, newest first')
    .action(function (this: Command, name: string | undefined) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) =>
          out.result(new RolloutService(engine).list(name && parseModelRef(name).name), renderList),
        ),
      );
    });

  for (const [verb, description] of [
    ['promote', 'send all traffic to the candidate now and end the rollout'],
    ['pause', 'hold the rollout at its step (traffic stays as it is)'],
    ['rollback', 'candidate weight 0 and shadow off now (the candidate stays loaded)'],
  ] as const) {
    rollout
      .command(`${verb} <name>`)
      .description(description)
      .option('--reason <text>', 'why, for the history')
      .action(function (this: Command, name: string) {
        return act(this, (out, opts) =>
          withEngine(opts, out, (engine) => {
            const reason = this.opts<{ reason?: string }>().reason;
            const service = new RolloutService(engine);
            const decision = service[verb](name, reason);
            out.result(decision, (d) => renderDecisionLine(d) + drivenNote(service.get(name)));
          }),
        );
      });
  }

  serveOptions(
    rollout
      .command('resume <name>')
      .description('run the paused step again; when nothing serves the model, serve it here and drive the rollout')
      .option('--reason <text>', 'why, for the history'),
  ).action(function (this: Command, name: string) {
    return act(this, (out, opts) =>
      withEngine(opts, out, async (engine) => {
        const flags = this.opts<ServeFlags & { reason?: string }>();
        const service = new RolloutService(engine);
        const current = service.get(name);
        if (current.driven || (current.state !== 'paused' && current.state !== 'running')) {
          const decision = service.resume(name, flags.reason);
          out.result(decision, (d) => renderDecisionLine(d) + drivenNote(service.get(name)));
          return;
        }
        await driveHere(engine, out, flags, [current.baseline, current.candidate], current.model, (s) => {
          s.resume(current.model, flags.reason);
        });
      }),
    );
  });

  rollout
    .command('rehearse <name>')
    .description('run a plan offline on replayed traffic with a fault on the candidate: what would it decide, when')
    .requiredOption('--candidate <v>', 'the version to rehearse rolling out', version('--candidate'))
    .requiredOption('--plan <file>', 'the plan: JSON with steps and gates')
    .requiredOption('--data <dataset>', 'a replay dataset (`slipway datasets list`) that fits both versions')
    .option('--baseline <v>', 'default: production, else the newest version below the candidate', version('--baseline'))
    .option('--shape <json|file>', 'traffic as a load-test shape (JSON or a file: {"segments": [...]})')
    .option('--rate <n>', 'a constant rate in requests/s instead of --shape', positive('--rate'))
    .option(
      '--duration <time>',
      'with --rate: how long (e.g. 10m; default: long enough for the plan)',
      (v) => parseTime(v, '--duration', 's') / 1000,
    )
    .option(
      '--fault <spec>',
      'on the candidate: latency=+200% | latency=+50ms | errors=5% | skew=20%[:CLASS|:+SHIFT] (repeatable)',
      (v: string, previous: string[]) => [...previous, v],
      [],
    )
    .option('--seed <n>', 'seeds routing, latency resampling and the fault', integerOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--tick <time>', 'controller tick in virtual time (default 1s)', (v) => parseTime(v, '--tick', 's') / 1000)
    .option('--remeasure', "measure each version's latency again instead of reusing the stored measurement")
    .option('--name <text>', 'a name for the stored result')
    .action(function (this: Command, name: string) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<RehearseFlags>();
          const config: RehearsalConfigInput = {
            model: parseModelRef(name).name,
            candidate: flags.candidate,
            ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
            plan: readJson(flags.plan, '--plan') as RolloutPlanInput,
            dataset: flags.data,
            ...shapeOf(flags),
            fault: parseFaults(flags.fault),
            seed: flags.seed,
            ...(flags.tick !== undefined ? { tickSeconds: flags.tick } : {}),
            remeasureLatency: flags.remeasure === true,
            ...(flags.name ? { name: flags.name } : {}),
          };
          const service = new RolloutService(engine);
          const result = await service.rehearse(config, {
            onProgress: (p) => out.progress(`${p.phase} · ${Math.round(p.fraction * 100)}% · ${p.message}`),
          });
          out.endProgress();
          out.result(result, renderRehearsal);
        }),
      );
    });

  rollout
    .command('rehearsals [name]')
    .description('stored rehearsal results, newest first')
    .action(function (this: Command, name: string | undefined) {
      return act(this, (out, opts) =>
        withEngine(opts, out, (engine) =>
          out.result(new RolloutService(engine).rehearsals(name && parseModelRef(name).name), (list) =>
            list.length === 0
              ? 'no rehearsals'
              : table(
                  ['ID', 'NAME', 'OUTCOME', 'DETECTED AFTER', 'BAD ANSWERS'],
                  list.map((r) => [
                    r.id,
                    r.name,
                    r.outcome + (r.decidingGates.length ? ` (${r.decidingGates.join(', ')})` : ''),
                    r.detection ? formatSeconds(r.detection.afterMs) : '–',
                    String(r.badAnswers),
                  ]),
                ),
          ),
        ),
      );
    });
}

function serveOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address the endpoint binds (loopback by default)', '127.0.0.1')
    .option('--port <n>', 'endpoint port (0 picks a free one)', integerOption('--port', 0, 65535), 8000)
    .option('--exit-on-end', 'stop serving once the rollout is promoted or rolled back (default: serve until Ctrl-C)');
}

// ---------------------------------------------------------------------------------------------------------
// Driving a rollout in this process

/**
 * Serves both versions on this process's endpoint, begins (start or resume) and prints every decision until
 * the rollout is promoted or rolled back — then goes on serving the route it ended on until Ctrl-C (or stops,
 * with --exit-on-end). Ctrl-C during the rollout stops serving; the rollout is paused at the next open.
 */
async function driveHere(
  engine: Engine,
  out: Output,
  flags: ServeFlags,
  versions: number[],
  model: string,
  begin: (service: RolloutService) => void,
): Promise<void> {
  let finish: (rollout: Rollout) => void = () => {};
  const finished = new Promise<Rollout>((resolve) => (finish = resolve));
  const service = new RolloutService(engine, {
    onDecision: (decision, rollout) => {
      if (out.json) process.stdout.write(`${JSON.stringify({ event: 'decision', decision })}\n`);
      else process.stderr.write(`${renderDecisionLine(decision)}\n`);
      if (decision.toState === 'paused' && !out.json) {
        process.stderr.write(
          `slipway: paused; decide with \`slipway rollout resume|promote|rollback ${rollout.model}\` in another terminal (Ctrl-C stops serving)\n`,
        );
      }
      if (decision.toState === 'promoted' || decision.toState === 'rolledBack') finish(rollout);
    },
  });
  // Listening from the start: Ctrl-C while the versions load must stop cleanly too.
  const signal = untilSignal();
  const session = await startServing(engine, {
    host: flags.host,
    port: flags.port,
    models: versions.map((v) => `${model}:${v}`),
    apiKeys: [],
    allowedHosts: [],
    corsOrigins: [],
    liveDrift: null,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    service.attach(session.server);
    begin(service);
    if (out.json)
      process.stdout.write(`${JSON.stringify({ event: 'serving', url: session.url, rollout: service.get(model) })}\n`);
    else {
      const r = service.get(model);
      process.stderr.write(
        `slipway: serving ${model} versions ${versions.join(' and ')} on ${session.url}; rollout ${r.id} at ${describeStep(r, r.stepIndex)}; Ctrl-C stops\n`,
      );
    }
    const ended = await Promise.race([finished, signal.then(() => null)]);
    service.close();
    const rollout = service.get(model);
    if (out.json) process.stdout.write(`${JSON.stringify({ event: ended ? 'finished' : 'stopped', rollout })}\n`);
    else if (!ended) process.stderr.write('slipway: stopped serving; the rollout pauses until it is served again\n');
    else if (flags.exitOnEnd) process.stderr.write(`slipway: rollout ${rollout.state}; stopping\n`);
    else process.stderr.write(`slipway: rollout ${rollout.state}; still serving on ${session.url} (Ctrl-C stops)\n`);
    // The route the rollout ended on keeps serving: a promoted candidate is what callers now get.
    if (ended && !flags.exitOnEnd) await signal;
  } finally {
    service.close();
    await session.stop();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Input

function readJson(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('not-found', `cannot read ${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError('bad-input', `${flag} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !(n > 0))
      throw new UserError('bad-input', `invalid ${flag} '${value}': expected a number above 0`);
    return n;
  };
}

function shapeOf(flags: RehearseFlags): { shape?: ShapeInput } {
  if (flags.shape !== undefined) {
    if (flags.rate !== undefined) throw new UserError('bad-input', 'give --shape or --rate, not both');
    const text = flags.shape.trimStart();
    const doc = text.startsWith('{') ? parseInline(text) : readJson(flags.shape, '--shape');
    if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { segments?: unknown }).segments)) {
      throw new UserError(
        'bad-input',
        '--shape: expected {"segments": [{"kind": "constant", "rate": 50, "duration": 600}]}',
      );
    }
    return { shape: doc as ShapeInput };
  }
  if (flags.duration !== undefined && flags.rate === undefined)
    throw new UserError('bad-input', '--duration goes with --rate');
  if (flags.rate === undefined) return {};
  const duration = flags.duration ?? 600;
  return { shape: { segments: [{ kind: 'constant', rate: flags.rate, duration }] } };
}

function parseInline(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError('bad-input', `--shape is not valid JSON: ${(error as Error).message}`);
  }
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** latency=+200% | latency=+50ms | errors=5% | skew=20%[:CLASS|:+SHIFT|:-SHIFT] */
export function parseFaults(specs: readonly string[]): RehearsalFaultInput {
  const fault: RehearsalFaultInput = {};
  for (const spec of specs) {
    const [key, value = ''] = spec.split('=', 2) as [string, string?];
    const bad = (expected: string) => new UserError('bad-input', `invalid --fault '${spec}': expected ${expected}`);
    if (key === 'latency') {
      const share = /^\+(\d+(?:\.\d+)?)%$/.exec(value);
      const added = /^\+(\d+(?:\.\d+)?)ms$/.exec(value);
      if (share) fault.latencyIncrease = Number(share[1]) / 100;
      else if (added) fault.latencyAddMs = Number(added[1]);
      else throw bad('latency=+200% (a share added) or latency=+50ms');
    } else if (key === 'errors') {
      const share = PERCENT.exec(value);
      if (!share || Number(share[1]) > 100) throw bad('errors=5% (0-100 % of candidate requests fail)');
      fault.errorRate = Number(share[1]) / 100;
    } else if (key === 'skew') {
      const [share, target] = value.split(':', 2) as [string, string?];
      const m = PERCENT.exec(share);
      if (!m || Number(m[1]) <= 0 || Number(m[1]) > 100)
        throw bad('skew=20% (a share of rows), optionally :CLASS or :+SHIFT');
      const skew: NonNullable<RehearsalFaultInput['skew']> = { share: Number(m[1]) / 100 };
      if (target !== undefined) {
        const n = Number(target);
        if (target.trim() === '' || !Number.isFinite(n))
          throw bad('skew=20%:CLASS (a class) or skew=20%:+0.5 (a shift)');
        if (/^[+-]/.test(target)) skew.shift = n;
        else skew.toClass = n;
      }
      fault.skew = skew;
    } else {
      throw bad('latency=…, errors=… or skew=…');
    }
  }
  return fault;
}

// ---------------------------------------------------------------------------------------------------------
// Output

const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function routeText(r: RolloutDecision['route']): string {
  const weights = Object.entries(r.weights)
    .map(([v, w]) => `v${v} ${w}%`)
    .join(' / ');
  return r.shadow ? `${weights}, shadow v${r.shadow.version} ${r.shadow.percent}%` : weights;
}

export function renderDecisionLine(d: RolloutDecision): string {
  return `#${d.seq} +${formatSeconds(d.elapsedMs)} ${d.actor} ${d.action} → ${d.toState} (${routeText(d.route)}): ${d.reason}`;
}

function drivenNote(r: Rollout): string {
  return r.driven || (r.state !== 'running' && r.state !== 'paused')
    ? ''
    : `\nnote: nothing serves ${r.model} now; the route applies when it is served (\`slipway rollout resume ${r.model}\` serves it)`;
}

function gateRows(gates: GateResult[]): string[][] {
  return gates.map((g) => [
    `  ${g.kind}`,
    g.status.toUpperCase(),
    g.value === null ? '–' : formatGateValue(g.value),
    `${g.failsWhen === 'above' ? '≥' : '<'} ${g.threshold}`,
    g.message,
  ]);
}

function formatGateValue(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(4);
}

function renderStatus(r: Rollout): string {
  const lines = [
    `${r.model}: rollout ${r.id} of v${r.candidate} against v${r.baseline} · ${r.state.toUpperCase()} at ${describeStep(r, r.stepIndex)}` +
      (r.driven
        ? ' · driven here or by the app'
        : r.state === 'running' || r.state === 'paused'
          ? ' · not served now'
          : ''),
    `route: ${routeText(r.route)}`,
  ];
  if (r.reason) lines.push(`reason: ${r.reason}`);
  const e = r.lastEvaluation;
  if (e) {
    lines.push(
      `last check at ${formatSeconds(e.elapsedInStepMs)} into step ${e.stepIndex + 1}: ${e.outcome} · candidate ${e.candidateRequests} requests, baseline ${e.baselineRequests} (${e.baselineWindow})`,
      table(['  GATE', 'STATUS', 'VALUE', 'FAILS', 'WHY'], gateRows(e.gates)),
    );
  }
  return lines.join('\n');
}

function renderHistory(decisions: RolloutDecision[]): string {
  const lines: string[] = [];
  for (const d of decisions) {
    lines.push(renderDecisionLine(d));
    if (d.evaluation) lines.push(table(['  GATE', 'STATUS', 'VALUE', 'FAILS', 'WHY'], gateRows(d.evaluation.gates)));
  }
  return lines.join('\n') || 'no decisions';
}

function renderList(list: Rollout[]): string {
  if (list.length === 0) return 'no rollouts';
  return table(
    ['ID', 'MODEL', 'VERSIONS', 'STATE', 'STEP', 'STARTED'],
    list.map((r) => [
      r.id,
      r.model,
      `${r.baseline} → ${r.candidate}`,
      r.state,
      `${r.stepIndex + 1}/${r.plan.steps.length}`,
      r.startedAt,
    ]),
  );
}

function renderRehearsal(r: RehearsalResult): string {
  const d = r.detection;
  const where = d ? describeStep(r.config as { plan: RehearsalResult['config']['plan'] }, d.stepIndex) : '';
  const outcome =
    r.outcome === 'rolledBack'
      ? `ROLLED BACK by ${r.decidingGates.join(', ')} at ${where}, ${formatSeconds(d!.afterMs)} after the start (${formatSeconds(d!.afterStepStartMs)} into the step, after ${d!.candidateAnswers} candidate answers)`
      : r.outcome === 'paused'
        ? `PAUSED (inconclusive: ${r.decidingGates.join(', ')}) at ${where}, ${formatSeconds(d!.afterMs)} after the start`
        : r.outcome === 'promoted'
          ? `PROMOTED after ${formatSeconds(r.simulatedMs)}`
          : `INCOMPLETE: the traffic ended after ${formatSeconds(r.simulatedMs)} before the plan did`;
  const lines = [
    `${r.name} · rehearsal ${r.id}`,
    `outcome: ${outcome}`,
    `bad answers before the end: ${r.badAnswers} (of ${r.requests.candidateLive} live candidate answers)`,
    `requests: ${r.requests.total} (baseline ${r.requests.baselineLive}, candidate live ${r.requests.candidateLive}, shadow ${r.requests.candidateShadow})`,
    `latency measured: ${r.latencyProfiles
      .map(
        (p) =>
          `v${p.version} p50 ${formatDuration(p.p50Ms)} p99 ${formatDuration(p.p99Ms)} on ${p.provider}${p.reused ? ' (stored)' : ''}`,
      )
      .join('; ')}`,
    '',
    table(
      ['STEP', 'TRAFFIC', 'FROM', 'TO', 'CANDIDATE', 'BASELINE', 'OUTCOME'],
      r.steps.map((s) => [
        String(s.index + 1),
        s.step.kind === 'shadow' ? `shadow ${s.step.percent}%` : `${s.step.weights.candidate}% candidate`,
        formatSeconds(s.startedAtMs),
        s.endedAtMs === null ? '–' : formatSeconds(s.endedAtMs),
        String(s.candidateRequests),
        String(s.baselineRequests),
        s.outcome,
      ]),
    ),
    '',
    renderHistory(r.decisions),
  ];
  return lines.join('\n');
}
