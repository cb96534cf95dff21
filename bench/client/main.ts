/**
 * `npm run bench:client`: the web app's budgets (issue 7), measured in Debian's headless Chromium
 * against a real Samla server serving a production build of the client. docs/performance.md
 * ("Web app") has the method and the figures.
 *
 * 1. Builds the client into a temporary directory (never dist/client; `SAMLA_CLIENT_ROOT` uses
 *    an existing build instead) and prints what each route loads, gzipped.
 * 2. Starts a server (real SQLite in a temporary directory) with a workshop of 40 tables and
 *    writes 50 notes into each table document: 2,000 notes in the active round. A tablet joins
 *    at every table (a y-websocket client in Node with its table's own token).
 * 3. Synthesis load: opens the facilitator's console and the projected screen (both show every
 *    table's notes) in fresh browser contexts, and the console once more from its local copies
 *    (a reload), and times navigation start → all 2,000 notes painted, with the steps between.
 * 4. Synthesis render from memory: with a view open, the facilitator (in Node) switches to an
 *    empty round and back; the meta message → all 2,000 notes painted again.
 * 5. Arrivals: the tablets take turns writing a note (then typing into one), one at a time. Per
 *    arrival: the renderer's main-thread work in thread time (Chrome DevTools Protocol
 *    `Performance.getMetrics`, `TaskDuration`) from just before the write until two frames after
 *    the note is in the DOM; message → DOM and → painted; DOM mutations; and, in separate
 *    arrivals, the React components that rendered (inPage.ts). Idle windows measure the
 *    instruments' own cost.
 *
 * Budgets: synthesis shown < 500 ms (median), note arrival < 16 ms of main-thread work (p95),
 * tablet JavaScript ≤ 150 KB gzipped. A missed budget prints FAIL and still exits 0 (this is a
 * measurement); errors exit 1. Environment: BENCH_LOAD_RUNS (5), BENCH_ARRIVALS (100),
 * CHROMIUM_PATH, BENCH_TRACE=1 (where the main thread spends an arrival's time), BENCH_DEBUG=1
 * (each arrival's main-thread work, and +n when n other messages reached the page meanwhile).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { buildApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { replayUpdates } from "../../server/store/replay.ts";
import type { CreateWorkshopResponse, JoinResponse } from "../../shared/api.ts";
import { docName, metaDoc, tableDoc } from "../../shared/docNames.ts";
import type { NoteId, TableId } from "../../shared/ids.ts";
import { type MetaState, readMeta, setActiveRound } from "../../shared/schema/meta.ts";
import { createNote, NOTE_COLORS, noteText } from "../../shared/schema/table.ts";
import { CHROMIUM_ARGS, findChromium } from "../../test/helpers/chromium.ts";
import { describeRoute, GZIP_LEVEL, kib, readBuild, routeSize } from "./bundle.ts";
import {
  type ArrivalResult,
  type ArrivalSpec,
  BENCH,
  type InPageConfig,
  instrument,
  type LoadResult,
} from "./inPage.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TABLES = 40;
const NOTES_PER_TABLE = 50;
const SEEDED = TABLES * NOTES_PER_TABLE;
const LOAD_RUNS = positive("BENCH_LOAD_RUNS", 5);
const ARRIVALS = positive("BENCH_ARRIVALS", 100);
const WARMUP_ARRIVALS = 10;
const KEYSTROKES = 50;
const FIBER_ARRIVALS = 20;
const IDLE_WINDOWS = 20;
const ROUND_SWITCHES = 5;
const LOAD_BUDGET_MS = 500;
const ARRIVAL_BUDGET_MS = 16;
const TABLET_BUNDLE_BUDGET = 150 * 1024;

interface View {
  readonly name: "console" | "screen";
  readonly path: (workshop: CreateWorkshopResponse) => string;
  readonly className: string;
  readonly viewport: { readonly width: number; readonly height: number };
}

const VIEWS: readonly View[] = [
  {
    name: "console",
    path: (w) => `/w/${w.workshopId}/facilitate#key=${w.facilitatorToken}`,
    className: "synth-note",
    viewport: { width: 1440, height: 900 },
  },
  {
    name: "screen",
    path: (w) => `/w/${w.workshopId}/screen#key=${w.screenToken}`,
    className: "screen-note",
    viewport: { width: 1920, height: 1080 },
  },
];

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
}

const log = (message: string) => process.stderr.write(`bench:client: ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Build, server, workshop

const cleanups: (() => Promise<void> | void)[] = [];

function buildClient(): string {
  const given = process.env.SAMLA_CLIENT_ROOT;
  if (given !== undefined && given !== "") {
    log(`using the build in ${given} (SAMLA_CLIENT_ROOT)`);
    return given;
  }
  const outDir = mkdtempSync(path.join(tmpdir(), "samla-bench-client-"));
  cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
  log(`vite build --outDir ${outDir}`);
  const vite = path.join(ROOT, "node_modules/vite/bin/vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--outDir", outDir, "--emptyOutDir"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return outDir;
}

interface Samla {
  readonly url: string;
  readonly syncUrl: string;
  readonly app: Awaited<ReturnType<typeof buildApp>>;
  request<T>(method: string, pathname: string, body?: unknown): Promise<T>;
}

async function startSamla(clientRoot: string): Promise<Samla> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "samla-bench-data-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = {
    ...loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "silent" }),
    publicUrl: "http://127.0.0.1",
  };
  const app = await buildApp({ config, clientRoot, logger: false });
  await app.listen({ port: 0, host: "127.0.0.1" });
  cleanups.push(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("the server has no port");
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    syncUrl: `ws://127.0.0.1:${address.port}/sync`,
    app,
    async request<T>(method: string, pathname: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${pathname}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    },
  };
}

const OPENINGS = [
  "Vi saknar",
  "Skolan behöver",
  "Socialtjänsten efterfrågar",
  "Polis och skola saknar",
  "Föräldrar ber om",
  "Det är svårt att få",
  "Kommunen borde ge",
];
const MIDDLES = [
  "en gemensam lägesbild",
  "tid för samverkan",
  "kunskap om våldsbejakande extremism",
  "rutiner för orosanmälan",
  "stöd till unga män",
  "ett språk för maskulinitet och våld",
  "uppföljning efter insatsen",
  "kontakt med civilsamhällets föreningar",
  "en väg in för hedersrelaterat våld",
];
const ENDINGS = [
  "mellan förvaltningarna.",
  "i kommunens ledning.",
  "på skolor och fritidsgårdar.",
  "när ärendet är akut.",
  "över tid, inte bara i projekt.",
  "för både flickor och pojkar.",
];

/** A note's text, varied and the same on every run. */
function noteTextFor(n: number): string {
  const pick = (list: readonly string[], k: number) => list[k % list.length] ?? "";
  return `${pick(OPENINGS, n)} ${pick(MIDDLES, Math.floor(n / 7))} ${pick(ENDINGS, Math.floor(n / 3))}`;
}

