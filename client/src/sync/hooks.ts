import { useCallback, useRef, useSyncExternalStore } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { cancelChange, notifyChange } from "./renderBatch.ts";
import type { SyncedDoc, SyncState } from "./syncedDoc.ts";

/** The sync status of a document, re-rendering only when it changes. */
export function useSyncState(synced: SyncedDoc): SyncState {
  return useSyncExternalStore(synced.subscribe, synced.getSnapshot);
}

/** A Yjs type, or anything observed like one; `doc` says whose changes it reports (see renderBatch). */
type Observable = Pick<Y.AbstractType<unknown>, "observeDeep" | "unobserveDeep"> & {
  readonly doc?: Y.Doc | null;
};

/**
 * A value read from a Yjs type (and everything below it), recomputed only when that type
 * changes or `deps` (what `read` depends on besides the type, like a round id) change, and
 * handed to React only when it differs by `isEqual`: a note's card subscribes to its own
 * note, so typing in one note re-renders only that card.
 */
export function useYValue<T>(
  type: Observable | null,
  read: () => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
  deps: readonly unknown[] = [],
): T {
  const cache = useRef<{
    version: number;
    type: Observable | null;
    deps: readonly unknown[];
    value: T;
  } | null>(null);
  const version = useRef(0);
  const readRef = useRef(read);
  readRef.current = read;
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (type === null) return () => {};
      // Whatever changed between the render and this subscription is caught by React's
      // check right after it: make that check read afresh.
      version.current++;
      const listener = () => {
        version.current++;
        notifyChange(type.doc, onChange);
      };
      type.observeDeep(listener);
      return () => {
        type.unobserveDeep(listener);
        cancelChange(onChange);
      };
    },
    [type],
  );
  const getSnapshot = (): T => {
    const cached = cache.current;
    const sameSource = cached !== null && cached.type === type && shallowArrayEqual(cached.deps, deps);
    if (sameSource && cached.version === version.current) return cached.value;
    const next = readRef.current();
    const value = sameSource && isEqual(cached.value, next) ? cached.value : next;
    cache.current = { version: version.current, type, deps, value };
    return value;
  };
  return useSyncExternalStore(subscribe, getSnapshot);
}

/** Presence states of everyone on a document, by client id. */
export function useAwarenessStates(awareness: Awareness): ReadonlyMap<number, Record<string, unknown>> {
  const cache = useRef<Map<number, Record<string, unknown>> | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const listener = () => notifyChange(awareness.doc, onChange);
      awareness.on("change", listener);
      return () => {
        awareness.off("change", listener);
        cancelChange(onChange);
      };
    },
    [awareness],
  );
  return useSyncExternalStore(subscribe, () => {
    // Compared, not only invalidated by the listener: a change that lands between the render
    // and the subscription must still show (states are replaced, never mutated, on update).
    const states = awareness.getStates() as Map<number, Record<string, unknown>>;
    if (cache.current === null || !sameEntries(cache.current, states)) cache.current = new Map(states);
    return cache.current;
  });
}

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (!Object.is(b.get(key), value)) return false;
  return true;
}

export function shallowArrayEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => Object.is(item, b[i]));
}

/** Equality of plain JSON-like values (readers return fresh objects each time). */
export function jsonEqual<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adapts a whole Y.Doc to `useYValue`: any change anywhere in it counts. */
export function docObservable(doc: Y.Doc): Observable {
  const listeners = new Map<() => void, () => void>();
  return {
    doc,
    observeDeep(listener) {
      const onUpdate = () => (listener as () => void)();
      listeners.set(listener as () => void, onUpdate);
      doc.on("update", onUpdate);
    },
    unobserveDeep(listener) {
      const onUpdate = listeners.get(listener as () => void);
      if (onUpdate) doc.off("update", onUpdate);
      listeners.delete(listener as () => void);
    },
  };
}
