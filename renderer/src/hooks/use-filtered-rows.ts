// A RowStore's rows through a filter, recomputed incrementally per batch (see FilteredView).
import { useMemo, useRef, useSyncExternalStore } from 'react';
import { FilteredView, type FilteredRows } from '../state/filtered-view';
import type { RowSnapshot, RowStore } from '../state/row-store';

export function useFilteredRows<T>(
  store: RowStore<T>,
  predicate: (row: T) => boolean,
): { view: FilteredRows<T>; snapshot: RowSnapshot<T> } {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const viewRef = useRef<FilteredView<T> | null>(null);
  viewRef.current ??= new FilteredView<T>();
  const view = useMemo(() => viewRef.current!.update(snapshot, predicate), [snapshot, predicate]);
  return { view, snapshot };
}
