// The mark on a response the client got incomplete (the access entry's `truncated`: the app sent less than
// its Content-Length, raised mid-body, or its worker died), beside the status in the table and the drawer.
// The status alone says 200 for such a response; this says the client did not get all of it.
import type { AccessEntry } from '../../../api/contract';

const WHY =
  'The client got an incomplete response: the app sent less than its Content-Length, raised mid-body, or its worker died. The connection (or HTTP/2 stream) was cut so the client could tell.';

export function TruncatedBadge({ entry }: { entry: Pick<AccessEntry, 'truncated'> }) {
  if (entry.truncated !== true) return null;
  return (
    <span className="req-truncated" title={WHY} data-testid="truncated-badge">
      truncated
    </span>
  );
}
