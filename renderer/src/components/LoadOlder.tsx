// The control at the top of a live list (the Requests table, the Output log) when the reader is at its top: load
// the page before the oldest row held, or, when there is none to load, say why (the start of what is kept, or the
// list is full). One home, so both lists offer it the same way.
export type LoadOlderState =
  | { readonly kind: 'more' }
  | { readonly kind: 'loading' }
  /** Nothing more to load: `text` says why (shown as a note, not a button). */
  | { readonly kind: 'end'; readonly text: string };

export function LoadOlder({
  state,
  noun,
  onLoad,
  className = '',
}: {
  readonly state: LoadOlderState;
  /** What the list holds, plural: "requests", "lines". */
  readonly noun: string;
  readonly onLoad: () => void;
  /** Where it sits over the list (each list has its own top). */
  readonly className?: string;
}) {
  if (state.kind === 'end')
    return (
      <p className={`load-older load-older-end ${className}`} role="status" data-testid="load-older-end">
        {state.text}
      </p>
    );
  return (
    <button
      type="button"
      className={`btn btn-sm load-older ${className}`}
      onClick={onLoad}
      disabled={state.kind === 'loading'}
      data-testid="load-older"
    >
      {state.kind === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}↑ Load older {noun}
    </button>
  );
}
