/**
 * `npx tsx bench/client/sockets.ts`: how long Chromium takes to open the console's 42 WebSockets
 * (meta, synthesis, 40 tables) against a real Samla server, with no app in the page: a blank page
 * of the server's origin opens them with at most N handshakes pending (N = 1, 4, 8, 42), sends each
 * the sync step 1 y-websocket sends on open, and times the first message on every socket. This is
 * the floor a view that opens one socket per document cannot go below (docs/performance.md, "Web
 * app"). Environment: SOCKET_RUNS (5), SOCKET_GATES (1,4,8,42), CHROMIUM_PATH.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import * as Y from "yjs";
import { buildApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { replayUpdates } from "../../server/store/replay.ts";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { createNote } from "../../shared/schema/table.ts";
import { CHROMIUM_ARGS, findChromium } from "../../test/helpers/chromium.ts";

const RUNS = Number(process.env.SOCKET_RUNS ?? 5);
const GATES = (process.env.SOCKET_GATES ?? "1,4,8,42").split(",").map(Number);

/** In the page (plain JavaScript: tsx's helpers do not exist there). Times in ms since the start. */
const OPEN_ALL = `async function (a) {
  var t0 = performance.now(), pending = 0, queue = [], sockets = [];
  await new Promise(function (resolve) {
    var done = 0;
    a.names.forEach(function (name) {
      var open = function () {
        pending++;
        var s = { open: 0, message: 0 };
        sockets.push(s);
        var ws = new WebSocket(a.base + "/" + name + "?token=" + a.token);
        ws.binaryType = "arraybuffer";
        ws.onopen = function () {
          s.open = performance.now() - t0;
          ws.send(new Uint8Array([0, 0, 1, 0])); // sync step 1 with an empty state vector
          pending--;
          var next = queue.shift();
          if (next) next();
        };
        ws.onmessage = function () {
          if (s.message !== 0) return;
          s.message = performance.now() - t0;
          if (++done === a.names.length) resolve();
        };
      };
      if (pending < a.gate) open();
      else queue.push(open);
    });
  });
  return sockets;
}`;

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;

async function main(): Promise<void> {
  const executable = findChromium();
  if (executable === null) throw new Error("no Chromium found (set CHROMIUM_PATH)");
  const dataDir = mkdtempSync(path.join(tmpdir(), "samla-sockets-"));
  const config = {
    ...loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "silent" }),
    publicUrl: "http://127.0.0.1",
  };
  // No client build is needed: the page is the server's health check.
  const app = await buildApp({ config, clientRoot: dataDir, logger: false });
  const browser = await chromium.launch({ executablePath: executable, headless: true, args: CHROMIUM_ARGS });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no port");
    const url = `http://127.0.0.1:${address.port}`;
    const response = await fetch(`${url}/api/workshops`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Uttag", language: "sv", tables: 40, rounds: [{ title: "Runda" }] }),
    });
    const workshop = (await response.json()) as CreateWorkshopResponse;
    const metaState = replayUpdates(await app.store.loadDoc(docName(metaDoc(workshop.workshopId))));
    const meta = readMeta(metaState);
    const round = meta.rounds[0];
    if (round === undefined) throw new Error("no round");
    for (const table of meta.tables) {
      const doc = new Y.Doc();
      for (let i = 0; i < 50; i++) {
        const prompt = round.prompts[i % round.prompts.length];
        if (prompt === undefined) throw new Error("no prompt");
        createNote(doc, {
          roundId: round.id,
          promptId: prompt.id,
          text: `Lapp ${i}: vi saknar en gemensam lägesbild mellan förvaltningarna.`,
          color: "yellow",
          perspectiveId: null,
          createdAt: Date.now(),
        });
      }
      await app.store.appendUpdates(docName(tableDoc(workshop.workshopId, table.id)), [
        Y.encodeStateAsUpdate(doc),
      ]);
      doc.destroy();
    }
    const names = [
      docName(metaDoc(workshop.workshopId)),
      docName(synthesisDoc(workshop.workshopId)),
      ...meta.tables.map((table) => docName(tableDoc(workshop.workshopId, table.id))),
    ];
    console.log(
      `42 WebSockets from a blank page, ${RUNS} runs per gate (the first one warms up, not counted)`,
    );
    console.log(
      `load average at the start: ${loadavg()
        .map((v) => v.toFixed(2))
        .join(" ")}`,
    );
    console.log("| at most pending | all 42 first messages, median (min–max) | between two opens, median |");
    console.log("|---:|---:|---:|");
    for (const gate of GATES) {
      const totals: number[] = [];
      const spacing: number[] = [];
      for (let run = 0; run <= RUNS; run++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${url}/healthz`);
        const args = {
          names,
          token: workshop.facilitatorToken,
          gate,
          base: `ws://127.0.0.1:${address.port}/sync`,
        };
        const sockets = (await page.evaluate(`(${OPEN_ALL})(${JSON.stringify(args)})`)) as {
          open: number;
          message: number;
        }[];
        await context.close();
        if (run === 0) continue;
        totals.push(Math.max(...sockets.map((s) => s.message)));
        const opens = sockets.map((s) => s.open).sort((a, b) => a - b);
        spacing.push(median(opens.slice(1).map((open, i) => open - (opens[i] ?? open))));
      }
      const range = `${Math.min(...totals).toFixed(0)}–${Math.max(...totals).toFixed(0)}`;
      console.log(
        `| ${gate} | ${median(totals).toFixed(0)} ms (${range}) | ${median(spacing).toFixed(1)} ms |`,
      );
    }
    console.log(
      `load average at the end: ${loadavg()
        .map((v) => v.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
