// Crash / timeout / boot-failure notices with a link to the evidence; dismissible, newest first.
import { useLive } from '../app/live-context';
import { href } from '../app/router';
import { useStore } from '../state/external-store';

export function NoticeBanner() {
  const { notices } = useLive();
  const list = useStore(notices);
  if (list.length === 0) return null;
  return (
    <section className="notices" aria-label="Notices" aria-live="assertive">
      {list.map((n) => (
        <div key={n.key} className={`alert notice tone-${n.tone}`} role="alert" data-notice={n.key.split(':')[0]}>
          <svg className="notice-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M8 1.5 15 14H1z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
            <path d="M8 6v4M8 11.5v1" stroke="currentColor" strokeWidth="1.6" />
          </svg>
          <div className="alert-body">
            <div className="notice-title">{n.title}</div>
            <div className="muted">{n.message}</div>
          </div>
          {n.link && (
            <a className="btn btn-sm" href={href(n.link.route)} onClick={() => notices.dismiss(n.key)}>
              {n.link.label}
            </a>
          )}
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => notices.dismiss(n.key)} aria-label={`Dismiss: ${n.title}`}>
            ✕
          </button>
        </div>
      ))}
    </section>
  );
}
