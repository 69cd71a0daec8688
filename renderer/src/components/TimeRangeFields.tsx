// "Since … until …" in a logs toolbar (Requests and Output): local clock times like the Time columns, read by
// state/time-range.ts. A value that is not (yet) a time is marked invalid and filters nothing.
import { isBadTime } from '../state/time-range';

export interface TimeRange {
  readonly since: string;
  readonly until: string;
}

export function TimeRangeFields({
  idPrefix,
  range,
  onChange,
}: {
  /** Makes the inputs' ids unique on the page ('f' → f-since, f-until). */
  readonly idPrefix: string;
  readonly range: TimeRange;
  readonly onChange: (range: TimeRange) => void;
}) {
  return (
    <span className="row f-time" role="group" aria-label="Time range">
      <TimeField id={`${idPrefix}-since`} label="Since" value={range.since} onChange={(since) => onChange({ ...range, since })} />
      <TimeField id={`${idPrefix}-until`} label="until" value={range.until} onChange={(until) => onChange({ ...range, until })} />
    </span>
  );
}

/** One labelled datetime-local input, to the second (also "Jump to" in the Requests toolbar). */
export function TimeField({
  id,
  label,
  value,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={id} className="faint">
        {label}
      </label>
      <input
        id={id}
        className="input input-sm f-time-input"
        type="datetime-local"
        step={1}
        value={value}
        aria-invalid={isBadTime(value)}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
