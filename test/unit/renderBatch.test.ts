import { afterEach, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { batchChanges, cancelChange, notifyChange } from "../../client/src/sync/renderBatch.ts";

afterEach(() => {
  vi.useRealTimers();
});

it("hands a change to React at once when its document is not being batched", () => {
  const doc = new Y.Doc();
  const listener = vi.fn();
  notifyChange(doc, listener);
  notifyChange(null, listener);
  expect(listener).toHaveBeenCalledTimes(2);
});

it("collects a batched document's changes into one notification per listener, every 100 ms", () => {
  vi.useFakeTimers();
  const [a, b] = [new Y.Doc(), new Y.Doc()];
  const done = batchChanges([a, b]);
  const first = vi.fn();
  const second = vi.fn();
  for (let i = 0; i < 5; i++) notifyChange(a, first);
  notifyChange(b, second);
  expect(first).not.toHaveBeenCalled();
  vi.advanceTimersByTime(99);
  expect(first).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(first).toHaveBeenCalledTimes(1);
  expect(second).toHaveBeenCalledTimes(1);
  done();
});

it("flushes what is pending when the batch ends, and then notifies at once again", () => {
  vi.useFakeTimers();
  const doc = new Y.Doc();
  const done = batchChanges([doc]);
  const listener = vi.fn();
  notifyChange(doc, listener);
  done();
  expect(listener).toHaveBeenCalledTimes(1);
  done(); // a second call changes nothing
  notifyChange(doc, listener);
  expect(listener).toHaveBeenCalledTimes(2);
  vi.advanceTimersByTime(500);
  expect(listener).toHaveBeenCalledTimes(2);
});

it("keeps batching a document until every batch holding it has ended", () => {
  vi.useFakeTimers();
  const doc = new Y.Doc();
  const endFirst = batchChanges([doc]);
  const endSecond = batchChanges([doc]);
  endFirst();
  const listener = vi.fn();
  notifyChange(doc, listener);
  expect(listener).not.toHaveBeenCalled();
  endSecond();
  expect(listener).toHaveBeenCalledTimes(1);
});

it("drops the pending notification of a listener that unsubscribed", () => {
  vi.useFakeTimers();
  const doc = new Y.Doc();
  const done = batchChanges([doc]);
  const listener = vi.fn();
  notifyChange(doc, listener);
  cancelChange(listener);
  vi.advanceTimersByTime(100);
  done();
  expect(listener).not.toHaveBeenCalled();
});
