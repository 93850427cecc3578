// A finished export at a glance: where it went, how big, the edge parity verdict, what the manifest carries
// (load-test capacity, reference profile, rollout), and a button that opens the folder — or shows its path to
// copy where the engine cannot open a file manager.
import { useState } from 'react';
import type { BundleManifest, ExportResult, RevealResult } from '../../../src-shared/contract';
import { formatBytes, formatCount } from '../../../src-shared/units';
import { CopyButton } from '../serve/CopyButton';
import { useApp } from '../store/appStore';

/** 0 as "0", anything else in scientific notation (errors span many orders of magnitude). */
function smallNumber(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

function loadTestLine(loadTest: BundleManifest['loadTest']): string {
  if (!loadTest) return 'none yet (run a load test to carry capacity at an SLO)';
  const capacity = loadTest.capacity;
  if (capacity?.capacityRate != null)
    return `${formatCount(Math.round(capacity.capacityRate))} req/s within p99 ≤ ${capacity.budgetMs} ms (${loadTest.name})`;
  const p99 = loadTest.p99Ms === null ? 'no p99' : `p99 ${loadTest.p99Ms.toFixed(2)} ms`;
  return `${p99} at ${formatCount(Math.round(loadTest.achievedRate))} req/s (${loadTest.name}; no capacity search)`;
}

function referenceLine(profile: BundleManifest['referenceProfile']): string {
  if (!profile) return 'none (bind a reference dataset to the version to monitor drift where it is deployed)';
  return `${profile.datasetName}: ${formatCount(profile.rows)} rows, ${profile.features.length} features`;
}

function rolloutLine(rollout: BundleManifest['rollout']): string {
  if (!rollout) return 'none';
  const canary = rollout.canaryTrafficPercent === null ? '' : `, canaryTrafficPercent ${rollout.canaryTrafficPercent}`;
  return `${rollout.model} v${rollout.baseline} → v${rollout.candidate}, ${rollout.state}, step ${rollout.stepIndex + 1} of ${rollout.plan.steps.length}${canary}`;
}

export function ExportSummary({ result }: { result: ExportResult }) {
  const client = useApp((s) => s.client);
  const [reveal, setReveal] = useState<RevealResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { manifest } = result;
  const edge = manifest.edge;

  const open = async () => {
    if (!client) return;
    setError(null);
    try {
      setReveal(await client.call('revealExport', { body: { path: result.outDir } }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="card export-summary" aria-labelledby="export-done-title" data-testid="export-summary">
      <h2 id="export-done-title">
        Exported {manifest.source.model}:{manifest.source.version}
      </h2>
      <dl className="facts">
        <dt>Folder</dt>
        <dd>
          <code data-testid="export-summary-folder">{result.outDir}</code>
        </dd>
        {result.archive && (
          <>
            <dt>Archive</dt>
            <dd data-testid="export-summary-archive">
              <code>{result.archive}</code>
              {result.archiveBytes !== null && ` (${formatBytes(result.archiveBytes)})`}
            </dd>
          </>
        )}
        <dt>Targets</dt>
        <dd>{manifest.targets.join(', ')}</dd>
        <dt>Files</dt>
        <dd data-testid="export-summary-files">
          {manifest.files.length + 1}: {manifest.files.length} listed with their sha256 in slipway-manifest.json, and
          the manifest
        </dd>
        <dt>Total size</dt>
        <dd data-testid="export-summary-bytes">{formatBytes(result.totalBytes)}</dd>
        {edge && (
          <>
            <dt>Edge parity</dt>
            <dd data-testid="export-summary-parity" className={edge.passed ? 'parity-pass' : 'parity-fail'}>
              {edge.passed ? 'pass' : 'FAIL'}: max relative error {smallNumber(edge.maxRelError)} (tolerance{' '}
              {edge.tolerance.toExponential(0)}) on {edge.samples} samples from {edge.samplesFrom}; model{' '}
              {formatBytes(edge.originalBytes)} → {formatBytes(edge.optimizedBytes)}, {edge.originalNodes} →{' '}
              {edge.optimizedNodes} nodes
            </dd>
          </>
        )}
        {manifest.kserve && (
          <>
            <dt>KServe storageUri</dt>
            <dd data-testid="export-summary-storage">
              <code>{manifest.kserve.storageUri}</code>
              {manifest.kserve.placeholder && ' (a placeholder: set it to where you upload triton/)'}
            </dd>
          </>
        )}
        <dt>Load-test capacity</dt>
        <dd data-testid="export-summary-loadtest">{loadTestLine(manifest.loadTest)}</dd>
        <dt>Reference profile</dt>
        <dd data-testid="export-summary-reference">{referenceLine(manifest.referenceProfile)}</dd>
        <dt>Rollout</dt>
        <dd data-testid="export-summary-rollout">{rolloutLine(manifest.rollout)}</dd>
      </dl>
      {result.notes.length > 0 && (
        <ul className="export-notes" aria-label="Export notes">
          {result.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => void open()} data-testid="export-reveal">
          Reveal folder
        </button>{' '}
        <CopyButton text={result.outDir} label="the folder path" />
      </div>
      {reveal && !reveal.opened && (
        <p role="status" className="muted" data-testid="export-reveal-path">
          The engine {reveal.message.replace(/^cannot/, 'could not')}. The bundle is at <code>{reveal.path}</code>
        </p>
      )}
      {reveal?.opened && (
        <p role="status" className="muted" data-testid="export-reveal-path">
          Opened <code>{reveal.path}</code> in the file manager.
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
