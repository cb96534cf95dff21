/**
 * The console and the screen paint from one HTTP request (`GET /api/workshops/:id/documents`)
 * and keep their sockets for what is newer, in real Chromium against a real server. The browser's
 * network layer (Playwright's `route` and `routeWebSocket`) holds back or breaks a request or a
 * socket; nothing of Samla is mocked.
 */
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateWorkshopResponse, TableLink } from "../../shared/api.ts";
import { docName, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId } from "../../shared/ids.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { addInsight } from "../../shared/schema/synthesis.ts";
import { createNote } from "../../shared/schema/table.ts";
import { connectClient, type TestClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import type { TestServer } from "../helpers/server.ts";
import {
  boardSetup,
  browserAvailable,
  facilitatorMeta,
  launchBrowser,
  openTablet,
  pageShows,
  statusText,
  sv,
  type Tablet,
} from "./harness.ts";

const CONSOLE = { width: 1440, height: 900 } as const;
const DOCUMENTS = /\/api\/workshops\/[\w-]+\/documents$/;
const TABLE_SOCKETS = /\/sync\/[\w-]+\/table\//;
/** y-websocket's update message: messageSync (0), then messageYjsUpdate (2). */
const isUpdateFrame = (payload: string | Buffer) =>
  typeof payload !== "string" && payload[0] === 0 && payload[1] === 2;

interface Day {
  readonly server: TestServer;
  readonly workshop: CreateWorkshopResponse;
  readonly meta: TestClient;
  /** Tablets in Node, one per table, with their table's own token. */
  readonly tablets: Map<TableId, TestClient>;
  /** Writes a note at a table under the active round's first prompt. */
  write(tableId: TableId, text: string): void;
  /** A tablet joins the table (its own token) and is synced. */
  join(table: TableLink): Promise<void>;
}

async function day(): Promise<Day> {
  const { server, workshop } = await boardSetup({ tables: ["Bord 1", "Bord 2", "Bord 3"] });
  const meta = await facilitatorMeta(server, workshop);
  const tablets = new Map<TableId, TestClient>();
  let clock = Date.now();
  const result: Day = {
    server,
    workshop,
    meta,
    tablets,
    write(tableId, text) {
      const state = readMeta(meta.doc);
      const round = state.rounds.find((r) => r.id === state.activeRoundId);
      const tablet = tablets.get(tableId);
      if (round === undefined || tablet === undefined) throw new Error(`no round or tablet for ${tableId}`);
      createNote(tablet.doc, {
        roundId: round.id,
        promptId: round.prompts[0]!.id,
        text,
        color: "yellow",
        perspectiveId: null,
        createdAt: clock++,
      });
    },
    async join(table) {
      const { token } = await server.join(table.joinCode);
      const tablet = connectClient(server, docName(tableDoc(workshop.workshopId, table.id)), token);
      await tablet.synced();
      tablets.set(table.id, tablet);
    },
  };
  for (const table of workshop.tables) await result.join(table);
  for (const [i, table] of workshop.tables.entries()) {
    result.write(table.id, `Lapp ett från bord ${i + 1}`);
    result.write(table.id, `Lapp två från bord ${i + 1}`);
  }
  return result;
}

const noteTexts = (d: Day) =>
  d.workshop.tables.flatMap((_, i) => [`Lapp ett från bord ${i + 1}`, `Lapp två från bord ${i + 1}`]);

type View = "console" | "screen";

function viewUrl(d: Day, view: View): string {
  const { workshopId, facilitatorToken, screenToken } = d.workshop;
  return view === "console"
    ? `${d.server.url}/w/${workshopId}/facilitate#key=${facilitatorToken}`
    : `${d.server.url}/w/${workshopId}/screen#key=${screenToken}`;
}

/** Waits until the view shows `text`: the console in its synthesis, the screen anywhere. */
async function shows(page: Page, view: View, text: string): Promise<void> {
  if (view === "screen") {
    await expect.poll(() => pageShows(page, text), { message: `the screen shows "${text}"` }).toBe(true);
    return;
  }
  const synthesis = page.getByRole("region", { name: new RegExp(sv.synthesisHeading) });
  await expect
    .poll(() => synthesis.getByText(text, { exact: true }).count(), {
      message: `the console shows "${text}"`,
    })
    .toBe(1);
}

async function openView(browser: Browser, d: Day, view: View): Promise<Tablet> {
  return openTablet(
    browser,
    d.server,
    view === "console" ? { viewport: CONSOLE } : { viewport: { width: 1920, height: 1080 } },
  );
}

describe.skipIf(!browserAvailable)("the documents request (first paint over HTTP)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(["console", "screen"] as const)(
    "the %s shows every table's notes from the response while its table sockets never reach the server",
    async (view) => {
      const d = await day();
      const visitor = await openView(browser, d, view);
      // The table documents' sockets open but lead nowhere: only the documents request can fill them.
      await visitor.page.routeWebSocket(TABLE_SOCKETS, () => {});
      await visitor.page.goto(viewUrl(d, view));
      for (const text of noteTexts(d)) await shows(visitor.page, view, text);
      expect(visitor.requests.filter((url) => DOCUMENTS.test(url))).toHaveLength(1);
      // Over HTTP the key travels in a header only, never in a URL (sockets carry it as `?token=`).
      const key = view === "console" ? d.workshop.facilitatorToken : d.workshop.screenToken;
      expect(visitor.requests.filter((url) => url.startsWith("http") && url.includes(key))).toEqual([]);
    },
  );

  it("applies the response to documents whose sockets are open, sends none of it back, and stays live", async () => {
    const d = await day();
    const synthesis = connectClient(
      d.server,
      docName(synthesisDoc(d.workshop.workshopId)),
      d.workshop.facilitatorToken,
    );
    await synthesis.synced();
    const round = readMeta(d.meta.doc).activeRoundId;
    addInsight(synthesis.doc, { roundId: round, kind: "insight", text: "Ett språk för samverkan" });
    await eventually(async () => {
      const stored = await d.server.app.store.loadDoc(docName(synthesisDoc(d.workshop.workshopId)));
      expect(stored.length).toBeGreaterThan(0);
    });

    const facilitator = await openView(browser, d, "console");
    // The synthesis' socket opens and reaches the server, but what the server says is held back,
    // and the documents response waits until that socket is open (it sent its sync step 1): the
    // insight can then only come from the response, applied while the socket is open.
    const sentBack: number[] = [];
    const held: (string | Buffer)[] = [];
    let opened: (socket: { release(): void }) => void = () => {};
    const synthesisSocket = new Promise<{ release(): void }>((resolve) => {
      opened = resolve;
    });
    await facilitator.page.routeWebSocket(/\/sync\/[\w-]+\/synthesis\?/, (socket) => {
      const server = socket.connectToServer();
      let released = false;
      server.onMessage((message) => (released ? socket.send(message) : held.push(message)));
      socket.onMessage((message) => {
        if (isUpdateFrame(message)) sentBack.push(message.length);
        server.send(message);
        opened({
          release() {
            released = true;
            for (const message of held.splice(0)) socket.send(message);
          },
        });
      });
    });
    await facilitator.page.route(DOCUMENTS, async (route) => {
      await synthesisSocket;
      await route.continue();
    });
    await facilitator.page.goto(viewUrl(d, "console"));
    const { release } = await synthesisSocket;
    await expect.poll(() => pageShows(facilitator.page, "Ett språk för samverkan")).toBe(true);
    for (const text of noteTexts(d)) await shows(facilitator.page, "console", text);
    expect(sentBack, "update messages the console sent on the synthesis' socket").toEqual([]);
    expect(await statusText(facilitator.page)).toContain(sv.syncConnecting);
    release();
    await facilitator.page.getByText(sv.syncSaved).waitFor();
    expect(sentBack).toEqual([]);

    // Live: a tablet's new note, and a table added after the console opened.
    const [first] = d.workshop.tables;
    d.write(first!.id, "Skriven efter öppnandet");
    await shows(facilitator.page, "console", "Skriven efter öppnandet");
    const added = await d.server.request("POST", `/api/workshops/${d.workshop.workshopId}/tables`, {
      token: d.workshop.facilitatorToken,
      body: { name: "Bord 4" },
    });
    expect(added.status).toBe(201);
    await d.join(added.body as TableLink);
    d.write((added.body as TableLink).id, "Från det nya bordet");
    await shows(facilitator.page, "console", "Från det nya bordet");
  });

  it.each([
    ["aborted", (route: Route) => route.abort()],
    ["answered with garbage", (route: Route) => route.fulfill({ status: 200, body: "inte ett dokument" })],
    ["refused", (route: Route) => route.fulfill({ status: 503, body: "" })],
  ] as const)("shows everything over the sockets when the documents request is %s", async (_what, fail) => {
    const d = await day();
    const facilitator = await openView(browser, d, "console");
    await facilitator.page.route(DOCUMENTS, fail);
    await facilitator.page.goto(viewUrl(d, "console"));
    for (const text of noteTexts(d)) await shows(facilitator.page, "console", text);
    await facilitator.page.getByText(sv.syncSaved).waitFor();
    d.write(d.workshop.tables[2]!.id, "Direkt från bord 3");
    await shows(facilitator.page, "console", "Direkt från bord 3");
  });
});
