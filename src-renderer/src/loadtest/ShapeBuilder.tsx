// The traffic shape: segments of any kind, added, edited, reordered and removed, a seed, and a live preview of
// the schedule the generator will send (offered rate, and concurrency for closed-loop segments), compiled in
// the browser by the same code the engine runs.
import { useMemo, useState, type ChangeEvent } from 'react';
import type uPlot from 'uplot';
import { formatCount } from '../../../src-shared/units';
import { formatSeconds } from './describe';
import {
  buildShape,
  kindInfo,
  previewShape,
  SEGMENT_KINDS,
  type SegmentDraft,
  type SegmentKind,
  type ShapePreview,
} from './loadTestForm';
import { useLoadTestUi } from './loadTestUi';
import { RunChart, type RunChartSeries } from './RunChart';

const RATE_SERIES: RunChartSeries[] = [{ label: 'offered', colorVar: '--chart-1', stepped: true }];
const RATE_AND_CLIENTS: RunChartSeries[] = [
  ...RATE_SERIES,
  { label: 'clients', colorVar: '--chart-4', stepped: true, right: true },
];

const rateText = (v: number) => `${v >= 100 ? formatCount(Math.round(v)) : Math.round(v * 10) / 10} req/s`;
const axisNumber = (v: number) => formatCount(Math.round(v * 100) / 100);

/** Numbers from a trace file: one per line, the first column of a CSV; a header line is skipped. */
export function traceValues(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(/[,;\t ]/)[0]!.trim())
    .filter((cell) => cell !== '' && Number.isFinite(Number(cell)))
    .join('\n');
}

function SegmentFields({ segment, index }: { segment: SegmentDraft; index: number }) {
  const editSegment = useLoadTestUi((s) => s.editSegment);
  const [readError, setReadError] = useState<string | null>(null);
  const info = kindInfo(segment.kind);
  const setValue = (key: string, value: string) =>
    editSegment(segment.id, (s) => ({ values: { ...s.values, [key]: value } }));
  const prefix = `seg-${index + 1}`;

  const readTrace = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    try {
      const values = traceValues(await file.text());
      if (values === '') setReadError(`${file.name} holds no numbers (one time in seconds per line is expected)`);
      else {
        setReadError(null);
        editSegment(segment.id, () => ({ times: values }));
      }
    } catch (error) {
      setReadError(`${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <div className="segment-fields">
      {info.fields.map((field) => (
        <label key={field.key} className={field.type === 'choice' ? 'choice-field' : 'number-field'}>
          {field.label}
          {field.type === 'number' ? (
            <span className="with-unit">
              <input
                value={segment.values[field.key] ?? ''}
                onChange={(e) => setValue(field.key, e.target.value)}
                inputMode="decimal"
                data-testid={`${prefix}-${field.key}`}
              />
              {field.unit && <span className="unit">{field.unit}</span>}
            </span>
          ) : (
            <select
              value={segment.values[field.key] ?? field.value}
              onChange={(e) => setValue(field.key, e.target.value)}
              data-testid={`${prefix}-${field.key}`}
            >
              {field.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </label>
      ))}
      {segment.kind === 'trace' && (
        <div className="trace-values">
          <label>
            Times (s), separated by spaces, commas or new lines
            <textarea
              value={segment.times}
              onChange={(e) => editSegment(segment.id, () => ({ times: e.target.value }))}
              rows={3}
              spellCheck={false}
              data-testid={`${prefix}-times`}
            />
          </label>
          <label className="file-pick">
            Or read them from a file (one per line, or a CSV&apos;s first column)
            <input type="file" accept=".txt,.csv,.tsv,text/plain" onChange={(e) => void readTrace(e)} />
          </label>
          {readError && (
            <p className="field-error" role="alert">
              {readError}
            </p>
          )}
        </div>
      )}
      {segment.kind === 'concurrency' && (
        <fieldset className="levels">
          <legend>Levels</legend>
          <ol>
            {segment.levels.map((level, i) => (
              <li key={i}>
                <label>
                  Clients
                  <input
                    value={level.concurrency}
                    inputMode="numeric"
                    onChange={(e) =>
                      editSegment(segment.id, (s) => ({
                        levels: s.levels.map((l, j) => (j === i ? { ...l, concurrency: e.target.value } : l)),
                      }))
                    }
                    data-testid={`${prefix}-level-${i + 1}-clients`}
                  />
                </label>
                <label>
                  For
                  <span className="with-unit">
                    <input
                      value={level.duration}
                      inputMode="decimal"
                      onChange={(e) =>
                        editSegment(segment.id, (s) => ({
                          levels: s.levels.map((l, j) => (j === i ? { ...l, duration: e.target.value } : l)),
                        }))
                      }
                      data-testid={`${prefix}-level-${i + 1}-duration`}
                    />
                    <span className="unit">s</span>
                  </span>
                </label>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Remove level ${i + 1}`}
                  disabled={segment.levels.length === 1}
                  onClick={() => editSegment(segment.id, (s) => ({ levels: s.levels.filter((_, j) => j !== i) }))}
                >
                  ✕
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            onClick={() =>
              editSegment(segment.id, (s) => {
                const last = s.levels.at(-1);
                const next = last ? String(Math.max(1, Number(last.concurrency) * 2 || 1)) : '1';
                return { levels: [...s.levels, { concurrency: next, duration: last?.duration ?? '5' }] };
              })
            }
          >
            Add level
          </button>
        </fieldset>
      )}
    </div>
  );
}

