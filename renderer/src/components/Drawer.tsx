// A side panel over the screen: Escape or the close button closes it, focus moves in on open and back to
// where it was on close, and Tab stays inside while it is open.
import { useEffect, useRef, type ReactNode } from 'react';

export interface DrawerProps {
  readonly title: ReactNode;
  readonly label: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly testId?: string;
}

export function Drawer({ title, label, onClose, children, testId }: DrawerProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'Tab' && ref.current) {
        const f = ref.current.querySelectorAll<HTMLElement>('a[href], button:not(:disabled), input, select, textarea, [tabindex="0"]');
        if (f.length === 0) return;
        const first = f[0]!;
        const last = f[f.length - 1]!;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);

  return (
    <>
      <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" />
      <div ref={ref} className="drawer" role="dialog" aria-modal="true" aria-label={label} data-testid={testId}>
        <div className="drawer-head">
          <div className="spacer drawer-title">{title}</div>
          <button type="button" className="btn btn-sm" onClick={onClose} data-autofocus aria-keyshortcuts="Escape">
            Close <span className="kbd">Esc</span>
          </button>
        </div>
        {/* Focusable: it scrolls, and keyboard users must be able to scroll it. */}
        <div className="drawer-body" tabIndex={0} aria-label="Details">
          {children}
        </div>
      </div>
    </>
  );
}
