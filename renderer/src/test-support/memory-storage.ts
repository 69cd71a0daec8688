// A Storage kept in a Map, for the tests of what the UI remembers per app (filters): the test reads and plants raw
// entries in `store`, the code under test gets `storage`.
export function memoryStorage(): { readonly store: Map<string, string>; readonly storage: Storage } {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  } as unknown as Storage;
  return { store, storage };
}
