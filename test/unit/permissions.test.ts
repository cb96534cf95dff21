import { describe, expect, it } from "vitest";
import { type DocRef, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { type Access, accessTo, dependsOnReveal, type Principal } from "../../shared/permissions.ts";

const W = "workshopA" as WorkshopId;
const OTHER_W = "workshopB" as WorkshopId;
const OWN = "tableOne" as TableId;
const OTHER = "tableTwo" as TableId;

type RoleName = Principal["role"];
type Kind = "meta" | "own table" | "other table" | "synthesis";

function principal(role: RoleName, workshopId: WorkshopId = W): Principal {
  if (role === "table") return { role, workshopId, tableId: OWN };
  return { role, workshopId };
}

/** "own table" is the table a table token belongs to; for the other roles it is just a table. */
function doc(kind: Kind, workshopId: WorkshopId): DocRef {
  switch (kind) {
    case "meta":
      return metaDoc(workshopId);
    case "own table":
      return tableDoc(workshopId, OWN);
    case "other table":
      return tableDoc(workshopId, OTHER);
    case "synthesis":
      return synthesisDoc(workshopId);
  }
}

/**
 * DESIGN.md §4, written out by hand: role, document, access with reveal off, access with reveal on.
 *
 * | role        | meta       | own table  | other tables        | synthesis  |
 * | facilitator | read-write | read-write | read-write          | read-write |
 * | table       | read       | read-write | read while revealed | read       |
 * | screen      | read       | read       | read                | read       |
 */
const MATRIX: readonly (readonly [RoleName, Kind, Access, Access])[] = [
  ["facilitator", "meta", "write", "write"],
  ["facilitator", "own table", "write", "write"],
  ["facilitator", "other table", "write", "write"],
  ["facilitator", "synthesis", "write", "write"],
  ["table", "meta", "read", "read"],
  ["table", "own table", "write", "write"],
  ["table", "other table", "none", "read"],
  ["table", "synthesis", "read", "read"],
  ["screen", "meta", "read", "read"],
  ["screen", "own table", "read", "read"],
  ["screen", "other table", "read", "read"],
  ["screen", "synthesis", "read", "read"],
];

const ROWS = MATRIX.flatMap(([role, kind, off, on]) => [
  [role, kind, false, off] as const,
  [role, kind, true, on] as const,
]);

describe("accessTo", () => {
  it("covers every role and document kind", () => {
    expect(new Set(MATRIX.map(([role, kind]) => `${role}:${kind}`)).size).toBe(3 * 4);
  });

  it.each(ROWS)("%s on %s of its own workshop, revealed=%s: %s", (role, kind, revealed, expected) => {
    expect(accessTo(principal(role), doc(kind, W), { revealed })).toBe(expected);
  });

  it.each(ROWS)("%s on %s of another workshop, revealed=%s: none", (role, kind, revealed) => {
    expect(accessTo(principal(role), doc(kind, OTHER_W), { revealed })).toBe("none");
  });

  it("does not confuse a table of another workshop with the same table id", () => {
    const table = principal("table");
    expect(accessTo(table, tableDoc(OTHER_W, OWN), { revealed: true })).toBe("none");
    expect(accessTo(table, tableDoc(OTHER_W, OWN), { revealed: false })).toBe("none");
  });
});

describe("dependsOnReveal", () => {
  /** Only a table reading another table's board depends on the reveal flag. */
  const CASES: readonly (readonly [RoleName, Kind, boolean])[] = [
    ["facilitator", "meta", false],
    ["facilitator", "own table", false],
    ["facilitator", "other table", false],
    ["facilitator", "synthesis", false],
    ["table", "meta", false],
    ["table", "own table", false],
    ["table", "other table", true],
    ["table", "synthesis", false],
    ["screen", "meta", false],
    ["screen", "own table", false],
    ["screen", "other table", false],
    ["screen", "synthesis", false],
  ];

  it.each(CASES)("%s on %s: %s", (role, kind, expected) => {
    expect(dependsOnReveal(principal(role), doc(kind, W))).toBe(expected);
  });

  it("agrees with accessTo: exactly the accesses that change with reveal depend on it", () => {
    for (const [role, kind, off, on] of MATRIX) {
      expect(dependsOnReveal(principal(role), doc(kind, W))).toBe(off !== on);
    }
  });
});
