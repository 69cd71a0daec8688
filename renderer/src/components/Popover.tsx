// A toolbar button that opens a small panel below it ("Time ▾", "Export ▾"), so a toolbar keeps to two lines.
// A disclosure, not a modal: opening moves focus to the panel's first control, Escape closes it and returns
// focus to the button, and a click elsewhere closes it. The panel can close itself (a jump that scrolls the
// table should not leave the panel over the row it landed on).
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function Popover({
  id,
  label,
  panelLabel,
  active = false,
  align = 'end',
  title,
  testId,
  children,
}: {
  /** The panel's id (the button's aria-controls). */
  readonly id: string;
  /** What the button says; " ▾" is added. */
  readonly label: string;
  readonly panelLabel: string;
  /** Something set inside is in force (the button is marked, so nothing is hidden behind it). */
  readonly active?: boolean;
  /** Which edge of the button the panel lines up with: 'end' for a button late in its line, 'start' early. */
  readonly align?: 'start' | 'end';
  readonly title?: string;
  readonly testId?: string;
  readonly children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('input, select, textarea, button:not(:disabled)')?.focus();
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <span className="popover" ref={root}>
      <button
        ref={button}
        type="button"
        className={`btn btn-sm popover-button${active ? ' is-active' : ''}`}
        aria-expanded={open}
        aria-controls={id}
        data-active={active}
        data-testid={testId}
        title={title}
        onClick={() => setOpen(!open)}
      >
        {label} ▾
      </button>
      {open && (
        <div
          ref={panel}
          id={id}
          className={`popover-panel card align-${align}`}
          role="group"
          aria-label={panelLabel}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            close();
          }}
        >
          {children(close)}
        </div>
      )}
    </span>
  );
}