export function usePreview(): { preview: ShapePreview | null; error: string | null } {
  const segments = useLoadTestUi((s) => s.draft.segments);
  const seed = useLoadTestUi((s) => s.draft.seed);
  return useMemo(() => {
    const shape = buildShape(segments, seed);
    if (!shape.ok) return { preview: null, error: shape.error };
    const compiled = previewShape(shape.shape);
    return compiled.ok ? { preview: compiled.preview, error: null } : { preview: null, error: compiled.error };
  }, [segments, seed]);
}

function PreviewChart({ preview }: { preview: ShapePreview }) {
  const data = useMemo(() => {
    const { t, rate, concurrency } = preview.bins;
    // One more point at the end so the last bin is drawn as a step of its own width.
    const x = [...t, preview.durationSeconds];
    const columns: uPlot.AlignedData = [x, [...rate, rate.at(-1) ?? null]];
    return preview.closedLoop
      ? ([...columns, [...concurrency, concurrency.at(-1) ?? null]] as uPlot.AlignedData)
      : columns;
  }, [preview]);
  return (
    <RunChart
      title="Schedule preview"
      unit="req/s"
      rightUnit="clients"
      series={preview.closedLoop ? RATE_AND_CLIENTS : RATE_SERIES}
      data={data}
      format={rateText}
      axisFormat={axisNumber}
      rightFormat={(v) => `${Math.round(v)} clients`}
      xLabel="seconds from start"
      xFormat={(v) => formatSeconds(v)}
      testId="chart-preview"
      description="the offered request rate over the test, as the generator will send it"
      height={170}
    />
  );
}

export function ShapeBuilder() {
  const segments = useLoadTestUi((s) => s.draft.segments);
  const seed = useLoadTestUi((s) => s.draft.seed);
  const edit = useLoadTestUi((s) => s.edit);
  const addSegment = useLoadTestUi((s) => s.addSegment);
  const removeSegment = useLoadTestUi((s) => s.removeSegment);
  const moveSegment = useLoadTestUi((s) => s.moveSegment);
  const [kind, setKind] = useState<SegmentKind>('spike');
  const { preview, error } = usePreview();

  return (
    <div className="shape-builder">
      <ol className="segments" aria-label="Segments, played in order">
        {segments.map((segment, i) => {
          const info = kindInfo(segment.kind);
          return (
            <li key={segment.id} className="segment" data-testid="segment" data-kind={segment.kind}>
              <div className="segment-head">
                <strong>
                  {i + 1}. {info.label}
                </strong>
                <span className="muted">{info.about}</span>
                <span className="segment-actions">
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Move segment ${i + 1} earlier`}
                    disabled={i === 0}
                    onClick={() => moveSegment(segment.id, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Move segment ${i + 1} later`}
                    disabled={i === segments.length - 1}
                    onClick={() => moveSegment(segment.id, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`Remove segment ${i + 1}`}
                    onClick={() => removeSegment(segment.id)}
                    data-testid={`seg-${i + 1}-remove`}
                  >
                    ✕
                  </button>
                </span>
              </div>
              <SegmentFields segment={segment} index={i} />
            </li>
          );
        })}
      </ol>
      <div className="toolbar add-segment">
        <label className="inline">
          Add
          <select value={kind} onChange={(e) => setKind(e.target.value as SegmentKind)} data-testid="add-segment-kind">
            {SEGMENT_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => addSegment(kind)} data-testid="add-segment">
          Add segment
        </button>
        <label className="inline">
          Seed
          <input
            className="short"
            value={seed}
            onChange={(e) => edit(() => ({ seed: e.target.value }))}
            inputMode="numeric"
            data-testid="shape-seed"
          />
        </label>
        <span className="hint">The same seed sends the same schedule (Poisson gaps included).</span>
      </div>

      {error ? (
        <p className="shape-error" role="alert" data-testid="shape-error">
          {error}
        </p>
      ) : (
        preview && (
          <div className="shape-preview">
            <p className="shape-facts" data-testid="shape-facts">
              Lasts <strong data-testid="shape-duration">{formatSeconds(preview.durationSeconds)}</strong> and sends{' '}
              <strong data-testid="shape-expected">
                {preview.expectedRequests > 0 ? `about ${formatCount(Math.round(preview.expectedRequests))}` : 'no'}
              </strong>{' '}
              open-loop requests
              {preview.closedLoop && ', plus whatever the closed-loop clients manage (that depends on the target)'}.
            </p>
            <PreviewChart preview={preview} />
          </div>
        )
      )}
    </div>
  );
}
