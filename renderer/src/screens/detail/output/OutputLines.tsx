// A short list of output lines (a request's traceback in the drawer). The Output tab uses a virtualised
// list instead; this one renders everything.
import type { OutputRecord } from '../../../api/contract';
import { fmtClock } from '../../../format';

export function OutputLines({ lines }: { readonly lines: readonly OutputRecord[] }) {
  return (
    <div className="codeblock out-lines" role="log">
      {lines.map((l) => (
        <div key={l.seq} className={`out-line lvl-${l.level} src-${l.source}`} data-level={l.level}>
          <span className="out-time">{fmtClock(l.time)}</span>
          <span className={`out-level lvl-${l.level}`}>{l.level}</span>
          <span className="out-text">{l.text}</span>
        </div>
      ))}
    </div>
  );
}
