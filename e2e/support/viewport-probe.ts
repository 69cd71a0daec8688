// Looks at what is on screen in a scrolling log (not at the stores behind it): sampled in the page at a fixed
// interval, each sample says whether the visible area is covered by rows, which row is at the top and
// where, and whether the newest row is in view. Runs inside the page (page.evaluate), so it must be
// self-contained.

export interface ViewportSample {
  readonly t: number;
  /** Every pixel row of the visible area (below a sticky header) has a row painted over it. */
  readonly covered: boolean;
  /** Pixels of the visible area with no row over them. */
  readonly gapPx: number;
  /** The first row at least partly visible: its identity and its offset from the visible area's top. */
  readonly topId: string | null;
  readonly topOffset: number;
  /** The row with the highest index is in the DOM and its bottom edge is at the visible area's bottom. */
  readonly newestInView: boolean;
  readonly rowsInDom: number;
}

export interface ProbeSpec {
  /** CSS selector of the scrolling element. */
  readonly scroller: string;
  /** CSS selector of the rows inside it (each with a numeric index attribute). */
  readonly rows: string;
  /** Attribute holding a row's index (0-based or 1-based, only its order matters). */
  readonly indexAttr: string;
  /** Attribute naming a row's identity. */
  readonly idAttr: string;
  /** Height of a sticky header at the top of the scroller, not part of the visible rows. */
  readonly headerPx: number;
  /** Attribute on the scroller holding the index of the newest row… */
  readonly lastIndexAttr?: string;
  /** …or an element whose text starts with the number of rows (the newest then has index count - 1). */
  readonly countText?: string;
  readonly everyMs: number;
  readonly forMs: number;
}

/** Runs in the page: samples every `everyMs` (on an animation frame, so what is measured is what is painted). */
export function sampleViewport(spec: ProbeSpec): Promise<ViewportSample[]> {
  const samples: ViewportSample[] = [];
  const start = performance.now();
  const measure = (): ViewportSample => {
    const el = document.querySelector<HTMLElement>(spec.scroller);
    if (!el)
      return { t: performance.now() - start, covered: false, gapPx: -1, topId: null, topOffset: 0, newestInView: false, rowsInDom: 0 };
    const box = el.getBoundingClientRect();
    const top = box.top + el.clientTop + spec.headerPx;
    const bottom = box.top + el.clientTop + el.clientHeight;
    const spans: [number, number, string, number][] = [];
    for (const row of el.querySelectorAll<HTMLElement>(spec.rows)) {
      const r = row.getBoundingClientRect();
      if (r.bottom <= top || r.top >= bottom) continue;
      spans.push([
        Math.max(top, r.top),
        Math.min(bottom, r.bottom),
        row.getAttribute(spec.idAttr) ?? '',
        Number(row.getAttribute(spec.indexAttr)),
      ]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    let reach = top;
    let gap = 0;
    for (const [a, b] of spans) {
      if (a > reach + 0.5) gap += a - reach;
      reach = Math.max(reach, b);
    }
    if (reach < bottom - 0.5) gap += bottom - reach;
    const first = spans[0];
    let firstTop = 0;
    if (first) {
      const row = [...el.querySelectorAll<HTMLElement>(spec.rows)].find((r) => r.getAttribute(spec.idAttr) === first[2]);
      firstTop = row ? row.getBoundingClientRect().top - top : 0;
    }
    const countEl = spec.countText ? document.querySelector(spec.countText) : null;
    const lastIndex = spec.lastIndexAttr
      ? Number(el.getAttribute(spec.lastIndexAttr))
      : Number((countEl?.textContent ?? '').replace(/[,\u202f\u00a0 ]/g, '').match(/^\d+/)?.[0] ?? NaN) - 1;
    const newest = spans.find((s) => s[3] === lastIndex);
    const newestInView = newest !== undefined && Math.abs(newest[1] - bottom) <= 1.5;
    return {
      t: performance.now() - start,
      covered: gap <= 1,
      gapPx: Math.round(gap),
      topId: first?.[2] ?? null,
      topOffset: Math.round(firstTop),
      newestInView,
      rowsInDom: spans.length,
    };
  };
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      requestAnimationFrame(() => {
        samples.push(measure());
        if (performance.now() - start >= spec.forMs) {
          clearInterval(timer);
          resolve(samples);
        }
      });
    }, spec.everyMs);
  });
}
