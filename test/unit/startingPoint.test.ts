import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { WorkshopId } from "../../shared/ids.ts";
import { metaParts } from "../../shared/schema/meta.ts";
import {
  readStartingPoint,
  type StartingPoint,
  writeStartingPoint,
} from "../../shared/schema/startingPoint.ts";

const point: StartingPoint = {
  workshopId: "W1" as WorkshopId,
  title: "Praktikerdialog",
  date: 1_707_206_400_000,
  items: [
    { kind: "conclusion", text: "Samverkan måste skrivas in i uppdragen.", themes: ["Stuprör och slump"] },
    { kind: "action", text: "Boka ett gemensamt möte varje månad.", themes: [] },
  ],
};

describe("starting point of a follow-up", () => {
  it("round-trips through the meta document, also after syncing to another peer", () => {
    const doc = new Y.Doc();
    writeStartingPoint(doc, point);
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    expect(readStartingPoint(peer)).toEqual(point);
  });

  it.each([
    ["nothing", undefined, null],
    ["a string", "junk", null],
    ["a bad workshop id", { ...point, workshopId: "bad id" }, null],
    ["items not an array", { ...point, items: "x" }, null],
    [
      "junk items skipped",
      {
        ...point,
        items: [...point.items, { kind: "rumour", text: "x" }, null, { kind: "insight", text: 3 }],
      },
      point,
    ],
    [
      "non-string theme titles dropped",
      {
        ...point,
        items: [{ kind: "insight", text: "Misogyni i de flesta ärenden", themes: ["A", 7, null] }],
      },
      { ...point, items: [{ kind: "insight", text: "Misogyni i de flesta ärenden", themes: ["A"] }] },
    ],
  ])("reads %s safely", (_label, stored, expected) => {
    const doc = new Y.Doc();
    if (stored !== undefined) metaParts(doc).workshop.set("startingPoint", stored);
    expect(readStartingPoint(doc)).toEqual(expected);
  });
});
