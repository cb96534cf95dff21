import { describe, expect, it } from "vitest";
import { atEndOfTurn, type Stage } from "../../server/turn.ts";

/** Resolves after the end of the turn in which it was called, and of the one after it. */
function twoTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

describe("atEndOfTurn", () => {
  it("runs a turn's tasks by stage, then in the order they were scheduled", async () => {
    const ran: string[] = [];
    const schedule = (stage: Stage, name: string) => atEndOfTurn(stage, () => ran.push(name));
    schedule("commit", "commit 1");
    schedule("apply", "apply 1");
    schedule("commit", "commit 2");
    schedule("apply", "apply 2");
    await twoTurns();
    expect(ran).toEqual(["apply 1", "apply 2", "commit 1", "commit 2"]);
  });

  it("runs a commit scheduled while applying in the same turn, and an apply scheduled then in the next", async () => {
    const ran: string[] = [];
    atEndOfTurn("apply", () => {
      ran.push("apply");
      // Queued from inside this turn's check phase: the first thing of the next turn's.
      setImmediate(() => ran.push("next turn"));
      atEndOfTurn("commit", () => {
        ran.push("commit");
        atEndOfTurn("apply", () => ran.push("apply scheduled while committing"));
      });
      atEndOfTurn("apply", () => ran.push("apply scheduled while applying"));
    });
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
    expect(ran).toEqual([
      "apply",
      "commit",
      "next turn",
      "apply scheduled while applying",
      "apply scheduled while committing",
    ]);
  });

  it("lets the other tasks run when one throws, and still reports the error", async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const listeners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", (error) => errors.push(error));
    try {
      atEndOfTurn("apply", () => {
        throw new Error("boom");
      });
      atEndOfTurn("apply", () => ran.push("second apply"));
      atEndOfTurn("commit", () => ran.push("commit"));
      await twoTurns();
    } finally {
      process.removeAllListeners("uncaughtException");
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
    expect(ran).toEqual(["second apply", "commit"]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("boom");
  });
});
