// Per-app UI choices (table filters) kept in localStorage. Storage may be full, disabled or hold data from an
// older build, so every access is guarded and the caller sanitises what comes back.

export function safeLocal(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The parsed stored value, or null when there is none or it does not parse. */
export function recall(storage: Storage | null, key: string): unknown {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

/** Stores value, or forgets the key when value is null (nothing worth remembering). */
export function remember(storage: Storage | null, key: string, value: unknown): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the choice just is not remembered.
  }
}
