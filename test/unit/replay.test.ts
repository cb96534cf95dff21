import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { replayUpdates, stateAsOneUpdate } from "../../server/store/replay.ts";

/** A table's log as the relay stores it: one row per change, here one character each. */
function log(rows: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const notes = doc.getMap<Y.Text>("notes");
  for (let i = 0; i < 5; i++) notes.set(`n${i}`, new Y.Text());
  for (let i = 0; updates.length < rows; i++) {
    const text = notes.get(`n${i % 5}`);
    if (i % 7 === 6 && text !== undefined && text.length > 0) text.delete(0, 1);
    else text?.insert(text.length, "a");
  }
  return updates;
}

describe("stateAsOneUpdate", () => {
  it("gives Yjs' empty update for a document without rows", () => {
    expect(stateAsOneUpdate([])).toEqual(Y.mergeUpdates([]));
  });

  it("gives a single row as it is", () => {
    const [row] = log(1);
    expect(stateAsOneUpdate([row!])).toBe(row);
  });

  it.each([2, 50, 200, 201, 1_000])("stands for %i rows: the same state as replaying them", (rows) => {
    const updates = log(rows);
    const replayed = replayUpdates(updates);
    const merged = new Y.Doc();
    Y.applyUpdate(merged, stateAsOneUpdate(updates));
    expect(Y.equalSnapshots(Y.snapshot(merged), Y.snapshot(replayed))).toBe(true);
    expect(merged.getMap("notes").toJSON()).toEqual(replayed.getMap("notes").toJSON());
  });
});
