// Per-version serving settings: loads the stored view, marks each value as default or overridden, saves only
// the keys the user changed (the engine reloads a served model at once), and resets a key to its default.
import { useEffect, useMemo, useState } from 'react';
import type { ModelSummary, ServingConfigChange, ServingConfigView } from '../../../src-shared/contract';
import { ErrorBox, Loading } from '../components/States';
import { useApp } from '../store/appStore';
import { parseVersionKey, useServeUi, versionKey } from './serveUiStore';
import {
  SETTING_FIELDS,
  changeOf,
  diffDraft,
  draftOf,
  fallbackText,
  type Draft,
  type SettingField,
} from './settingsFields';

type FallbackKind = 'none' | 'version' | 'constant';

function splitFallback(text: string): { kind: FallbackKind; version: string; constant: string } {
  if (text.startsWith('version:')) return { kind: 'version', version: text.slice(8), constant: '' };
  if (text.startsWith('constant:')) return { kind: 'constant', version: '', constant: text.slice(9) };
  return { kind: 'none', version: '', constant: '' };
}

function joinFallback(kind: FallbackKind, version: string, constant: string): string {
  return kind === 'none' ? 'none' : kind === 'version' ? `version:${version}` : `constant:${constant}`;
}

export function SettingsEditor() {
  const models = useApp((s) => s.models);
  const serving = useApp((s) => s.serving);
  const editing = useServeUi((s) => s.editing);
  const setUi = useServeUi((s) => s.set);
  const served = serving?.state === 'running' ? serving.versions : [];
  const target = editing ?? (served[0] ? versionKey(served[0].model, served[0].version) : null) ?? firstVersion(models);
  const ref = target ? parseVersionKey(target) : null;

  return (
    <section className="card" aria-labelledby="settings-title" data-testid="settings-editor">
      <div className="card-head">
        <h2 id="settings-title">Serving settings</h2>
        <label className="inline">
          <span className="visually-hidden">Version to configure</span>
          <select
            value={target ?? ''}
            onChange={(e) => setUi({ editing: e.target.value })}
            data-testid="settings-target"
            disabled={!models || models.length === 0}
          >
            {(models ?? []).map((m) => (
              <optgroup key={m.name} label={m.name}>
                {m.versions.map((v) => {
                  const key = versionKey(m.name, v.version);
                  const isServed = served.some((s) => s.model === m.name && s.version === v.version);
                  return (
                    <option key={key} value={key}>
                      {m.name} v{v.version}
                      {isServed ? ' (served)' : ''}
                    </option>
                  );
                })}
              </optgroup>
            ))}
          </select>
        </label>
      </div>
      {models === null ? (
        <Loading what="the library" />
      ) : !ref ? (
        <p className="muted">The library has no models.</p>
      ) : (
        <VersionSettings
          key={target}
          model={ref.model}
          version={ref.version}
          summary={models.find((m) => m.name === ref.model)}
          served={served.some((s) => s.model === ref.model && !s.fallbackOnly)}
        />
      )}
    </section>
  );
}

function firstVersion(models: ModelSummary[] | null): string | null {
  const m = models?.[0];
  const v = m?.versions[0];
  return m && v ? versionKey(m.name, v.version) : null;
}

