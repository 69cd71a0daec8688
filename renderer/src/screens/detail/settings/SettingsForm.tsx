// The settings form for one layer (the app's base settings, or one profile's overrides), driven by the
// settings table: every setting with its label, doc, input by kind, the value in effect and its source.
// Local checks use the same zod schemas as the server; the server's 400 is shown beside its field.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { SETTINGS, type EffectiveSettings, type PartialAppSettings, type SettingKey, type SettingSpec } from '../../../api/contract';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import { EnvEditor, envFromRows, envRowsFrom, type EnvRow } from '../../../components/EnvEditor';
import { fieldOfError, validateSetting } from '../../../state/setting-validation';
import { SettingField } from './SettingField';
import { fromDraft, showValue, toDraft, type Draft } from './setting-text';

export const SECTIONS: ReadonlyArray<{ key: SettingSpec['section']; title: string }> = [
  { key: 'app', title: 'App' },
  { key: 'server', title: 'Server' },
  { key: 'workers', title: 'Workers' },
  { key: 'logging', title: 'Logging' },
  { key: 'limits', title: 'Limits' },
  { key: 'security', title: 'Security' },
  { key: 'dev', title: 'Development' },
];

export interface SettingsFormProps {
  /** "base" or a profile name. */
  readonly layer: string;
  /** What this layer sets (secret env values masked). */
  readonly values: PartialAppSettings;
  readonly secretEnvKeys: readonly string[];
  readonly effective: EffectiveSettings | null;
  readonly onSave: (values: PartialAppSettings, secretEnvKeys: string[]) => Promise<void>;
  /** Where the save bar goes (a footer below the scrolling area, so it never covers a field); inline when absent. */
  readonly footer?: HTMLElement | null;
  /** Shown after a successful save instead of "Saved." (what it did to the running app, "Reload now"…). */
  readonly afterSave?: ReactNode;
  /** Only settings whose label, doc, flag or value match (case-insensitive words); empty: all. */
  readonly search?: string;
}

/** Does a setting match every word of the search (label, doc, CLI flags, key, the value in effect)? */
function settingMatches(spec: SettingSpec, effective: unknown, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${spec.label} ${spec.doc} ${spec.flags.join(' ')} ${spec.key} ${showValue(effective)}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

type Drafts = Partial<Record<SettingKey, Draft>>;

function draftsOf(values: PartialAppSettings): Drafts {
  const d: Drafts = {};
  for (const spec of SETTINGS) {
    if (spec.key === 'env') continue;
    const v = (values as Record<string, unknown>)[spec.key];
    if (v !== undefined) d[spec.key as SettingKey] = toDraft(spec, v);
  }
  return d;
}

/** Every problem with the drafts, by setting key, from the settings table's own schemas. */
function validateDrafts(drafts: Drafts): Partial<Record<SettingKey, string>> {
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const spec of SETTINGS) {
    const d = drafts[spec.key as SettingKey];
    if (d === undefined) continue;
    const p = fromDraft(spec, d);
    const msg = p.ok ? validateSetting(spec.key as SettingKey, p.value) : p.error;
    if (msg) errors[spec.key as SettingKey] = msg;
  }
  return errors;
}

