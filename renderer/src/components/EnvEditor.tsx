// Environment variables as editable rows. Values of secret names are masked (a password field) and the
// API's mask "••••" round-trips unchanged, which tells the server to keep the stored value.
import { isSecretEnvKey, SECRET_MASK } from '../api/contract';

export interface EnvRow {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
}

export function envRowsFrom(env: Readonly<Record<string, string>>, secretKeys: readonly string[]): EnvRow[] {
  return Object.entries(env).map(([key, value]) => ({ key, value, secret: isSecretEnvKey(key, secretKeys) }));
}

export function envFromRows(rows: readonly EnvRow[]): { env: Record<string, string>; secretEnvKeys: string[] } {
  const env: Record<string, string> = {};
  const secretEnvKeys: string[] = [];
  for (const r of rows) {
    const k = r.key.trim();
    if (!k) continue;
    env[k] = r.value;
    if (r.secret) secretEnvKeys.push(k);
  }
  return { env, secretEnvKeys };
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvEditorProps {
  readonly rows: readonly EnvRow[];
  readonly onChange: (rows: EnvRow[]) => void;
  readonly error?: string | undefined;
  readonly idPrefix: string;
}

export function EnvEditor({ rows, onChange, error, idPrefix }: EnvEditorProps) {
  const update = (i: number, patch: Partial<EnvRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="env-editor">
      {rows.length > 0 && (
        <div className="env-row env-head" aria-hidden="true">
          <span>Name</span>
          <span>Value</span>
          <span>Secret</span>
          <span />
        </div>
      )}
      {rows.map((r, i) => {
        const bad = r.key.trim() !== '' && !NAME_RE.test(r.key.trim());
        return (
          <div className="env-row" key={i}>
            <input
              className="input input-mono"
              aria-label={`Variable ${i + 1} name`}
              id={`${idPrefix}-k${i}`}
              value={r.key}
              placeholder="NAME"
              aria-invalid={bad}
              onChange={(e) => update(i, { key: e.target.value, secret: r.secret || isSecretEnvKey(e.target.value) })}
            />
            <input
              className="input input-mono"
              aria-label={`Variable ${i + 1} value`}
              type={r.secret ? 'password' : 'text'}
              autoComplete="off"
              value={r.value}
              placeholder="value"
              onFocus={(e) => r.value === SECRET_MASK && e.target.select()}
              onChange={(e) => update(i, { value: e.target.value })}
            />
            <input
              type="checkbox"
              className="checkbox"
              aria-label={`Variable ${i + 1} is secret`}
              checked={r.secret}
              onChange={(e) => update(i, { secret: e.target.checked })}
            />
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              aria-label={`Remove variable ${r.key || i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              ✕
            </button>
            {bad && <span className="field-error env-row-error">Names are letters, digits and _, not starting with a digit.</span>}
          </div>
        );
      })}
      <div>
        <button type="button" className="btn btn-sm" onClick={() => onChange([...rows, { key: '', value: '', secret: false }])}>
          + Add variable
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