interface Seeded {
  readonly workshop: CreateWorkshopResponse;
  readonly meta: MetaState;
}

/** The workshop, and 50 notes in each table document (written to the store, one update per table). */
async function seedWorkshop(samla: Samla): Promise<Seeded> {
  const workshop = await samla.request<CreateWorkshopResponse>("POST", "/api/workshops", {
    title: "Praktikerdialog: prestandamätning",
    language: "sv",
    tables: TABLES,
    // The second round stays empty: switching to it and back re-renders the 2,000 notes from memory.
    rounds: [{ title: "Samverkan inom kommunen" }, { title: "Hur kunskap slår rot" }],
    perspectives: ["Socialtjänst", "Skola", "Polis", "Kvinnofrid", "Hedersrelaterat våld", "Civilsamhälle"],
  });
  const store = samla.app.store;
  const metaState = replayUpdates(await store.loadDoc(docName(metaDoc(workshop.workshopId))));
  const meta = readMeta(metaState);
  metaState.destroy();
  const round = meta.rounds[0];
  if (round === undefined || meta.activeRoundId !== round.id) throw new Error("the round is not active");
  const start = Date.now() - 60 * 60_000;
  for (const [t, table] of meta.tables.entries()) {
    const doc = new Y.Doc();
    for (let i = 0; i < NOTES_PER_TABLE; i++) {
      const n = t * NOTES_PER_TABLE + i;
      const prompt = round.prompts[i % round.prompts.length];
      if (prompt === undefined) throw new Error("the round has no prompts");
      createNote(doc, {
        roundId: round.id,
        promptId: prompt.id,
        text: noteTextFor(n),
        color: NOTE_COLORS[n % NOTE_COLORS.length],
        perspectiveId: i % 2 === 0 ? (meta.perspectives[n % meta.perspectives.length]?.id ?? null) : null,
        createdAt: start + n * 1_000,
      });
    }
    await store.appendUpdates(docName(tableDoc(workshop.workshopId, table.id)), [Y.encodeStateAsUpdate(doc)]);
    doc.destroy();
  }
  return { workshop, meta };
}

function connect(samla: Samla, name: string, token: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(samla.syncUrl, name, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  });
}

