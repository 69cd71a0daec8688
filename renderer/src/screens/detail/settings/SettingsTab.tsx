// The Settings tab: pick a layer (base settings or a profile), edit it, see what is in effect and why,
// and write the whole thing to the project's pyproject.toml ([tool.gantry]).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../../../app/api-context';
import { useLive } from '../../../app/live-context';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import {
  profileNameSchema,
  type AppSummary,
  type AppView,
  type EffectiveSettings,
  type PartialAppSettings,
  type SaveToProjectResult,
  type SettingsApplication,
} from '../../../api/contract';
import { ApplyToRunning } from './ApplyToRunning';
import { RemoveApp } from './RemoveApp';
import { SECTIONS as SETTING_SECTIONS, SettingsForm } from './SettingsForm';
import './settings.css';

export function SettingsTab({ app }: { readonly app: AppSummary }) {
  const client = useApi();
  const { apps } = useLive();
  const id = app.definition.id;
  const [view, setView] = useState<AppView | null>(null);
  const [layer, setLayer] = useState<string>('base');
  const [effective, setEffective] = useState<EffectiveSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [newProfile, setNewProfile] = useState('');
  const [search, setSearch] = useState('');
  const [extraProfiles, setExtraProfiles] = useState<string[]>([]);
  const [footer, setFooter] = useState<HTMLDivElement | null>(null);
  // Each save gets a fresh "apply" line (its own Reload now / Restart now state).
  const [applied, setApplied] = useState<{ seq: number; value: SettingsApplication | null }>({ seq: 0, value: null });
  const [project, setProject] = useState<{ busy: boolean; result: SaveToProjectResult | null; error: string | null }>({
    busy: false,
    result: null,
    error: null,
  });

  const load = useCallback(async () => {
    try {
      setView(await client.call('getApp', { params: { id } }));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [client, id]);
  useEffect(() => void load(), [load, app.definition.updatedAt]);

  const effProfile = layer === 'base' ? (view?.definition.activeProfile ?? app.definition.activeProfile) : layer;
  useEffect(() => {
    let cancelled = false;
    // A profile added here but not saved yet: ask what it would inherit (the server knows no such profile).
    const unsaved = layer !== 'base' && !!view && !view.profiles.includes(layer) && !(layer in view.definition.profiles);
    client.call('effective', { params: { id }, query: { profile: effProfile, ...(unsaved ? { unsaved: '1' as const } : {}) } }).then(
      (e) => !cancelled && setEffective(e),
      () => !cancelled && setEffective(null),
    );
    return () => {
      cancelled = true;
    };
  }, [client, id, effProfile, view, layer]);

  const def = view?.definition;
  const running = app.status.state === 'running' || app.status.state === 'reloading';
  const profiles = useMemo(
    () => [...new Set([...(view?.profiles ?? app.profiles), ...Object.keys(def?.profiles ?? {}), ...extraProfiles])],
    [view, app.profiles, def, extraProfiles],
  );
  const values: PartialAppSettings = useMemo(() => (layer === 'base' ? (def?.settings ?? {}) : (def?.profiles[layer] ?? {})), [def, layer]);

  const save = async (v: PartialAppSettings, secretEnvKeys: string[]) => {
    if (!def) return;
    const secrets = [...new Set([...def.secretEnvKeys, ...secretEnvKeys])];
    const body =
      layer === 'base' ? { settings: v, secretEnvKeys: secrets } : { profiles: { ...def.profiles, [layer]: v }, secretEnvKeys: secrets };
    const updated = await client.call('updateApp', { params: { id }, body });
    setApplied((a) => ({ seq: a.seq + 1, value: updated.applied }));
    setView(updated);
    void apps.refresh();
  };

  const addProfile = () => {
    const name = newProfile.trim();
    if (!profileNameSchema.safeParse(name).success) return;
    setExtraProfiles((p) => [...p, name]);
    setLayer(name);
    setNewProfile('');
  };
  const newProfileError =
    newProfile && !profileNameSchema.safeParse(newProfile.trim()).success
      ? 'Lowercase letters, digits, _ and -, starting with a letter.'
      : null;

  const saveToProject = async () => {
    setProject({ busy: true, result: null, error: null });
    try {
      setProject({
        busy: false,
        result: await client.call('saveToProject', { params: { id }, body: { includeProfiles: true } }),
        error: null,
      });
    } catch (e) {
      setProject({ busy: false, result: null, error: errorMessage(e) });
    }
  };

  return (
    <div className="settings-layout">
      <div className="tab-scroll settings-tab">
        <div className="settings-top">
          <div className="layer-picker" role="group" aria-label="Settings layer">
            {['base', ...profiles].map((p) => (
              <button key={p} type="button" aria-pressed={layer === p} className="btn btn-sm layer-btn" onClick={() => setLayer(p)}>
                {p === 'base' ? 'Base settings' : `Profile: ${p}`}
                {p === def?.activeProfile && <span className="badge plain tone-ok">active</span>}
              </button>
            ))}
            <span className="row new-profile">
              <input
                className="input input-sm"
                aria-label="New profile name"
                placeholder="new profile"
                value={newProfile}
                onChange={(e) => setNewProfile(e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), addProfile())}
                aria-invalid={!!newProfileError}
              />
              <button type="button" className="btn btn-sm" onClick={addProfile} disabled={!newProfile || !!newProfileError}>
                + Add
              </button>
            </span>
          </div>
          <span className="spacer" />
          <button
            type="button"
            className="btn"
            onClick={() => void saveToProject()}
            disabled={project.busy}
            title="Write [tool.gantry] into the project's pyproject.toml"
          >
            {project.busy && <span className="spinner" aria-hidden="true" />}Save to pyproject.toml
          </button>
        </div>
        {newProfileError && <p className="field-error">{newProfileError}</p>}
        <div className="settings-find row">
          <input
            className="input input-sm settings-search"
            type="search"
            aria-label="Search settings"
            placeholder="Search settings (name, flag, value)…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <nav className="settings-sections" aria-label="Setting sections">
            {SETTING_SECTIONS.map((sec) => (
              <a
                key={sec.key}
                href={`#/apps/${encodeURIComponent(id)}/settings`}
                onClick={(e) => (e.preventDefault(), document.getElementById(`settings-${sec.key}`)?.scrollIntoView({ block: 'start' }))}
              >
                {sec.title}
              </a>
            ))}
          </nav>
        </div>
        <div role="status" aria-live="polite">
          {project.result && (
            <p className="field-ok">
              Written to <code>{project.result.path}</code>
              {!project.result.commentsPreserved && (
                <span className="tone-warn-text"> (the file was rewritten whole; its comments were lost)</span>
              )}
              .
            </p>
          )}
          {project.error && <p className="field-error">{project.error}</p>}
        </div>
        <p className="muted settings-explain">
          {layer === 'base'
            ? 'Base settings apply to every profile unless a profile overrides them. “In effect” shows the active profile’s result.'
            : view && !view.profiles.includes(layer) && !(layer in view.definition.profiles)
              ? `Profile ${layer} is new and not saved yet: it sets nothing, so “In effect” shows what it inherits from the base settings. Set what it should change, then save.`
              : `Profile ${layer} overrides the base settings. “In effect” shows what running with ${layer} would use.`}
        </p>
        {loadError && (
          <p className="field-error" role="alert">
            {loadError}
          </p>
        )}
        {def && (
          <SettingsForm
            key={layer}
            search={search}
            layer={layer}
            values={values}
            secretEnvKeys={def.secretEnvKeys}
            effective={effective}
            onSave={save}
            footer={footer}
            afterSave={
              <ApplyToRunning
                key={applied.seq}
                id={id}
                profile={app.status.profile ?? def.activeProfile}
                running={running}
                applied={applied.value}
              />
            }
          />
        )}
        {def && <RemoveApp id={id} name={def.name} />}
      </div>
      <div ref={setFooter} className="settings-footer" />
    </div>
  );
}
