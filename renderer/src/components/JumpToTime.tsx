// "Jump to" in a logs toolbar (Requests and Output): a local clock time (read like Since/until,
// state/time-range.ts); Enter or Go asks to scroll to the first row at or after it, without filtering anything out.
import { useState, type FormEvent } from 'react';
import { timeBound } from '../state/time-range';
import { TimeField } from './TimeRangeFields';

export function JumpToTime({ id, onJump }: { readonly id: string; readonly onJump: (time: number) => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = timeBound(value);
    if (t !== null) onJump(t);
  };
  return (
    <form className="row f-jump" role="search" aria-label="Jump to a time" onSubmit={submit}>
      <TimeField id={id} label="Jump to" value={value} onChange={setValue} />
      <button type="submit" className="btn btn-sm" disabled={timeBound(value) === null} data-testid="jump-go">
        Go
      </button>
    </form>
  );
}
