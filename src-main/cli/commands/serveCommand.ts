// `slipway serve`: the localhost endpoint (KServe V2 + Triton extensions) until Ctrl-C or SIGTERM, which
// drain in-flight requests before exiting.
import { untilStopSignal } from '../../engine/untilStopSignal';
import type { Command } from 'commander';
import type { Fallback, ServingSettings } from '../../../src-shared/contract';
import { ProviderChoiceSchema } from '../../../src-shared/contract';
import { parseFallback } from '../../engine/library/servingConfig';
import type { CallerQuotaOptions } from '../../engine/serving/callerQuota';
import type { ServedVersion } from '../../engine/serving/servedVersion';
import { startServing } from '../../engine/servingSession';
import { RolloutService } from '../../engine/traffic/rollout/rolloutService';
import { UserError } from '../../engine/userError';
import { collect, integerOption, parseTime } from '../optionParsers';
import { renderDecisionLine } from './rolloutCommand';
import type { Output } from '../output';
import { withEngine } from '../withEngine';
import type { RunAction } from '../runAction';

interface ServeFlags {
  host: string;
  port: number;
  models?: string;
  apiKey: string[];
  allowHost: string[];
  corsOrigin: string[];
  maxBodyMb: number;
  accessLog?: boolean;
  logPayloads?: boolean;
  logSample: number;
  redact?: string;
  instances?: number;
  threads?: number;
  ep?: string;
  maxBatch?: number;
  batchDelayUs?: number;
  batching: boolean;
  cacheMb?: number;
  maxQueue?: number;
  timeoutMs?: number;
  preferredBatch?: number[];
  priorityLevels?: number;
  defaultPriority?: number;
  fallback?: Fallback;
  rateLimit?: number;
  rateBurst?: number;
  driftSample: number;
  driftWindow?: number;
}

