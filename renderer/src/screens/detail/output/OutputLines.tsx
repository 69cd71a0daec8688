// A short list of output lines (a request's print()s and traceback in the drawer), each with the stream it
// came from. The Output tab uses a virtualised list instead; this one renders everything.
import type { OutputRecord } from '../../../api/contract';
import { fmtClock } from '../../../format';
import { continuesPrevious } from '../../../state/output-grouping';

export function OutputLines({ lines }: { readonly lines: readonly OutputRecord[] }) {
  return (
    <div className="codeblock out-lines" role="log" tabIndex={0} aria-label="Output lines">
      {lines.map((l, i) => {
        const cont = continuesPrevious(lines[i - 1], l);
        return (
          <div key={l.seq} className={`out-line lvl-${l.level} src-${l.source}${cont ? ' out-cont' : ''}`} data-level={l.level}>
            <span className="out-time">{cont ? '' : fmtClock(l.time)}</span>
            <span className={`out-level lvl-${l.level}`}>{cont ? '' : l.level}</span>
            <span className="out-src faint" data-testid="out-stream">
              {cont ? '' : l.source}
            </span>
            <span className="out-text">{l.text}</span>
          </div>
        );
      })}
    </div>
  );
}
