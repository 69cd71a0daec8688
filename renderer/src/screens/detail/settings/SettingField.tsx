// One setting in the form: its label and one-line doc from the settings table, the input for its kind,
// whether this layer sets it or inherits it, the value in effect with where it came from, and the
// validation message (local or from the API) right beside it.
import { settingApplies, type SettingOrigin, type SettingSpec } from '../../../api/contract';
import { showValue, type Draft } from './setting-text';

export interface SettingFieldProps {
  readonly spec: SettingSpec;
  /** undefined: this layer does not set it (inherits). */
  readonly draft: Draft | undefined;
  readonly effective: unknown;
  readonly origin: SettingOrigin | undefined;
  readonly error: string | undefined;
  readonly onChange: (d: Draft | undefined) => void;
  /** The draft to start from when the user overrides an inherited value. */
  readonly initial: Draft;
  readonly layerName: string;
}

function originLabel(o: SettingOrigin | undefined): string {
  if (!o) return '';
  switch (o.layer) {
    case 'default':
      return 'default';
    case 'app':
      return 'app';
    case 'profile':
      return `profile ${o.profile}${o.builtin ? ' (built-in)' : ''}`;
    case 'env-file':
      return o.file;
    case 'detected':
      return `detected: ${o.detail}`;
  }
}

export function SettingField({ spec, draft, effective, origin, error, onChange, initial, layerName }: SettingFieldProps) {
  const id = `set-${spec.key}`;
  const set = draft !== undefined;
  const enumOptions = (spec.schema as unknown as { options?: unknown }).options;
  const options = Array.isArray(enumOptions) ? (enumOptions as string[]) : null;
  const describedBy = `${id}-doc${error ? ` ${id}-err` : ''}`;

  let input;
  if (!set) {
    input = (
      <button type="button" className="btn btn-sm" onClick={() => onChange(initial)} aria-label={`Set here: ${spec.label} in ${layerName}`}>
        Set here
      </button>
    );
  } else if (spec.kind === 'bool') {
    input = (
      <input
        id={id}
        type="checkbox"
        className="checkbox"
        checked={draft === true}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={describedBy}
      />
    );
  } else if (options) {
    input = (
      <select
        id={id}
        className="select"
        value={String(draft)}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'list' || spec.kind === 'map') {
    input = (
      <textarea
        id={id}
        className="textarea"
        rows={Math.min(6, Math.max(2, String(draft).split('\n').length + 1))}
        value={String(draft)}
        placeholder={spec.kind === 'map' ? `${spec.metavar ?? 'KEY=VALUE'}, one per line` : `${spec.metavar ?? 'value'}, one per line`}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy}
      />
    );
  } else {
    input = (
      <input
        id={id}
        className={`input ${spec.kind === 'string' ? 'input-mono set-text' : 'set-num'}`}
        inputMode={spec.kind === 'int' ? 'numeric' : spec.kind === 'number' ? 'decimal' : undefined}
        value={String(draft)}
        placeholder={spec.metavar}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={describedBy}
      />
    );
  }

  return (
    <div className="set-row" data-setting={spec.key} data-set={set ? 'true' : 'false'} data-invalid={error ? 'true' : 'false'}>
      <div className="set-label">
        {set ? (
          <label htmlFor={id} className="field-label">
            {spec.label}
          </label>
        ) : (
          <span className="field-label">{spec.label}</span>
        )}
        <AppliesTag applies={settingApplies(spec.key)} />
        <p id={`${id}-doc`} className="field-hint">
          {spec.doc}
          {spec.flags.length > 0 && <span className="faint mono"> {spec.flags[spec.flags.length - 1]}</span>}
        </p>
      </div>
      <div className="set-input">
        <div className="row">
          {input}
          {set && (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              onClick={() => onChange(undefined)}
              title={`Stop setting ${spec.label} in ${layerName}; inherit it`}
            >
              Inherit
            </button>
          )}
        </div>
        {error && (
          <p id={`${id}-err`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="set-effective">
        <code className="set-value" title={showValue(effective)}>
          {showValue(effective)}
        </code>
        {origin && <span className={`badge plain origin-${origin.layer}`}>{originLabel(origin)}</span>}
      </div>
    </div>
  );
}

/** When a saved change reaches a running app; nothing is shown for the common case (the next reload). */
function AppliesTag({ applies }: { readonly applies: ReturnType<typeof settingApplies> }) {
  if (applies === 'reload') return null;
  return applies === 'live' ? (
    <span className="applies-tag is-live" title="Saving applies it to the running app at once">
      applies live
    </span>
  ) : (
    <span className="applies-tag faint" title="A running app takes it only when restarted (a reload is not enough)">
      needs restart
    </span>
  );
}