export function SettingsForm({ layer, values, secretEnvKeys, effective, onSave, footer, afterSave, search = '' }: SettingsFormProps) {
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(values));
  const [env, setEnv] = useState<EnvRow[]>(() => envRowsFrom(values.env ?? {}, secretEnvKeys));
  const [envSet, setEnvSet] = useState(values.env !== undefined);
  const [apiErrors, setApiErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    setDrafts(draftsOf(values));
    setEnv(envRowsFrom(values.env ?? {}, secretEnvKeys));
    setEnvSet(values.env !== undefined);
    setApiErrors({});
    setFormError(null);
    setDirty(false);
  }, [values, secretEnvKeys]);

  const localErrors = useMemo(() => validateDrafts(drafts), [drafts]);
  const layerName = layer === 'base' ? 'the base settings' : `profile ${layer}`;

  const change = (key: SettingKey, d: Draft | undefined) => {
    setDrafts((cur) => {
      const next = { ...cur };
      if (d === undefined) delete next[key];
      else next[key] = d;
      return next;
    });
    setApiErrors((e) => ({ ...e, [key]: undefined }));
    setDirty(true);
    setSaved(false);
  };

  const save = async () => {
    if (Object.keys(localErrors).length > 0) {
      setFormError('Fix the fields marked in red first.');
      return;
    }
    const out: Record<string, unknown> = {};
    for (const spec of SETTINGS) {
      const d = drafts[spec.key as SettingKey];
      if (d === undefined) continue;
      const p = fromDraft(spec, d);
      if (p.ok) out[spec.key] = p.value;
    }
    const { env: envMap, secretEnvKeys: secrets } = envFromRows(env);
    if (envSet) out.env = envMap;
    setSaving(true);
    setFormError(null);
    setApiErrors({});
    try {
      await onSave(out as PartialAppSettings, secrets);
      setSaved(true);
      setDirty(false);
    } catch (e) {
      const f = fieldOfError(e);
      if (f) setApiErrors({ [f]: errorMessage(e) });
      else setFormError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const eff = effective?.settings as Record<string, unknown> | undefined;
  const formId = `settings-form-${layer}`;
  const envSpec = SETTINGS.find((x) => x.key === 'env');
  const envVisible = !envSpec || settingMatches(envSpec, eff?.env, search);
  const visibleSections = SECTIONS.filter((sec) =>
    SETTINGS.some((x) => x.section === sec.key && (x.key === 'env' ? envVisible : settingMatches(x, eff?.[x.key], search))),
  );
  const saveBar = (
    <div className="settings-savebar">
      <div role="status" aria-live="polite" className="settings-status">
        {formError && <span className="field-error">{formError}</span>}
        {!formError && saved && <span className="row">{afterSave ?? <span className="field-ok">Saved.</span>}</span>}
        {!formError && !saved && dirty && <span className="muted">Unsaved changes</span>}
      </div>
      <span className="spacer" />
      <button type="submit" form={formId} className="btn btn-primary" disabled={saving || !dirty}>
        {saving && <span className="spinner" aria-hidden="true" />}Save {layer === 'base' ? 'settings' : `profile ${layer}`}
      </button>
    </div>
  );
  return (
    <form
      id={formId}
      className="settings-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      data-testid="settings-form"
    >
      {search.trim() && visibleSections.length === 0 && (
        <p className="muted" data-testid="settings-no-match">
          No setting matches “{search.trim()}”.
        </p>
      )}
      {visibleSections.map((sec) => (
        <section key={sec.key} id={`settings-${sec.key}`} className="set-section card" aria-labelledby={`sec-${sec.key}`}>
          <h2 id={`sec-${sec.key}`} className="set-section-title">
            {sec.title}
          </h2>
          <div className="set-head" aria-hidden="true">
            <span>Setting</span>
            <span>{layer === 'base' ? 'Base value' : `In profile ${layer}`}</span>
            <span>In effect{effective ? ` (${effective.profile})` : ''}</span>
          </div>
          {SETTINGS.filter((s) => s.section === sec.key && s.key !== 'env' && settingMatches(s, eff?.[s.key], search)).map((spec) => (
            <SettingField
              key={spec.key}
              spec={spec}
              draft={drafts[spec.key as SettingKey]}
              effective={eff?.[spec.key]}
              origin={effective?.origins[spec.key as SettingKey]}
              error={apiErrors[spec.key] ?? localErrors[spec.key as SettingKey]}
              onChange={(d) => change(spec.key as SettingKey, d)}
              initial={toDraft(spec, eff?.[spec.key] ?? spec.default)}
              layerName={layerName}
            />
          ))}
          {sec.key === 'app' && envVisible && (
            <div className="set-row set-env" data-setting="env">
              <div className="set-label">
                <span className="field-label">Environment</span>
                <p className="field-hint">
                  Variables for the workers. Names containing SECRET, TOKEN, PASSWORD or KEY are masked everywhere; tick Secret to mask
                  others.
                </p>
              </div>
              <div className="set-input">
                {envSet ? (
                  <>
                    <EnvEditor
                      idPrefix="set-env"
                      rows={env}
                      onChange={(r) => {
                        setEnv(r);
                        setDirty(true);
                        setSaved(false);
                      }}
                      error={apiErrors.env}
                    />
                    <button type="button" className="btn btn-sm btn-ghost" onClick={() => (setEnvSet(false), setDirty(true))}>
                      Inherit
                    </button>
                  </>
                ) : (
                  <button type="button" className="btn btn-sm" onClick={() => (setEnvSet(true), setDirty(true))}>
                    Set here
                  </button>
                )}
              </div>
              <div className="set-effective">
                {effective && Object.keys(effective.settings.env).length > 0 ? (
                  <dl className="kv env-effective">
                    {Object.entries(effective.settings.env).map(([k, v]) => (
                      <div key={k} className="kv-pair">
                        <dt className="mono">{k}</dt>
                        <dd>
                          {showValue(v)}
                          {effective.envOrigins[k] && <span className="faint"> · {effectiveOrigin(effective.envOrigins[k])}</span>}
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <code className="set-value">(none)</code>
                )}
              </div>
            </div>
          )}
        </section>
      ))}
      {footer ? createPortal(saveBar, footer) : saveBar}
    </form>
  );
}

function effectiveOrigin(o: EffectiveSettings['envOrigins'][string]): string {
  return o.layer === 'profile' ? `profile ${o.profile}` : o.layer === 'env-file' ? o.file : o.layer === 'detected' ? 'detected' : o.layer;
}
