// Which execution providers work on this machine, and the reason for each that does not. Probing runs once
// per process, in a child (see providerProbeChild), and is cached.
import { fork } from 'node:child_process';
import type { ProviderStatus } from '../../../src-shared/contract';
import { PROBE_MARKER, type ProbeMessage, type ProbeOutcome } from './providerProbeProtocol';
import { isGpuProvider } from './providerPolicy';
import { siblingScript } from './siblingScript';

const PROBE_TIMEOUT_MS = 60_000;

/** What to tell a user about a provider onnxruntime-node knows but does not ship for this platform. */
const NOT_BUNDLED_HINT: Record<string, string> = {
  cuda: 'onnxruntime-node ships no CUDA libraries by default: reinstall with `npm install --onnxruntime-node-install=cuda12` on a machine with CUDA 12',
  tensorrt: 'needs the CUDA libraries (`npm install --onnxruntime-node-install=cuda12`) and TensorRT installed',
};

let cached: Promise<ProviderStatus[]> | undefined;

export function probeProviders(options: { refresh?: boolean } = {}): Promise<ProviderStatus[]> {
  if (!cached || options.refresh) cached = runProbe();
  return cached;
}

function runProbe(): Promise<ProviderStatus[]> {
  const script = siblingScript(import.meta.url, 'providerProbeChild');
  return new Promise((resolve, reject) => {
    const child = fork(script.path, script.args, {
      execArgv: script.execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const outcomes: ProbeOutcome[] = [];
    let stderr = '';
    let fatal: string | undefined;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('message', (m: ProbeMessage) => {
      if (m.type === 'outcome') outcomes.push(m.outcome);
      if (m.type === 'fatal') fatal = m.message;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const notes = stderrBySection(stderr);
      const statuses = outcomes.map((o) => toStatus(o, notes.get(o.name) ?? []));
      const last = [...notes.keys()].pop();
      if (last && !outcomes.some((o) => o.name === last)) {
        // The child died inside this provider's probe (a driver crash or the timeout).
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        statuses.push(unavailable(last, `probing it crashed the probe process (${how})`, notes.get(last) ?? []));
      }
      if (!statuses.some((s) => s.name === 'cpu')) {
        reject(new Error(`onnxruntime-node could not start even on cpu: ${fatal ?? lastLines(stderr)}`));
        return;
      }
      resolve(statuses);
    });
  });
}

function toStatus(o: ProbeOutcome, notes: string[]): ProviderStatus {
  if (o.available)
    return { name: o.name, bundled: o.bundled, available: true, kind: kindOf(o.name), probeMs: round(o.probeMs) };
  const hint = o.bundled ? undefined : NOT_BUNDLED_HINT[o.name];
  const status = unavailable(o.name, o.error ?? 'failed to start', notes, hint);
  return { ...status, bundled: o.bundled, probeMs: round(o.probeMs) };
}

function unavailable(name: string, error: string, notes: string[], hint?: string): ProviderStatus {
  const detail = notes.filter((n) => !error.includes(n));
  const reason = [error, ...detail.map((d) => `(${d})`), hint ? `— ${hint}` : ''].filter(Boolean).join(' ');
  return { name, bundled: false, available: false, reason, kind: kindOf(name), probeMs: 0 };
}

/** Useful native stderr lines per probed provider, e.g. Dawn's "Couldn't load Vulkan: libvulkan.so.1: …". */
function stderrBySection(stderr: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of stderr.split('\n')) {
    const line = stripAnsi(raw).trim();
    if (line.startsWith(PROBE_MARKER)) {
      current = [];
      sections.set(line.slice(PROBE_MARKER.length), current);
    } else if (current && /^Warning:/.test(line)) {
      const text = line.replace(/^Warning:\s*/, '').replace(/: No such file or directory$/, '');
      if (!current.includes(text)) current.push(text);
    }
  }
  return sections;
}

/** onnxruntime colours its log lines; the escape character comes from a char code to keep lint's control-regex rule. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripAnsi = (text: string) => text.replace(ANSI_COLOUR, '');
const kindOf = (name: string): ProviderStatus['kind'] => (isGpuProvider(name) ? 'gpu' : 'cpu');
const round = (ms: number) => Math.round(ms * 10) / 10;
const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ');
