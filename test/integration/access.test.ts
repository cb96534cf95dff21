import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { type DocRef, docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { setRevealed } from "../../shared/schema/meta.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

type Who = "facilitator" | "table" | "screen";
type Which = "meta" | "own table" | "other table" | "synthesis";
type Expected = "write" | "read" | "refused";

/** DESIGN.md §4, row by row (reveal off). */
const MATRIX: readonly [Who, Which, Expected][] = [
  ["facilitator", "meta", "write"],
  ["facilitator", "own table", "write"],
  ["facilitator", "other table", "write"],
  ["facilitator", "synthesis", "write"],
  ["table", "meta", "read"],
  ["table", "own table", "write"],
  ["table", "other table", "refused"],
  ["table", "synthesis", "read"],
  ["screen", "meta", "read"],
  ["screen", "own table", "read"],
  ["screen", "other table", "read"],
  ["screen", "synthesis", "read"],
];

interface Setup {
  server: TestServer;
  workshop: CreateWorkshopResponse;
  tableToken: string;
}

async function setup(): Promise<Setup> {
  const server = await startServer();
  const workshop = await server.createWorkshop({ tables: ["Bord 1", "Bord 2"] });
  const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
  return { server, workshop, tableToken };
}

function refOf({ workshop }: Setup, which: Which): DocRef {
  const id = workshop.workshopId;
  if (which === "meta") return metaDoc(id);
  if (which === "synthesis") return synthesisDoc(id);
  return tableDoc(id, workshop.tables[which === "own table" ? 0 : 1]!.id);
}

function tokenOf(s: Setup, who: Who): string {
  if (who === "facilitator") return s.workshop.facilitatorToken;
  if (who === "screen") return s.workshop.screenToken;
  return s.tableToken;
}

/** What the server holds for a document, as a state vector, read through a facilitator client. */
async function serverStateVector(s: Setup, name: string): Promise<Uint8Array> {
  const probe = connectClient(s.server, name, s.workshop.facilitatorToken);
  await probe.synced();
  const vector = Y.encodeStateVector(probe.doc);
  probe.destroy();
  return vector;
}

describe("permission matrix", () => {
  it.each(MATRIX)("%s on %s: %s", async (who, which, expected) => {
    const s = await setup();
    const name = docName(refOf(s, which));
    const client = connectClient(s.server, name, tokenOf(s, who));

    if (expected === "refused") {
      expect(await client.refused()).toBe(CloseCode.Forbidden);
      return;
    }
    await client.synced();
    const before = await serverStateVector(s, name);
    const dropped = s.server.app.relay.stats.readOnlyUpdatesDropped;
    client.doc.getMap("probe").set("written-by", who);

    if (expected === "write") {
      await eventually(async () => expect(await serverStateVector(s, name)).not.toEqual(before));
      const other = connectClient(s.server, name, s.workshop.facilitatorToken);
      await other.synced();
      expect(other.doc.getMap("probe").get("written-by")).toBe(who);
    } else {
      // The server saw the update and dropped it: its state vector is unchanged.
      await eventually(() =>
        expect(s.server.app.relay.stats.readOnlyUpdatesDropped).toBeGreaterThan(dropped),
      );
      expect(await serverStateVector(s, name)).toEqual(before);
    }
  });

  it("lets a table read another table's board only while revealed, and closes it with 4403 when reveal ends", async () => {
    const s = await setup();
    const facilitatorMeta = connectClient(
      s.server,
      docName(metaDoc(s.workshop.workshopId)),
      s.workshop.facilitatorToken,
    );
    await facilitatorMeta.synced();
    setRevealed(facilitatorMeta.doc, true);
    const otherName = docName(refOf(s, "other table"));
    await eventually(async () => {
      const reader = connectClient(s.server, otherName, s.tableToken);
      try {
        await reader.synced();
      } finally {
        reader.destroy();
      }
    });

    const reader = connectClient(s.server, otherName, s.tableToken);
    await reader.synced();
    setRevealed(facilitatorMeta.doc, false);
    expect(await reader.refused()).toBe(CloseCode.Forbidden);
  });
});

describe("refusals happen before any document exists", () => {
  type WithOther = Setup & { other: string };
  const cases: readonly [string, (s: WithOther) => { name: string; token: string }, number][] = [
    [
      "an unknown workshop",
      (s) => ({ name: "nosuchworkshop/meta", token: s.workshop.facilitatorToken }),
      CloseCode.Forbidden,
    ],
    [
      "a forged token",
      (s) => ({ name: docName(refOf(s, "synthesis")), token: "A".repeat(43) }),
      CloseCode.Unauthorized,
    ],
    ["no token", (s) => ({ name: docName(refOf(s, "synthesis")), token: "" }), CloseCode.Unauthorized],
    [
      "a malformed document name",
      (s) => ({ name: `${s.workshop.workshopId}/secrets`, token: s.workshop.facilitatorToken }),
      CloseCode.NotFound,
    ],
    [
      "an unknown table",
      (s) => ({
        name: docName(tableDoc(s.workshop.workshopId as WorkshopId, "nosuchtable" as TableId)),
        token: s.workshop.facilitatorToken,
      }),
      CloseCode.NotFound,
    ],
    [
      "another workshop's token",
      (s) => ({ name: docName(refOf(s, "meta")), token: s.other }),
      CloseCode.Forbidden,
    ],
  ];

  it.each(cases)("refuses %s", async (_label, target, code) => {
    const base = await setup();
    const other = await base.server.createWorkshop({ tables: 1 });
    const s: WithOther = { ...base, other: other.facilitatorToken };
    const { name, token } = target(s);
    const stored = await s.server.app.store.loadDoc(name);
    const client = connectClient(s.server, name, token);
    expect(await client.refused()).toBe(code);
    expect(s.server.app.relay.loadedRoom(name)).toBeNull();
    expect(await s.server.app.store.loadDoc(name)).toEqual(stored);
  });
});
