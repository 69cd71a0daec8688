// "Time ▾" in a logs toolbar (Requests and Output): Since / until and Jump to behind one button. Closed, the
// button names the range in force ("Since 10:00:30"), so a filter is never hidden behind it; a jump closes the
// panel so the row it lands on is not under it.
import { hasTimeRange, timeRangeLabel } from '../state/time-range';
import { JumpToTime } from './JumpToTime';
import { Popover } from './Popover';
import { TimeRangeFields, type TimeRange } from './TimeRangeFields';

export function TimePopover({
  idPrefix,
  range,
  onChange,
  onJump,
}: {
  /** Makes ids unique on the page ('f' → f-since, f-until, f-jump, f-time-panel). */
  readonly idPrefix: string;
  readonly range: TimeRange;
  readonly onChange: (range: TimeRange) => void;
  /** Jump to a time (scrolls, filters nothing); without it the panel holds the range only. */
  readonly onJump?: ((time: number) => void) | undefined;
}) {
  return (
    <Popover
      id={`${idPrefix}-time-panel`}
      label={timeRangeLabel(range.since, range.until) ?? 'Time'}
      panelLabel="Time"
      active={hasTimeRange(range.since, range.until)}
      title="Time range and jump to a time (local clock, like the Time column)"
      testId="time-button"
    >
      {(close) => (
        <div className="time-panel">
          <TimeRangeFields idPrefix={idPrefix} range={range} onChange={onChange} />
          {onJump && <JumpToTime id={`${idPrefix}-jump`} onJump={(t) => (close(), onJump(t))} />}
        </div>
      )}
    </Popover>
  );
}
