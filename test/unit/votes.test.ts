import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { ThemeId } from "../../shared/ids.ts";
import { readVotes, setVotes, tableParts, type Votes } from "../../shared/schema/table.ts";
import { dotsLeft, dotsOn, dotsUsed, voteTotals } from "../../shared/schema/votes.ts";

const A = "theme-a" as ThemeId;
const B = "theme-b" as ThemeId;
const C = "theme-c" as ThemeId;
const GONE = "theme-deleted" as ThemeId;

/** Votes as a peer might have stored them: junk included, which the type does not allow. */
function votes(entries: Record<string, unknown>): Votes {
  return entries as Votes;
}

describe("voteTotals", () => {
  it.each<[string, readonly Votes[], readonly ThemeId[], Record<string, number>]>([
    ["no tables", [], [A, B], { [A]: 0, [B]: 0 }],
    ["no themes", [votes({ [A]: 2 })], [], {}],
    ["one table", [votes({ [A]: 2, [B]: 1 })], [A, B], { [A]: 2, [B]: 1 }],
    [
      "several tables",
      [votes({ [A]: 2, [B]: 1 }), votes({ [B]: 3 }), votes({}), votes({ [A]: 1, [C]: 2 })],
      [A, B, C],
      { [A]: 3, [B]: 4, [C]: 2 },
    ],
    [
      "votes on deleted themes ignored",
      [votes({ [A]: 1, [GONE]: 3 }), votes({ [GONE]: 2 })],
      [A],
      { [A]: 1 },
    ],
    [
      "zero and negative entries ignored",
      [votes({ [A]: 0, [B]: -2 }), votes({ [A]: 1, [B]: -1 })],
      [A, B],
      { [A]: 1, [B]: 0 },
    ],
    [
      "non-integer and non-number entries ignored",
      [votes({ [A]: 1.5, [B]: "3" }), votes({ [A]: Number.POSITIVE_INFINITY, [B]: Number.NaN, [C]: null })],
      [A, B, C],
      { [A]: 0, [B]: 0, [C]: 0 },
    ],
    ["a theme listed twice counts once", [votes({ [A]: 2 })], [A, A], { [A]: 2 }],
  ])("%s", (_name, tableVotes, themeIds, expected) => {
    expect(voteTotals(tableVotes, themeIds)).toEqual(expected);
  });

  it("keeps ids that are also Object.prototype names as plain totals", () => {
    const proto = "__proto__" as ThemeId;
    const ctor = "constructor" as ThemeId;
    const totals = voteTotals([votes(Object.fromEntries([[proto, 2]])), votes({})], [proto, ctor]);
    expect(Object.entries(totals)).toEqual([
      [proto, 2],
      [ctor, 0],
    ]);
  });

  it("counts what tablets wrote through setVotes and readVotes", () => {
    const one = new Y.Doc();
    const two = new Y.Doc();
    setVotes(one, A, 2);
    setVotes(one, B, 1);
    setVotes(two, B, 1);
    setVotes(two, A, 1);
    setVotes(two, A, 0);
    tableParts(two).votes.set(C, "many");
    expect(voteTotals([readVotes(one), readVotes(two)], [A, B, C])).toEqual({ [A]: 2, [B]: 2, [C]: 0 });
  });
});

describe("a table's budget", () => {
  const table = votes({ [A]: 2, [B]: 1, [GONE]: 4, [C]: -1 });

  it.each<[string, readonly ThemeId[], number]>([
    ["no themes", [], 0],
    ["the round's themes", [A, B, C], 3],
    ["deleted themes free their dots", [A], 2],
    ["a theme listed twice counts once", [A, A, B], 3],
  ])("dotsUsed: %s", (_name, themeIds, used) => {
    expect(dotsUsed(table, themeIds)).toBe(used);
  });

  it.each<[number, number]>([
    [5, 2],
    [3, 0],
    // The facilitator lowered the budget after the table had voted.
    [1, 0],
    [0, 0],
  ])("dotsLeft with %d dots per table is %d", (dotsPerTable, left) => {
    expect(dotsLeft(table, [A, B, C], dotsPerTable)).toBe(left);
  });

  it.each<[ThemeId, number]>([
    [A, 2],
    [C, 0],
    ["missing" as ThemeId, 0],
    ["toString" as ThemeId, 0],
  ])("dotsOn(%s) is %d", (themeId, dots) => {
    expect(dotsOn(table, themeId)).toBe(dots);
  });
});
