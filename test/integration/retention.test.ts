import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { openSqliteStore } from "../../server/store/sqlite.ts";
import { createWorkshop } from "../../server/workshops/createWorkshop.ts";
import { DAY_MS, purgeAt, purgeInactive } from "../../server/workshops/retention.ts";
import type { WorkshopInfo } from "../../shared/api.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, metaDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer } from "../helpers/server.ts";

describe("purgeAt", () => {
  it.each([
    [1_000, null, null],
    [1_000, 1, 1_000 + DAY_MS],
    [0, 30, 30 * DAY_MS],
  ] as const)("last activity %d, %s days → %s", (last, days, expected) => {
    expect(purgeAt(last, days)).toBe(expected);
  });
});

describe("retention", () => {
  it("tells the facilitator when the workshop will be deleted", async () => {
    const server = await startServer({ env: { RETENTION_DAYS: "30" } });
    const workshop = await server.createWorkshop({ tables: 1 });
    const response = await server.request("GET", `/api/workshops/${workshop.workshopId}`, {
      token: workshop.facilitatorToken,
    });
    expect(response.status).toBe(200);
    const info = response.body as WorkshopInfo;
    expect(info.retentionDays).toBe(30);
    expect(info.deleteAfter).toBe(info.lastActivityAt + 30 * DAY_MS);
    expect(
      (await server.request("GET", `/api/workshops/${workshop.workshopId}`, { token: workshop.screenToken }))
        .status,
    ).toBe(403);

    const keeping = await startServer();
    const kept = await keeping.createWorkshop({ tables: 1 });
    const keptInfo = await keeping.request("GET", `/api/workshops/${kept.workshopId}`, {
      token: kept.facilitatorToken,
    });
    expect(keptInfo.body).toMatchObject({ retentionDays: null, deleteAfter: null });
  });

  it("purges only workshops inactive for longer than RETENTION_DAYS, closing their sockets with 4410", async () => {
    const server = await startServer();
    const idle = await server.createWorkshop({ tables: 1 });
    const busy = await server.createWorkshop({ tables: 1 });
    const watcher = connectClient(server, docName(metaDoc(idle.workshopId)), idle.facilitatorToken);
    await watcher.synced();
    const later = Date.now() + 10 * DAY_MS;
    await server.app.store.touchWorkshop(busy.workshopId, later - DAY_MS);

    const purged = await purgeInactive(server.app.store, server.app.relay, 7, later);
    expect(purged).toEqual([idle.workshopId]);
    expect(await watcher.refused()).toBe(CloseCode.Gone);
    expect(await server.app.store.getWorkshop(idle.workshopId)).toBeNull();
    expect(await server.app.store.isDeleted(idle.workshopId)).toBe(true);
    expect(await server.app.store.getWorkshop(busy.workshopId)).not.toBeNull();
    expect(
      (await server.request("POST", "/api/join", { body: { code: idle.tables[0]!.joinCode } })).status,
    ).toBe(404);
  });

  it("purges at start-up a workshop that has been idle longer than RETENTION_DAYS", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "samla-retention-"));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = openSqliteStore({ dataDir });
    const old = await createWorkshop(
      store,
      "http://samla.test",
      { title: "I februari" },
      Date.now() - 40 * DAY_MS,
    );
    const recent = await createWorkshop(store, "http://samla.test", { title: "I går" }, Date.now() - DAY_MS);
    await store.close();

    const server = await startServer({ dataDir, env: { RETENTION_DAYS: "30" } });
    await eventually(async () => expect(await server.app.store.isDeleted(old.workshopId)).toBe(true));
    expect(await server.app.store.getWorkshop(recent.workshopId)).not.toBeNull();
  });
});
