import type * as Y from "yjs";

/**
 * Changes reaching React in batches while a view opens many documents at once.
 *
 * The console and the screen open 40 table documents in the first second or two, one after the
 * other. Rendered as each arrives, every one costs a React render and a frame (style, layout,
 * paint) of its own; batched, a render and a frame cover every document that arrived in the last
 * `BATCH_MS`. Outside such a batch (a note arriving later, the tablet's board) a change is
 * handed to React at once, as before.
 */
const BATCH_MS = 100;

/** Documents whose changes are batched now, with how many batches hold each. */
const batched = new Map<Y.Doc, number>();
const pending = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;

/**
 * Tells React (through `listener`, a `useSyncExternalStore` callback) that `doc` changed: now, or
 * with the next batch while `doc` is being batched.
 */
export function notifyChange(doc: Y.Doc | null | undefined, listener: () => void): void {
  if (doc === null || doc === undefined || !batched.has(doc)) {
    listener();
    return;
  }
  pending.add(listener);
  timer ??= setTimeout(flush, BATCH_MS);
}

/** Drops a listener's pending notification (its component unsubscribed). */
export function cancelChange(listener: () => void): void {
  pending.delete(listener);
}

/**
 * Batches the changes of `docs` until the returned function is called, which hands React
 * everything still pending at once. Calling it again does nothing.
 */
export function batchChanges(docs: Iterable<Y.Doc>): () => void {
  const held = [...docs];
  for (const doc of held) batched.set(doc, (batched.get(doc) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const doc of held) {
      const count = (batched.get(doc) ?? 1) - 1;
      if (count > 0) batched.set(doc, count);
      else batched.delete(doc);
    }
    flush();
  };
}

function flush(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const listeners = [...pending];
  pending.clear();
  // One task: React renders what all of them changed in one pass.
  for (const listener of listeners) listener();
}