function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return;
      provider.off("sync", onSync);
      resolve();
    };
    provider.on("sync", onSync);
  });
}

/** The facilitator's side of the meta document, in Node: switches the active round. */
class Facilitator {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;

  constructor(samla: Samla, seeded: Seeded) {
    const { workshopId, facilitatorToken } = seeded.workshop;
    this.provider = connect(samla, docName(metaDoc(workshopId)), facilitatorToken, this.doc);
    this.provider.awareness.setLocalState(null);
  }

  setRound(index: number): void {
    const round = readMeta(this.doc).rounds[index];
    if (round === undefined) throw new Error(`no round ${index}`);
    setActiveRound(this.doc, round.id);
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

/** A tablet at a table: the stock provider in Node with the table's own token. */
class Tablet {
  readonly doc = new Y.Doc();
  private readonly provider: WebsocketProvider;
  /** Notes written by all tablets, so every note's text differs. */
  private static written = 0;
  lastNote: NoteId | null = null;

  constructor(
    samla: Samla,
    private readonly seeded: Seeded,
    readonly tableId: TableId,
    token: string,
  ) {
    this.provider = connect(samla, docName(tableDoc(seeded.workshop.workshopId, tableId)), token, this.doc);
    this.provider.awareness.setLocalState({ device: "Bänkmätning" });
  }

  synced(): Promise<void> {
    return whenSynced(this.provider);
  }

  /** A whole note, in one update (as when a tablet comes back online). */
  writeNote(): NoteId {
    const round = this.seeded.meta.rounds[0];
    const prompt = round?.prompts[Tablet.written % 2];
    if (round === undefined || prompt === undefined) throw new Error("no round");
    const n = SEEDED + Tablet.written++;
    this.lastNote = createNote(this.doc, {
      roundId: round.id,
      promptId: prompt.id,
      text: `Ny lapp ${n}: ${noteTextFor(n)}`,
      color: NOTE_COLORS[n % NOTE_COLORS.length],
      perspectiveId: null,
      createdAt: Date.now(),
    });
    return this.lastNote;
  }

  /** One character typed at the end of a note; returns its whole text. */
  type(noteId: NoteId, character: string): string {
    const text = noteText(this.doc, noteId);
    if (text === null) throw new Error(`no note ${noteId}`);
    text.insert(text.length, character);
    return text.toString();
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Browser

function chromiumExecutable(): string {
  const found = findChromium();
  if (found === null)
    throw new Error("no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)");
  return found;
}

function chromiumVersion(executable: string): string {
  const result = spawnSync(executable, ["--version"], { encoding: "utf8" });
  return result.stdout.trim() || "unknown";
}

interface Metrics {
  /** Seconds of main-thread tasks, script, layout and style recalculation (cumulative). */
  readonly task: number;
  readonly script: number;
  readonly layout: number;
  readonly style: number;
}

async function readMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return {
    task: value("TaskDuration"),
    script: value("ScriptDuration"),
    layout: value("LayoutDuration"),
    style: value("RecalcStyleDuration"),
  };
}

/** Metrics between two readings, in ms (a reading from a new renderer process counts from zero). */
function spent(
  before: Metrics | null,
  after: Metrics,
): { task: number; script: number; styleLayout: number } {
  const base =
    before !== null && before.task <= after.task ? before : { task: 0, script: 0, layout: 0, style: 0 };
  return {
    task: (after.task - base.task) * 1000,
    script: (after.script - base.script) * 1000,
    styleLayout: (after.layout + after.style - base.layout - base.style) * 1000,
  };
}

interface Load {
  readonly result: LoadResult;
  readonly work: ReturnType<typeof spent>;
}

interface OpenView {
  readonly page: Page;
  readonly cdp: CDPSession;
  readonly load: Load;
  /** Reloads the page (its storage kept) and waits until the notes are shown again. */
  reload(): Promise<Load>;
  close(): Promise<void>;
}

/** Opens `view` in a fresh context (empty storage) and waits until `target` notes are shown. */
async function openView(
  browser: Browser,
  samla: Samla,
  seeded: Seeded,
  view: View,
  target: number,
): Promise<OpenView> {
  const context = await browser.newContext({ viewport: view.viewport, locale: "sv-SE" });
  const foreign: string[] = [];
  context.on("request", (request) => {
    if (!request.url().startsWith(samla.url)) foreign.push(request.url());
  });
  const errors: string[] = [];
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(String(error)));
  const config: InPageConfig = { className: view.className, target, loadTimeoutMs: 30_000 };
  await page.addInitScript(instrument(config));
  const cdp = await context.newCDPSession(page);
  // Thread time, not wall time: work on the renderer's main thread, not time it waited for a CPU.
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  const loaded = async (before: Metrics | null): Promise<Load> => {
    const result = (await page.evaluate(`${BENCH}.loaded()`)) as LoadResult;
    const work = spent(before, await readMetrics(cdp));
    if (errors.length > 0) throw new Error(`${view.name}: errors in the page: ${errors.join("; ")}`);
    return { result, work };
  };
  await page.goto(`${samla.url}${view.path(seeded.workshop)}`);
  const load = await loaded(null);
  return {
    page,
    cdp,
    load,
    async reload() {
      const before = await readMetrics(cdp);
      await page.reload();
      return loaded(before);
    },
    async close() {
      await context.close();
      if (foreign.length > 0) throw new Error(`${view.name}: requests left the host: ${foreign.join(", ")}`);
    },
  };
}

/**
 * Waits until every table document's local copy (IndexedDB, the console keeps one) holds the
 * table's notes (more than 1 KB of updates; an empty document's state is a few bytes): the
 * server's notes are on this device. The console opens a table's copy only once the table has
 * arrived, so its first write may already be the whole document.
 */
async function waitForLocalCopies(page: Page, tables: number): Promise<void> {
  // Polled here: waitForFunction takes the promise an async check returns for a truthy answer.
  const check = `(async () => {
    const names = (await indexedDB.databases())
      .map((db) => db.name ?? "")
      .filter((name) => name.startsWith("samla:") && name.includes("/table/"));
    if (names.length < ${tables}) return false;
    const sizes = await Promise.all(names.map((name) => new Promise((resolve) => {
      const request = indexedDB.open(name);
      request.onerror = () => resolve(0);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("updates")) { db.close(); resolve(0); return; }
        const all = db.transaction("updates", "readonly").objectStore("updates").getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result.reduce((bytes, update) => bytes + (update.byteLength ?? 0), 0));
        };
        all.onerror = () => { db.close(); resolve(0); };
      };
    })));
    return sizes.every((bytes) => bytes > 1024);
  })()`;
  const deadline = Date.now() + 30_000;
  while (!(await page.evaluate(check))) {
    if (Date.now() > deadline) throw new Error("the console's local copies never held every table's notes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Arrival {
  readonly result: ArrivalResult;
  /** Main-thread work in the window, ms. */
  readonly work: ReturnType<typeof spent>;
}

/** Arms the page, reads the metrics, lets `write` happen, waits until shown and painted, reads them again. */
async function arrival(open: OpenView, spec: ArrivalSpec, write: () => void): Promise<Arrival> {
  await open.page.evaluate(`${BENCH}.arm(${JSON.stringify(spec)})`);
  const before = await readMetrics(open.cdp);
  write();
  const result = (await open.page.evaluate(`${BENCH}.settled()`)) as ArrivalResult;
  return { result, work: spent(before, await readMetrics(open.cdp)) };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface LoadCase {
  readonly name: string;
  readonly view: View;
  readonly loads: Load[];
}

/** Cold loads of both views (fresh storage), and the console reopened from its local copies. */
async function measureLoads(browser: Browser, samla: Samla, seeded: Seeded): Promise<LoadCase[]> {
  const cases: LoadCase[] = [];
  for (const view of VIEWS) {
    const cold: Load[] = [];
    const warm: Load[] = [];
    // Run 0 warms the server (documents loaded from SQLite) and Chromium; it is not counted.
    for (let run = 0; run <= LOAD_RUNS; run++) {
      const open = await openView(browser, samla, seeded, view, SEEDED);
      try {
        logLoad(`${view.name} ${run === 0 ? "warm-up" : `run ${run}`}`, open.load);
        if (run > 0) cold.push(open.load);
        if (view.name === "console") {
          await waitForLocalCopies(open.page, TABLES);
          const again = await open.reload();
          logLoad(`${view.name} reopened ${run === 0 ? "warm-up" : `run ${run}`}`, again);
          if (run > 0) warm.push(again);
        }
      } finally {
        await open.close();
      }
    }
    cases.push({ name: `${view.name}, first visit`, view, loads: cold });
    if (warm.length > 0) cases.push({ name: `${view.name}, reopened`, view, loads: warm });
  }
  return cases;
}

function logLoad(what: string, load: Load): void {
  const r = load.result;
  log(
    `${what}: ${ms(r.allAt)} ms to ${r.notes} notes (documents ${ms(r.documentsSentAt)}–${ms(r.documentsInAt)}, ` +
      `app ${ms(r.appAt)}, meta ${ms(r.metaDataAt)}, ` +
      `${r.tableSockets} table sockets created by ${ms(r.tableSocketsCreatedAt)}, open by ${ms(r.tableSocketsOpenAt)}, ` +
      `data by ${ms(r.lastTableDataAt)}; first note ${ms(r.firstAt)}; main thread ${ms(load.work.task)})`,
  );
}

interface ArrivalFigures {
  readonly view: View;
  readonly notes: Arrival[];
  readonly keystrokes: Arrival[];
  readonly idle: Arrival[];
  readonly fiberNotes: Arrival[];
  readonly fiberKeystrokes: Arrival[];
  /** The facilitator switching back to the round of all notes: every note rendered from memory. */
  readonly rounds: Arrival[];
}

/** Which tablet writes next: arrivals go round the tables, so they land all over the view. */
class Tablets {
  private next = 0;
  last: Tablet | null = null;

  constructor(readonly all: readonly Tablet[]) {}

  take(): Tablet {
    const tablet = this.all[this.next++ % this.all.length];
    if (tablet === undefined) throw new Error("no tablets");
    this.last = tablet;
    return tablet;
  }
}

async function measureArrivals(
  browser: Browser,
  samla: Samla,
  seeded: Seeded,
  view: View,
  tablets: Tablets,
  facilitator: Facilitator,
  shown: number,
): Promise<{ figures: ArrivalFigures; shown: number }> {
  const open = await openView(browser, samla, seeded, view, shown);
  const timeoutMs = 10_000;
  const figures: ArrivalFigures = {
    view,
    notes: [],
    keystrokes: [],
    idle: [],
    fiberNotes: [],
    fiberKeystrokes: [],
    rounds: [],
  };
  const note = () => {
    const tablet = tablets.take();
    return arrival(open, { match: `/table/${tablet.tableId}`, kind: "count", add: 1, timeoutMs }, () => {
      tablet.writeNote();
      shown++;
    });
  };
  const letters = "samverkan över gränser ";
  // One character typed at the end of the note the tablet wrote last; the text to wait for is
  // that note's text and the character.
  const keystroke = (i: number) => {
    const tablet = tablets.last;
    const typed = tablet?.lastNote ?? null;
    if (tablet === null || typed === null) throw new Error("no tablet wrote a note");
    const match = `/table/${tablet.tableId}`;
    const letter = letters[i % letters.length] ?? "x";
    const text = `${noteText(tablet.doc, typed)?.toString() ?? ""}${letter}`;
    return arrival(open, { match, kind: "text", text, timeoutMs }, () => tablet.type(typed, letter));
  };
  try {
    for (let i = 0; i < IDLE_WINDOWS; i++) {
      figures.idle.push(await arrival(open, { match: "/table/", kind: "idle", timeoutMs }, () => {}));
    }
    for (let i = 0; i < WARMUP_ARRIVALS; i++) await note();
    for (let i = 0; i < ARRIVALS; i++) figures.notes.push(await note());
    if (process.env.BENCH_DEBUG === "1") {
      log(
        figures.notes
          .map((a) => `${a.work.task.toFixed(1)}${a.result.others > 0 ? `+${a.result.others}` : ""}`)
          .join(" "),
      );
    }
    for (let i = 0; i < KEYSTROKES; i++) figures.keystrokes.push(await keystroke(i));
    if (process.env.BENCH_TRACE === "1") await traceArrivals(open, browser, view, note);
    for (let i = 0; i < ROUND_SWITCHES; i++) {
      await arrival(open, { match: "/meta", kind: "count", count: 0, timeoutMs }, () =>
        facilitator.setRound(1),
      );
      const back = { match: "/meta", kind: "count", count: shown, timeoutMs: 30_000 } as const;
      figures.rounds.push(await arrival(open, back, () => facilitator.setRound(0)));
    }
    await open.page.evaluate(`${BENCH}.countFibers = true`);
    for (let i = 0; i < FIBER_ARRIVALS; i++) figures.fiberNotes.push(await note());
    for (let i = 0; i < FIBER_ARRIVALS; i++) figures.fiberKeystrokes.push(await keystroke(i));
  } finally {
    await open.close();
  }
  return { figures, shown };
}

/**
 * BENCH_TRACE=1: records a Chromium trace over 10 more note arrivals and prints where the renderer's
 * main thread spent its time (self time per trace event name), to see what the figures are made of.
 */
async function traceArrivals(open: OpenView, browser: Browser, view: View, note: () => Promise<Arrival>) {
  const count = Number(process.env.BENCH_TRACE_ARRIVALS ?? 10);
  await browser.startTracing(open.page, {
    categories: [
      "toplevel",
      "devtools.timeline",
      "disabled-by-default-devtools.timeline",
      "blink",
      "v8.execute",
    ],
  });
  for (let i = 0; i < count; i++) await note();
  const buffer = await browser.stopTracing();
  const { traceEvents } = JSON.parse(buffer.toString("utf8")) as { traceEvents: TraceEvent[] };
  const mains = traceEvents.filter(
    (e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain",
  );
  const busiest = mains
    .map((m) => ({
      key: `${m.pid}/${m.tid}`,
      n: traceEvents.filter((e) => e.pid === m.pid && e.tid === m.tid).length,
    }))
    .sort((a, b) => b.n - a.n)[0];
  if (busiest === undefined) return;
  const events = traceEvents
    .filter((e) => `${e.pid}/${e.tid}` === busiest.key && e.ph === "X" && typeof e.dur === "number")
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: { end: number; name: string }[] = [];
  let topLevel = 0;
  for (const event of events) {
    const dur = event.dur ?? 0;
    while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= event.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent !== undefined) self.set(parent.name, (self.get(parent.name) ?? 0) - dur);
    else topLevel += dur;
    self.set(event.name, (self.get(event.name) ?? 0) + dur);
    stack.push({ end: event.ts + dur, name: event.name });
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  // The longest tasks, and the events inside them that took longest: what makes the tail.
  const tops = events.filter(
    (e, i) => events.findIndex((o) => o.ts <= e.ts && o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0)) === i,
  );
  for (const top of tops.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, 8)) {
    const end = top.ts + (top.dur ?? 0);
    const inner = events
      .filter((e) => e !== top && e.ts >= top.ts && e.ts + (e.dur ?? 0) <= end)
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 6)
      .map((e) => `${e.name} ${ms((e.dur ?? 0) / 1000)}`);
    log(`  long task ${top.name} ${ms((top.dur ?? 0) / 1000)} ms: ${inner.join(", ")}`);
  }
  log(
    `${view.name}: trace of ${count} note arrivals, main thread, ms per arrival (top level ${ms(topLevel / 1000 / count)}):`,
  );
  for (const [name, us] of rows) log(`  ${name.padEnd(52)} ${ms(us / 1000 / count)}`);
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

// ---------------------------------------------------------------------------------------------
// Statistics and the report

function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  // Nearest rank: p95 of 100 values is the 95th smallest.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const ms = (value: number | null) => (value !== null && Number.isFinite(value) ? value.toFixed(1) : "n/a");
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => (row[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

interface Verdict {
  readonly budget: string;
  readonly figure: string;
  readonly pass: boolean;
}

function loadReport(cases: readonly LoadCase[], verdicts: Verdict[]): string {
  const rows: string[][] = [];
  const row = (measure: string, f: (load: Load) => number | null) =>
    rows.push([measure, ...cases.map((c) => ms(median(c.loads.map((load) => f(load) ?? Number.NaN))))]);
  row("all notes in the DOM", (l) => l.result.allAt);
  row("  painted", (l) => l.result.paintedAt);
  row("documents request sent (HTTP)", (l) => l.result.documentsSentAt);
  row("documents response in", (l) => l.result.documentsInAt);
  row("app's first render", (l) => l.result.appAt);
  row("meta document's socket created", (l) => l.result.metaSocketCreatedAt);
  row("meta document's socket open", (l) => l.result.metaSocketOpenAt);
  row("meta document's first message", (l) => l.result.metaDataAt);
  row("last table socket created", (l) => l.result.tableSocketsCreatedAt);
  row("last table socket open", (l) => l.result.tableSocketsOpenAt);
  row("last table's first message", (l) => l.result.lastTableDataAt);
  row("first note in the DOM", (l) => l.result.firstAt);
  row("all notes in the DOM after the last table's data", (l) =>
    l.result.lastTableDataAt === null ? null : l.result.allAt - l.result.lastTableDataAt,
  );
  row("main-thread work until all notes shown (CPU)", (l) => l.work.task);
  row("  of which script", (l) => l.work.script);
  row("  of which style and layout", (l) => l.work.styleLayout);
  rows.push([
    "min–max of all notes in the DOM",
    ...cases.map((c) => {
      const all = c.loads.map((l) => l.result.allAt);
      return `${ms(Math.min(...all))}–${ms(Math.max(...all))}`;
    }),
  ]);
  rows.push(["DOM elements", ...cases.map((c) => String(c.loads.at(-1)?.result.elements ?? 0))]);
  for (const c of cases) {
    const figure = median(c.loads.map((l) => l.result.paintedAt));
    verdicts.push({
      budget: `synthesis (${SEEDED} notes) shown < ${LOAD_BUDGET_MS} ms: ${c.name}`,
      figure: `${ms(figure)} ms (median of ${c.loads.length}, navigation to painted)`,
      pass: figure < LOAD_BUDGET_MS,
    });
  }
  return table([`ms since navigation start, median of ${LOAD_RUNS}`, ...cases.map((c) => c.name)], rows);
}

function arrivalReport(list: readonly ArrivalFigures[], verdicts: Verdict[]): string {
  const rows: string[][] = [];
  const row = (measure: string, f: (a: ArrivalFigures) => string) => rows.push([measure, ...list.map(f)]);
  const work = (arrivals: readonly Arrival[]) => arrivals.map((a) => a.work.task);
  const pair = (values: readonly number[], q1: number, q2: number) =>
    `${ms(quantile(values, q1))} / ${ms(quantile(values, q2))}`;
  const latency = (arrivals: readonly Arrival[], to: (r: ArrivalResult) => number | null) =>
    arrivals.map((a) => (to(a.result) ?? Number.NaN) - (a.result.t0 ?? Number.NaN));
  const mutations = (arrivals: readonly Arrival[]) => {
    const m = (f: (a: Arrival) => number) => median(arrivals.map(f));
    return (
      `${m((a) => a.result.mutations.records)} records: +${m((a) => a.result.mutations.added)} ` +
      `−${m((a) => a.result.mutations.removed)} nodes, ${m((a) => a.result.mutations.attributes)} attributes, ` +
      `${m((a) => a.result.mutations.text)} texts`
    );
  };
  const fibers = (arrivals: readonly Arrival[]) =>
    `${median(arrivals.map((a) => a.result.fibers.rendered))} rendered, ` +
    `${median(arrivals.map((a) => a.result.fibers.mounted))} mounted, ` +
    `${median(arrivals.map((a) => a.result.fibers.commits))} commits`;

  row(`note: main-thread work, p50 / p95 of ${ARRIVALS}`, (a) => pair(work(a.notes), 0.5, 0.95));
  row("note: main-thread work, max", (a) => ms(Math.max(...work(a.notes))));
  row(
    "note: of which script / style and layout, p50",
    (a) =>
      `${ms(median(a.notes.map((n) => n.work.script)))} / ${ms(median(a.notes.map((n) => n.work.styleLayout)))}`,
  );
  row("note: message → in the DOM, p50 / p95", (a) =>
    pair(
      latency(a.notes, (r) => r.tDom),
      0.5,
      0.95,
    ),
  );
  row("note: message → painted, p50 / p95", (a) =>
    pair(
      latency(a.notes, (r) => r.tPainted),
      0.5,
      0.95,
    ),
  );
  row("note: DOM mutations, median", (a) => mutations(a.notes));
  row(`note: React components, median of ${FIBER_ARRIVALS}`, (a) => fibers(a.fiberNotes));
  row(`keystroke: main-thread work, p50 / p95 of ${KEYSTROKES}`, (a) => pair(work(a.keystrokes), 0.5, 0.95));
  row("keystroke: message → in the DOM, p50 / p95", (a) =>
    pair(
      latency(a.keystrokes, (r) => r.tDom),
      0.5,
      0.95,
    ),
  );
  row("keystroke: DOM mutations, median", (a) => mutations(a.keystrokes));
  row(`keystroke: React components, median of ${FIBER_ARRIVALS}`, (a) => fibers(a.fiberKeystrokes));
  row(`instruments alone (idle window), p50 / p95 of ${IDLE_WINDOWS}`, (a) => pair(work(a.idle), 0.5, 0.95));
  for (const a of list) {
    const p95 = quantile(work(a.notes), 0.95);
    verdicts.push({
      budget: `note arrival < ${ARRIVAL_BUDGET_MS} ms main-thread work at p95: ${a.view.name}`,
      figure: `${ms(p95)} ms (p95 of ${a.notes.length}, instruments included)`,
      pass: p95 < ARRIVAL_BUDGET_MS,
    });
  }
  return table(["ms, main-thread work in thread time", ...list.map((a) => a.view.name)], rows);
}

function renderReport(list: readonly ArrivalFigures[], verdicts: Verdict[]): string {
  const rows: string[][] = [];
  const row = (measure: string, f: (a: ArrivalFigures) => string) => rows.push([measure, ...list.map(f)]);
  const since = (a: Arrival, to: number | null) => (to ?? Number.NaN) - (a.result.t0 ?? Number.NaN);
  const stat = (values: readonly number[]) =>
    `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
  row("meta message → all notes in the DOM", (a) => stat(a.rounds.map((r) => since(r, r.result.tDom))));
  row("meta message → painted", (a) => stat(a.rounds.map((r) => since(r, r.result.tPainted))));
  row("main-thread work (until two frames later)", (a) => stat(a.rounds.map((r) => r.work.task)));
  row(
    "  of which script / style and layout",
    (a) =>
      `${ms(median(a.rounds.map((r) => r.work.script)))} / ${ms(median(a.rounds.map((r) => r.work.styleLayout)))}`,
  );
  for (const a of list) {
    const figure = median(a.rounds.map((r) => since(r, r.result.tPainted)));
    verdicts.push({
      budget: `synthesis (${SEEDED} notes) rendered < ${LOAD_BUDGET_MS} ms, data in memory: ${a.view.name}`,
      figure: `${ms(figure)} ms (median of ${a.rounds.length}, to painted)`,
      pass: figure < LOAD_BUDGET_MS,
    });
  }
  return table([`ms, median (min–max) of ${ROUND_SWITCHES}`, ...list.map((a) => a.view.name)], rows);
}

// ---------------------------------------------------------------------------------------------

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

async function main(): Promise<void> {
  const startLoad = loadAverage();
  const executable = chromiumExecutable();
  const clientRoot = buildClient();
  const build = readBuild(clientRoot);
  const app = readFileSync(path.join(ROOT, "client/src/App.tsx"), "utf8");
  const sizes = ["board", "facilitate", "screen"].map((route) => routeSize(build, app, route));
  for (const size of sizes) log(describeRoute(size));

  const samla = await startSamla(clientRoot);
  const seeded = await seedWorkshop(samla);
  log(`workshop ${seeded.workshop.workshopId}: ${TABLES} tables × ${NOTES_PER_TABLE} notes`);
  // A tablet at every table, each with its table's own token (joined by its code).
  const all: Tablet[] = [];
  for (const table of seeded.workshop.tables) {
    const join = await samla.request<JoinResponse>("POST", "/api/join", { code: table.joinCode });
    const tablet = new Tablet(samla, seeded, join.tableId, join.token);
    cleanups.push(() => tablet.destroy());
    all.push(tablet);
  }
  await Promise.all(all.map((tablet) => tablet.synced()));
  const tablets = new Tablets(all);
  const facilitator = new Facilitator(samla, seeded);
  cleanups.push(() => facilitator.destroy());
  await whenSynced(facilitator.provider);

  const browser = await chromium.launch({ executablePath: executable, headless: true, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  const loads = await measureLoads(browser, samla, seeded);
  const arrivals: ArrivalFigures[] = [];
  let shown = SEEDED;
  for (const view of VIEWS) {
    log(`${view.name}: arrivals`);
    const measured = await measureArrivals(browser, samla, seeded, view, tablets, facilitator, shown);
    shown = measured.shown;
    arrivals.push(measured.figures);
  }

  const verdicts: Verdict[] = [];
  const tabletSize = sizes[0]?.gzipBytes ?? Number.NaN;
  const cpu = cpus()[0]?.model ?? "unknown";
  const output = [
    "",
    `Samla web app benchmark: ${TABLES} tables × ${NOTES_PER_TABLE} notes = ${SEEDED} notes in the active round`,
    `machine: ${cpus().length} CPUs (${cpu}), Node ${process.version}, ${chromiumVersion(executable)}`,
    `load average at the start / end: ${startLoad} / ${loadAverage()}`,
    "",
    "Synthesis load: a browser opening the view (all 42 documents over the network, or the console's local copies)",
    loadReport(loads, verdicts),
    "",
    `Synthesis render from memory: the facilitator switches to an empty round and back (2,000 notes)`,
    renderReport(arrivals, verdicts),
    "",
    `Arrivals from tablets (y-websocket clients in Node, one per table, taking turns)`,
    arrivalReport(arrivals, verdicts),
    "",
    `JavaScript loaded (gzip level ${GZIP_LEVEL}): ${sizes.map((size) => `${size.route} ${kib(size.gzipBytes)}`).join(", ")}`,
  ];
  verdicts.push({
    budget: "JavaScript a tablet loads to show its board ≤ 150 KB gzipped",
    figure: kib(tabletSize),
    pass: tabletSize <= TABLET_BUNDLE_BUDGET,
  });
  output.push(
    "",
    table(
      ["budget", "figure", "result"],
      verdicts.map((v) => [v.budget, v.figure, verdict(v.pass)]),
    ),
    "",
  );
  console.log(output.join("\n"));
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup: ${String(error)}`);
    }
  }
}

main()
  .then(cleanUp)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanUp();
    process.exit(1);
  });