export function registerServeCommand(program: Command, act: RunAction): void {
  program
    .command('serve')
    .description('serve models on a KServe V2 / Triton-compatible endpoint until Ctrl-C')
    .option('--host <address>', 'address to bind; anything but loopback requires an API key', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', integerOption('--port', 0, 65535), 8000)
    .option(
      '--models <list>',
      'NAME or NAME:V, comma-separated (default: production versions, else the latest of each model)',
    )
    .option(
      '--api-key <key>',
      'accept and require this key, even on loopback (repeatable); beyond loopback, keys from `slipway keys create` are accepted too',
      collect,
      [],
    )
    .option(
      '--allow-host <name>',
      'a Host header name to accept besides loopback and the bound address (repeatable)',
      collect,
      [],
    )
    .option('--cors-origin <origin>', 'allow browser requests from this origin (repeatable)', collect, [])
    .option(
      '--max-body-mb <n>',
      'largest request body, after decompression',
      integerOption('--max-body-mb', 1, 4096),
      64,
    )
    .option('--access-log', 'print a line per request')
    .option('--log-payloads', 'also log request payloads (sampled; see --log-sample and --redact)')
    .option('--log-sample <fraction>', 'share of requests whose payload is logged', fraction('--log-sample'), 0.01)
    .option('--redact <names>', 'comma-separated input or field names whose values are never logged')
    .option('--instances <n>', 'worker instances per version', integerOption('--instances', 1, 64))
    .option('--threads <n>', 'intra-op threads per instance', integerOption('--threads', 1, 256))
    .option('--ep <provider>', 'execution provider: auto, cpu, webgpu, cuda, ...')
    .option('--max-batch <n>', 'dynamic batching: most rows per batch', integerOption('--max-batch', 1, 4096))
    .option(
      '--batch-delay-us <n>',
      'dynamic batching: most µs to wait for a batch to fill',
      integerOption('--batch-delay-us', 0, 10_000_000),
    )
    .option('--no-batching', 'turn dynamic batching off')
    .option('--cache-mb <n>', 'turn the response cache on with this many MB', integerOption('--cache-mb', 0, 1_000_000))
    .option('--max-queue <n>', 'requests waiting per version before 503', integerOption('--max-queue', 1, 1_000_000))
    .option(
      '--preferred-batch <list>',
      'dynamic batching: batch sizes to prefer, comma-separated (e.g. 4,8)',
      batchSizeList('--preferred-batch'),
    )
    .option('--priority-levels <n>', 'priority levels 1 (highest)..n', integerOption('--priority-levels', 1, 16))
    .option('--default-priority <n>', 'priority of requests that name none', integerOption('--default-priority', 1, 16))
    .option(
      '--fallback <spec>',
      'safe mode for every served model: none, version:N, or constant:{"<output>":{"shape":[..],"data":[..]}}',
      parseFallback,
    )
    .option(
      '--rate-limit <req/s>',
      'per-caller quota (its API key, else its address): requests per second, 429 beyond (default: none)',
      positiveNumber('--rate-limit'),
    )
    .option(
      '--rate-burst <n>',
      'per-caller quota: requests a caller may send at once (default: the rate)',
      integerOption('--rate-burst', 1, 1_000_000),
    )
    .option(
      '--drift-sample <fraction>',
      "live drift: share of served rows sampled and compared with each version's reference dataset (0: off)",
      fraction('--drift-sample'),
      0.1,
    )
    .option('--drift-window <time>', 'live drift: the sliding window compared (default 10m)', (v) =>
      Math.round(parseTime(v, '--drift-window', 's') / 1000),
    )
    .option('--timeout-ms <n>', 'default request deadline (0: none)', integerOption('--timeout-ms', 0, 86_400_000))
    .action(function (this: Command) {
      return act(this, (out, opts) =>
        withEngine(opts, out, async (engine) => {
          const flags = this.opts<ServeFlags>();
          const session = await startServing(engine, {
            host: flags.host,
            port: flags.port,
            models: flags.models
              ? flags.models
                  .split(',')
                  .map((m) => m.trim())
                  .filter(Boolean)
              : [],
            apiKeys: flags.apiKey,
            allowedHosts: flags.allowHost,
            corsOrigins: flags.corsOrigin,
            maxBodyBytes: flags.maxBodyMb * 1024 * 1024,
            accessLog: flags.accessLog,
            payloadLog: flags.logPayloads
              ? { sampleRate: flags.logSample, redact: flags.redact?.split(',') ?? [] }
              : null,
            overrides: settingsOverrides(flags),
            fallback: flags.fallback,
            callerQuota: callerQuota(flags),
            liveDrift:
              flags.driftSample > 0
                ? { sampleRate: flags.driftSample, ...(flags.driftWindow ? { windowSeconds: flags.driftWindow } : {}) }
                : null,
            log: (line) => process.stderr.write(`${line}\n`),
          });
          // Rollouts of the served models are driven here: their stored route is put back and their gates judged
          // (one paused by a restart stays paused until someone resumes it).
          const rollouts = new RolloutService(engine, {
            onDecision: (d, r) => process.stderr.write(`slipway: rollout of ${r.model}: ${renderDecisionLine(d)}\n`),
          });
          rollouts.attach(session.server);
          // Listening before the ready line: whoever reads it may signal this process at once.
          const stopSignal = untilStopSignal();
          reportReady(out, session.url, session.versions, session.exposedUrls, flags);
          await stopSignal;
          if (!out.json) process.stderr.write('slipway: draining in-flight requests…\n');
          rollouts.close();
          await session.stop();
          if (out.json) process.stdout.write(`${JSON.stringify({ event: 'stopped' })}\n`);
          else process.stderr.write('slipway: stopped\n');
        }),
      );
    });
}

function settingsOverrides(flags: ServeFlags): (s: ServingSettings) => ServingSettings {
  let provider: string | undefined;
  if (flags.ep !== undefined) {
    const parsed = ProviderChoiceSchema.safeParse(flags.ep);
    if (!parsed.success)
      throw new UserError('bad-input', `invalid --ep '${flags.ep}': expected auto, cpu, webgpu, cuda, ...`);
    provider = parsed.data;
  }
  return (s) => {
    const settings: ServingSettings = {
      ...s,
      instances: flags.instances ?? s.instances,
      intraOpThreads: flags.threads ?? s.intraOpThreads,
      provider: provider ?? s.provider,
      dynamicBatching: {
        ...s.dynamicBatching,
        enabled: flags.batching === false ? false : s.dynamicBatching.enabled,
        maxBatchSize: flags.maxBatch ?? s.dynamicBatching.maxBatchSize,
        maxQueueDelayMicros: flags.batchDelayUs ?? s.dynamicBatching.maxQueueDelayMicros,
        preferredBatchSizes: flags.preferredBatch ?? s.dynamicBatching.preferredBatchSizes,
      },
      cache:
        flags.cacheMb !== undefined ? { enabled: flags.cacheMb > 0, maxBytes: flags.cacheMb * 1024 * 1024 } : s.cache,
      maxQueueLength: flags.maxQueue ?? s.maxQueueLength,
      defaultTimeoutMicros: flags.timeoutMs !== undefined ? flags.timeoutMs * 1000 : s.defaultTimeoutMicros,
      priorityLevels: flags.priorityLevels ?? s.priorityLevels,
      defaultPriority: flags.defaultPriority ?? s.defaultPriority,
    };
    checkCombined(flags, settings);
    return settings;
  };
}

/** Flags that are each in range can still disagree with each other or with a version's stored settings. */
function checkCombined(flags: ServeFlags, s: ServingSettings): void {
  const { maxBatchSize, preferredBatchSizes } = s.dynamicBatching;
  const tooLarge = preferredBatchSizes.filter((n) => n > maxBatchSize);
  if (flags.preferredBatch !== undefined && tooLarge.length > 0) {
    throw new UserError(
      'bad-input',
      `invalid --preferred-batch: ${tooLarge.join(', ')} exceeds the largest batch (${maxBatchSize}); raise --max-batch or prefer smaller sizes`,
    );
  }
  if (s.defaultPriority > s.priorityLevels) {
    throw new UserError(
      'bad-input',
      flags.defaultPriority !== undefined
        ? `invalid --default-priority ${s.defaultPriority}: expected 1..${s.priorityLevels} (the priority levels); raise --priority-levels`
        : `invalid --priority-levels ${s.priorityLevels}: the default priority is ${s.defaultPriority}; lower it with --default-priority`,
    );
  }
}

function callerQuota(flags: ServeFlags): CallerQuotaOptions | null {
  if (flags.rateLimit === undefined) {
    if (flags.rateBurst !== undefined)
      throw new UserError('bad-input', '--rate-burst needs --rate-limit <req/s>, the rate the burst refills at');
    return null;
  }
  return { ratePerSecond: flags.rateLimit, ...(flags.rateBurst !== undefined ? { burst: flags.rateBurst } : {}) };
}

function reportReady(out: Output, url: string, versions: ServedVersion[], exposed: string[], flags: ServeFlags): void {
  const rows = versions.map((v) => ({
    model: v.model,
    version: v.version,
    state: v.state,
    provider: v.provider?.actual,
    providerReason: v.provider?.reason,
    instances: v.instances,
    batching: v.batching,
    failure: v.failure,
  }));
  if (out.json) {
    process.stdout.write(`${JSON.stringify({ event: 'ready', url, exposedUrls: exposed, versions: rows })}\n`);
    return;
  }
  // The exposure warning itself was logged when the endpoint started (startServing), in every output mode.
  const lines = [`slipway: serving on ${url} (KServe V2 at /v2, Prometheus at /metrics)`];
  if (flags.rateLimit !== undefined) {
    lines.push(
      `slipway: each caller may send ${flags.rateLimit} requests/s (bursts of ${flags.rateBurst ?? Math.max(1, flags.rateLimit)}); 429 beyond`,
    );
  }
  for (const r of rows) {
    lines.push(
      r.state === 'ready'
        ? `  ${r.model}:${r.version}  ready on ${r.provider} ×${r.instances}  batching ${r.batching.active ? 'on' : 'off'} (${r.batching.reason})`
        : `  ${r.model}:${r.version}  ${r.state.toUpperCase()}: ${r.failure}`,
    );
  }
  const ready = rows.filter((r) => r.state === 'ready').length;
  lines.push(`slipway: ready: ${ready} of ${rows.length} versions; Ctrl-C drains and stops`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1_000_000)
      throw new UserError('bad-input', `invalid ${flag} '${value}': expected a number > 0, at most 1000000`);
    return n;
  };
}

/** Comma-separated batch sizes, each 1..4096; sorted and without repeats. */
function batchSizeList(flag: string): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    const sizes = parts.map(Number);
    if (parts.some((p) => !/^\d+$/.test(p)) || sizes.some((n) => n < 1 || n > 4096)) {
      throw new UserError(
        'bad-input',
        `invalid ${flag} '${value}': expected batch sizes 1..4096, comma-separated (e.g. 4,8)`,
      );
    }
    return [...new Set(sizes)].sort((a, b) => a - b);
  };
}

function fraction(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
      throw new UserError('bad-input', `invalid ${flag} '${value}': expected a number 0..1`);
    return n;
  };
}
