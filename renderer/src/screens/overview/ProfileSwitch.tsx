// Which profile the app runs with (dev, staging, the user's own). Switching a running app restarts it.
export interface ProfileSwitchProps {
  readonly appName: string;
  readonly profiles: readonly string[];
  readonly value: string;
  readonly disabled?: boolean;
  readonly onChange: (profile: string) => void;
}

export function ProfileSwitch({ appName, profiles, value, disabled, onChange }: ProfileSwitchProps) {
  const id = `profile-${appName.replace(/\W+/g, '-')}`;
  return (
    <span className="row profile-switch">
      <label htmlFor={id} className="faint">
        Profile
      </label>
      <select id={id} className="select select-sm" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} aria-label={`Profile for ${appName}`}>
        {profiles.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </span>
  );
}
