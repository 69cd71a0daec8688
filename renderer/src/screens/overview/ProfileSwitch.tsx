// Which profile the app runs with (dev, staging, the user's own). On a stopped app choosing one just makes it
// the next start's. On a running app choosing one only proposes it: the switch restarts the app, so it waits
// for a confirmation that names what will restart — a <select> fires `change` on every arrow key, and browsing
// the list must not restart anything.
import { useEffect, useRef, useState } from 'react';

export interface ProfileSwitchProps {
  readonly appName: string;
  readonly profiles: readonly string[];
  readonly value: string;
  readonly disabled?: boolean;
  /** The app is running: switching restarts it, so it asks first. */
  readonly running: boolean;
  /** Workers running now, to say what stops. */
  readonly workers: number | null;
  readonly onChange: (profile: string) => void;
}

export function ProfileSwitch({ appName, profiles, value, disabled, running, workers, onChange }: ProfileSwitchProps) {
  const id = `profile-${appName.replace(/\W+/g, '-')}`;
  const [pending, setPending] = useState<string | null>(null);
  const selectRef = useRef<HTMLSelectElement>(null);
  // A proposal is about the state it was made in: once the app stops, or the profile changes elsewhere, drop it.
  useEffect(() => setPending(null), [running, value]);

  const cancel = () => {
    setPending(null);
    selectRef.current?.focus();
  };
  const confirm = () => {
    if (pending === null) return;
    const p = pending;
    setPending(null);
    onChange(p);
  };
  const what = workers && workers > 0 ? `its ${workers} worker${workers === 1 ? '' : 's'} stop` : 'it stops';

  return (
    <span className="row profile-switch">
      <label htmlFor={id} className="faint">
        Profile
      </label>
      <select
        id={id}
        ref={selectRef}
        className="select select-sm"
        value={pending ?? value}
        disabled={disabled}
        data-pending={pending !== null ? 'true' : 'false'}
        onChange={(e) => {
          const p = e.target.value;
          if (!running) return onChange(p);
          setPending(p === value ? null : p);
        }}
        onKeyDown={(e) => e.key === 'Escape' && pending !== null && (e.preventDefault(), cancel())}
        aria-label={`Profile for ${appName}`}
        aria-describedby={pending !== null ? `${id}-confirm-text` : undefined}
      >
        {profiles.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      {pending !== null && (
        <span
          className="profile-confirm card"
          role="group"
          aria-label={`Switch ${appName} to ${pending}`}
          data-testid="profile-confirm"
          onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), cancel())}
        >
          <span id={`${id}-confirm-text`} className="profile-confirm-text">
            Switching restarts <strong>{appName}</strong>: {what} (requests in flight finish first) and start again with profile{' '}
            <strong>{pending}</strong>.
          </span>
          <span className="row">
            <button type="button" className="btn btn-sm" onClick={cancel}>
              Cancel
            </button>
            <button type="button" className="btn btn-sm btn-primary" onClick={confirm}>
              Restart with {pending}
            </button>
          </span>
        </span>
      )}
    </span>
  );
}
