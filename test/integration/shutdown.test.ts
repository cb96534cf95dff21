import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CreateWorkshopResponse, JoinResponse } from "../../shared/api.ts";
import { CloseCode } from "../../shared/closeCodes.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { spawnServer } from "../helpers/serverProcess.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

// Each test starts the server as its own process twice (TypeScript compiled at start): slow machines need time.
const PROCESS_TEST_MS = 60_000;

/** A server process on a fresh data directory, with a one-table workshop and a tablet's token. */
async function workshopOnProcess(prefix: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dataDir);
  const first = await spawnServer(dataDir);
  const workshop = await post<CreateWorkshopResponse>(`${first.url}/api/workshops`, {
    title: "Dag",
    tables: 1,
  });
  const table = workshop.tables[0]!;
  const { token } = await post<JoinResponse>(`${first.url}/api/join`, { code: table.joinCode });
  return { dataDir, first, workshop, token, name: docName(tableDoc(workshop.workshopId, table.id)) };
}

describe("durability", () => {
  it(
    "keeps every note another client had seen when the server is killed with SIGKILL",
    async () => {
      const { dataDir, first, workshop, token, name } = await workshopOnProcess("samla-kill-");

      const tablet = connectClient(first, name, token);
      const reader = connectClient(first, name, workshop.facilitatorToken);
      await Promise.all([tablet.synced(), reader.synced()]);
      // The tablet keeps typing; the moment the reader has seen 40 notes, the server dies mid-stream.
      let written = 0;
      const typing = setInterval(() => {
        for (let i = 0; i < 5; i++) tablet.doc.getArray<string>("notes").push([`lapp ${written++}`]);
      }, 1);
      await eventually(() => expect(reader.doc.getArray("notes").length).toBeGreaterThanOrEqual(40));
      first.child.kill("SIGKILL");
      const seen = reader.doc.getArray<string>("notes").toArray();
      clearInterval(typing);
      expect(await first.exited).toBe("SIGKILL");
      tablet.destroy();
      reader.destroy();

      const second = await spawnServer(dataDir);
      const after = connectClient(second, name, workshop.facilitatorToken);
      await after.synced();
      const stored = after.doc.getArray<string>("notes").toArray();
      expect(stored.slice(0, seen.length)).toEqual(seen);
      second.child.kill("SIGTERM");
      await second.exited;
    },
    PROCESS_TEST_MS,
  );
});

describe("one server per data directory", () => {
  it(
    "refuses a second server on a data directory in use, and serves it again after the first is killed",
    async () => {
      const { dataDir, first } = await workshopOnProcess("samla-lock-");
      // A second `npm start` on the same DATA_DIR (another port) would replay the first's append log.
      await expect(spawnServer(dataDir)).rejects.toThrow(/Samla cannot start: another Samla server is using/);
      // The first serves on, untouched.
      const another = await post<CreateWorkshopResponse>(`${first.url}/api/workshops`, {
        title: "Två",
        tables: 1,
      });

      // The lock dies with its process, however it dies: no stale lock to clean up.
      first.child.kill("SIGKILL");
      expect(await first.exited).toBe("SIGKILL");
      const second = await spawnServer(dataDir);
      const facilitator = connectClient(
        second,
        docName(tableDoc(another.workshopId, another.tables[0]!.id)),
        another.facilitatorToken,
      );
      await facilitator.synced();
      facilitator.destroy();
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    },
    PROCESS_TEST_MS,
  );
});

describe("graceful shutdown", () => {
  it(
    "on SIGTERM closes sockets with 1012, keeps every note, and exits within seconds",
    async () => {
      const { dataDir, first, workshop, token, name } = await workshopOnProcess("samla-shutdown-");

      const tablet = connectClient(first, name, token);
      await tablet.synced();
      const notes = tablet.doc.getArray<string>("notes");
      for (let i = 0; i < 50; i++) notes.push([`anteckning ${i}`]);
      const reader = connectClient(first, name, workshop.facilitatorToken);
      await eventually(() => expect(reader.doc.getArray("notes").length).toBe(50));

      const closing = new Promise<[CloseEvent | null]>((resolve) =>
        tablet.provider.once("connection-close", (event) => resolve([event])),
      );
      const started = Date.now();
      first.child.kill("SIGTERM");
      const [event] = await closing;
      expect(event?.code).toBe(CloseCode.ServiceRestart);
      expect(await first.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      tablet.destroy();
      reader.destroy();

      const second = await spawnServer(dataDir);
      const after = connectClient(second, name, token);
      await after.synced();
      expect(after.doc.getArray("notes").toArray()).toEqual(
        Array.from({ length: 50 }, (_, i) => `anteckning ${i}`),
      );
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    },
    PROCESS_TEST_MS,
  );
});