function VersionSettings(props: { model: string; version: number; summary?: ModelSummary; served: boolean }) {
  const { model, version, served } = props;
  const client = useApp((s) => s.client);
  const engine = useApp((s) => s.engine);
  const [config, setConfig] = useState<ServingConfigView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [fallback, setFallback] = useState('none');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const adopt = (view: ServingConfigView) => {
    setConfig(view);
    setDraft(draftOf(view.settings));
    setFallback(fallbackText(view.fallback));
  };

  const load = () => {
    if (!client) return;
    setLoadError(null);
    client.call('servingConfig', { params: { name: model, version } }).then(adopt, setLoadError);
  };
  useEffect(load, [client, model, version]);

  const diff = useMemo(() => (config ? diffDraft(config.settings, draft) : null), [config, draft]);
  if (loadError !== null) return <ErrorBox error={loadError} onRetry={load} />;
  if (!config || !diff) return <Loading what="settings" />;

  const before = fallbackText(config.fallback);
  const change = changeOf(diff, before, fallback);
  const changedKeys = Object.keys(diff.set);
  const dirty = changedKeys.length > 0 || change.fallback !== undefined;
  const hasErrors = Object.keys(diff.errors).length > 0;

  const send = async (body: ServingConfigChange, what: string) => {
    if (!client) return;
    setSaving(true);
    setSaveError(null);
    setSaved(null);
    try {
      adopt(await client.call('updateServingConfig', { params: { name: model, version }, body }));
      setSaved(served ? `${what}; the endpoint reloaded ${model} with it.` : `${what}.`);
    } catch (error) {
      setSaveError(error);
    } finally {
      setSaving(false);
    }
  };

  const providers = ['auto', ...(engine?.providers ?? []).map((p) => p.name)];
  const groups = [...new Set(SETTING_FIELDS.map((f) => f.group))];
  const fb = splitFallback(fallback);
  const otherVersions = (props.summary?.versions ?? []).filter((v) => v.version !== version).map((v) => v.version);

  return (
    <form
      className="settings-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty && !hasErrors) void send(change, `Saved ${changedKeys.length + (change.fallback ? 1 : 0)} change(s)`);
      }}
    >
      <p className="hint">
        Values marked <span className="tag overridden">set</span> are stored for {model} v{version}; the others are
        defaults derived from the model.
      </p>
      {groups.map((group) => (
        <fieldset key={group} className="settings-group">
          <legend>{group}</legend>
          {SETTING_FIELDS.filter((f) => f.group === group).map((field) => (
            <FieldRow
              key={field.key}
              field={field}
              value={draft[field.key] ?? ''}
              providers={providers}
              overridden={config.overridden.includes(field.key)}
              changed={field.key in diff.set}
              error={diff.errors[field.key]}
              onChange={(value) => {
                setSaved(null);
                setDraft((d) => ({ ...d, [field.key]: value }));
              }}
              onReset={() => void send({ unset: [field.key] }, `${field.label} reset to its default`)}
              disabled={saving}
            />
          ))}
        </fieldset>
      ))}
      <fieldset className="settings-group">
        <legend>Safe mode (per model)</legend>
        <div className={`setting-row${change.fallback !== undefined ? ' changed' : ''}`}>
          <label htmlFor="setting-fallback" className="field-label">
            Fallback
          </label>
          <span className="field-input">
            <select
              id="setting-fallback"
              value={fb.kind}
              onChange={(e) => {
                const kind = e.target.value as FallbackKind;
                setFallback(joinFallback(kind, fb.version || String(otherVersions[0] ?? ''), fb.constant || '{}'));
              }}
              data-testid="fallback-kind"
              disabled={saving}
            >
              <option value="none">none: errors answer</option>
              <option value="version">another version</option>
              <option value="constant">constant outputs</option>
            </select>
            <span className="unit" />
          </span>
          <span className="field-state">
            <span className={`tag ${config.fallback.kind === 'none' ? '' : 'overridden'}`}>
              {config.fallback.kind === 'none' ? 'default' : 'set'}
            </span>
            {change.fallback !== undefined && <span className="tag changed">unsaved</span>}
            {config.fallback.kind !== 'none' && (
              <button
                type="button"
                className="link"
                onClick={() => void send({ fallback: 'none' }, 'Fallback removed')}
                disabled={saving}
                aria-label="Reset the fallback to none"
              >
                Reset
              </button>
            )}
          </span>
          <span className="hint">
            {fb.kind === 'version' ? (
              <label className="inline">
                answer with
                <select
                  value={fb.version}
                  onChange={(e) => setFallback(joinFallback('version', e.target.value, ''))}
                  disabled={saving}
                  aria-label="Fallback version"
                >
                  {otherVersions.length === 0 && <option value="">no other version</option>}
                  {otherVersions.map((v) => (
                    <option key={v} value={v}>
                      v{v}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              `when ${model} fails to load, errors or times out; answers are marked degraded`
            )}
          </span>
          {fb.kind === 'constant' && (
            <label className="wide">
              Outputs as JSON: output name → {'{'} shape, data {'}'}
              <textarea
                value={fb.constant}
                onChange={(e) => setFallback(joinFallback('constant', '', e.target.value))}
                spellCheck={false}
                disabled={saving}
                placeholder='{"probabilities": {"shape": [1, 10], "data": [0.1, …]}}'
              />
            </label>
          )}
        </div>
      </fieldset>

      <div className="toolbar">
        <button type="submit" className="primary" disabled={!dirty || hasErrors || saving} data-testid="save-settings">
          {saving ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" disabled={!dirty || saving} onClick={() => adopt(config)}>
          Discard
        </button>
        <span className="muted" data-testid="pending-changes">
          {dirty
            ? `${changedKeys.length + (change.fallback !== undefined ? 1 : 0)} unsaved change(s)${hasErrors ? ', fix the marked fields' : ''}`
            : 'No unsaved changes'}
        </span>
      </div>
      {saved && (
        <p className="saved" role="status" data-testid="settings-saved">
          {saved}
        </p>
      )}
      {saveError !== null && (
        <div data-testid="settings-error">
          <ErrorBox error={saveError} />
        </div>
      )}
    </form>
  );
}

function FieldRow(props: {
  field: SettingField;
  value: string | boolean;
  providers: string[];
  overridden: boolean;
  changed: boolean;
  error: string | undefined;
  disabled: boolean;
  onChange(value: string | boolean): void;
  onReset(): void;
}) {
  const { field, value } = props;
  const id = `setting-${field.key.replace(/\./g, '-')}`;
  const hintId = `${id}-hint`;
  let input;
  if (field.kind === 'bool') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={(e) => props.onChange(e.target.checked)}
        disabled={props.disabled}
        data-testid={id}
      />
    );
  } else if (field.kind === 'provider') {
    const options = props.providers.includes(String(value)) ? props.providers : [...props.providers, String(value)];
    input = (
      <select
        id={id}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
        disabled={props.disabled}
        data-testid={id}
      >
        {options.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        id={id}
        value={String(value)}
        onChange={(e) => props.onChange(e.target.value)}
        inputMode={field.kind === 'intList' ? 'text' : field.kind === 'decimal' ? 'decimal' : 'numeric'}
        placeholder={field.kind === 'intOrAuto' ? 'automatic' : undefined}
        aria-invalid={props.error !== undefined}
        aria-describedby={hintId}
        disabled={props.disabled}
        spellCheck={false}
        data-testid={id}
      />
    );
  }
  return (
    <div className={`setting-row${props.changed ? ' changed' : ''}`}>
      <label htmlFor={id} className="field-label">
        {field.label}
      </label>
      <span className="field-input">
        {input}
        <span className="unit">{field.unit ?? ''}</span>
      </span>
      <span className="field-state">
        <span className={`tag ${props.overridden ? 'overridden' : ''}`}>{props.overridden ? 'set' : 'default'}</span>
        {props.changed && <span className="tag changed">unsaved</span>}
        {props.overridden && (
          <button
            type="button"
            className="link"
            onClick={props.onReset}
            disabled={props.disabled}
            aria-label={`Reset ${field.label} to its default`}
            data-testid={`${id}-reset`}
          >
            Reset
          </button>
        )}
      </span>
      <span id={hintId} className={props.error ? 'field-error' : 'hint'}>
        {props.error ?? field.hint ?? ''}
      </span>
    </div>
  );
}
