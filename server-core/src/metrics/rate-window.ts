// The window rates are averaged over, in a module of its own: `gantry serve` reads it without loading the
// control contract (and so zod), and the UI reads it through the contract to name it beside the numbers.

/**
 * Seconds MetricsSnapshot.rate averages over (the current, partial second included). Every per-second figure the
 * UI shows beside it (status classes per second) uses the same window, and the UI names it, so numbers side by
 * side agree under bursty traffic instead of mixing a 5-second average with 1-second samples.
 */
export const RATE_WINDOW_SECONDS = 5;
