// A ref callback for error output (tracebacks, failed commands): start scrolled to the end, where the line that
// says what went wrong is.
export function scrollToEnd(el: HTMLElement | null): void {
  if (el) el.scrollTop = el.scrollHeight;
}
