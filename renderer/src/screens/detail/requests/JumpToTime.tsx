// "Jump to" in the Requests toolbar: a local clock time (read like Since/until, state/time-range.ts); Enter or Go
// scrolls the table to the first request at or after it, without filtering anything out.
import { useState, type FormEvent } from 'react';
import { TimeField } from '../../../components/TimeRangeFields';
import { timeBound } from '../../../state/time-range';

export function JumpToTime({ onJump }: { readonly onJump: (time: number) => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = timeBound(value);
    if (t !== null) onJump(t);
  };
  return (
    <form className="row f-jump" role="search" aria-label="Jump to a time" onSubmit={submit}>
      <TimeField id="f-jump" label="Jump to" value={value} onChange={setValue} />
      <button type="submit" className="btn btn-sm" disabled={timeBound(value) === null} data-testid="jump-go">
        Go
      </button>
    </form>
  );
}
