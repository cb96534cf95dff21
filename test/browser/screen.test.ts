/**
 * The projector screen (issue 4, "The screen") in real Chromium against a real server. Tablets and
 * the facilitator are Node y-websocket clients writing the documents as the real ones would.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format, STRINGS } from "../../client/src/i18n/strings.ts";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { PerspectiveId, TableId } from "../../shared/ids.ts";
import { MINUTE_MS, readMeta, setActiveRound, setTimer, startTimer } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme, setSpotlight } from "../../shared/schema/synthesis.ts";
import { allNotes, createNote, noteRef, setNoteHidden } from "../../shared/schema/table.ts";
import { connectClient, type TestClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import type { TestServer } from "../helpers/server.ts";
import {
  boardSetup,
  browserAvailable,
  expectAccessible,
  facilitatorMeta,
  launchBrowser,
  openTablet,
  pageShows,
  serverTableDoc,
  sv,
  type Tablet,
} from "./harness.ts";

/** A projector: full HD. */
const PROJECTOR = { width: 1920, height: 1080 } as const;

interface ScreenSetup {
  readonly server: TestServer;
  readonly workshop: CreateWorkshopResponse;
  readonly roundTitle: string;
  readonly meta: TestClient;
  readonly synthesis: TestClient;
  /** Each table as its tablet writes it: a client with that table's own token. */
  readonly tables: readonly { readonly id: TableId; readonly name: string; readonly client: TestClient }[];
  /** Writes a note at table `i` under the round's first prompt; returns its ref parts. */
  write(
    i: number,
    text: string,
    perspective?: string,
  ): { tableId: TableId; noteId: ReturnType<typeof createNote> };
}

async function screenSetup(language: "sv" | "en" = "sv", rounds?: readonly string[]): Promise<ScreenSetup> {
  const { server, workshop, roundTitle } = await boardSetup({
    language,
    perspectives: ["Socialtjänst", "Polis"],
    ...(rounds === undefined ? {} : { rounds: rounds.map((title) => ({ title })) }),
  });
  const meta = await facilitatorMeta(server, workshop);
  const state = readMeta(meta.doc);
  const labels = new Map<string, PerspectiveId>(state.perspectives.map((p) => [p.label, p.id]));
  const synthesis = connectClient(
    server,
    docName(synthesisDoc(workshop.workshopId)),
    workshop.facilitatorToken,
  );
  const tables = await Promise.all(
    workshop.tables.map(async (table) => {
      const { token } = await server.join(table.joinCode);
      const client = connectClient(server, docName(tableDoc(workshop.workshopId, table.id)), token);
      await client.synced();
      return { id: table.id, name: table.name, client };
    }),
  );
  await synthesis.synced();
  let clock = Date.now();
  return {
    server,
    workshop,
    roundTitle,
    meta,
    synthesis,
    tables,
    write(i, text, perspective) {
      const table = tables[i]!;
      const current = readMeta(meta.doc);
      const round = current.rounds.find((r) => r.id === current.activeRoundId)!;
      const noteId = createNote(table.client.doc, {
        roundId: round.id,
        promptId: round.prompts[0]!.id,
        text,
        perspectiveId: perspective === undefined ? null : (labels.get(perspective) ?? null),
        createdAt: clock++,
      });
      return { tableId: table.id, noteId };
    },
  };
}

async function openScreen(browser: Browser, s: ScreenSetup): Promise<Tablet> {
  const screen = await openTablet(browser, s.server, { viewport: PROJECTOR });
  await screen.page.goto(`${s.server.url}/w/${s.workshop.workshopId}/screen#key=${s.workshop.screenToken}`);
  await screen.page.getByRole("heading", { level: 1, name: s.roundTitle }).waitFor();
  return screen;
}

/** The list item (note card, theme, insight) holding `text`, innermost first. */
function item(page: Page, text: string) {
  return page.getByRole("listitem").filter({ hasText: text }).last();
}

/** A note card's own `lang`, and the language it is read in (its own, else the nearest above). */
function noteLanguage(page: Page, text: string): Promise<{ own: string | null; read: string | null }> {
  return page
    .locator(".screen-note")
    .filter({ hasText: text })
    .evaluate((element) => ({
      own: element.getAttribute("lang"),
      read: element.closest("[lang]")?.getAttribute("lang") ?? null,
    }));
}

function spotlight(page: Page) {
  return page.getByRole("region", { name: sv.screenSpotlight });
}

describe.skipIf(!browserAvailable)("the screen", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("takes its key out of the address bar and shows the workshop, the round and the timer", async () => {
    const s = await screenSetup();
    const { page } = await openScreen(browser, s);
    expect(page.url()).not.toContain("key=");
    expect(new URL(page.url()).pathname).toBe(`/w/${s.workshop.workshopId}/screen`);
    await page.getByText("Praktikerdialog om maskulinitet").waitFor();
    expect(await page.getByRole("timer").count()).toBe(0);

    setTimer(s.meta.doc, startTimer(Date.now(), 5 * MINUTE_MS));
    await expect
      .poll(() => page.getByRole("timer", { name: sv.timerLabel }).textContent())
      .toMatch(/[45]:\d\d/);
    // The key stays on this device: a reload without it still opens the screen.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: s.roundTitle }).waitFor();
    expect(await page.getByRole("button", { name: sv.screenPause }).getAttribute("aria-pressed")).toBe(
      "false",
    );
    if (await page.evaluate(() => document.fullscreenEnabled)) {
      const fullscreen = page.getByRole("button", { name: sv.screenFullscreen });
      await fullscreen.click();
      await expect.poll(() => fullscreen.getAttribute("aria-pressed")).toBe("true");
      expect(await page.evaluate(() => document.fullscreenElement === document.documentElement)).toBe(true);
      await fullscreen.click();
      await expect.poll(() => fullscreen.getAttribute("aria-pressed")).toBe("false");
    }
  });

  it("without its key, or with a key that is not the screen's, shows a clear message", async () => {
    const s = await screenSetup();
    const visitor = await openTablet(browser, s.server, { viewport: PROJECTOR });
    const path = `${s.server.url}/w/${s.workshop.workshopId}/screen`;
    await visitor.page.goto(path);
    await visitor.page.getByRole("alert").filter({ hasText: sv.screenNeedsKey }).waitFor();
    await expectAccessible(visitor.page, "screen without a key");
    // A fresh device (a hash change alone would not reload the page).
    const forged = await openTablet(browser, s.server, { viewport: PROJECTOR });
    await forged.page.goto(`${path}#key=${"A".repeat(43)}`);
    await forged.page.getByRole("alert").filter({ hasText: sv.screenRefused }).waitFor();
    expect(forged.page.url()).not.toContain("key=");
    await expectAccessible(forged.page, "screen refused");
  });

  it("shows each table's notes within a second, then themes, insights and the spotlight; hidden notes leave", async () => {
    const s = await screenSetup();
    const { page } = await openScreen(browser, s);
    const [first, second] = s.tables;
    const a = "Stuprör gör det till en slump vem som möts";
    const b = "Ingen röd tråd mellan förvaltningarna";

    const noteA = s.write(0, a, "Socialtjänst");
    await expect.poll(() => pageShows(page, a), { timeout: 1_000 }).toBe(true);
    const noteB = s.write(1, b, "Polis");
    await expect.poll(() => pageShows(page, b), { timeout: 1_000 }).toBe(true);
    expect(await item(page, a).textContent()).toContain(`${first!.name}, Socialtjänst`);
    expect(await item(page, b).textContent()).toContain(`${second!.name}, Polis`);

    const theme = createTheme(s.synthesis.doc, {
      roundId: readMeta(s.meta.doc).rounds[0]!.id,
      title: "Samverkan",
    });
    addNoteToTheme(s.synthesis.doc, theme, noteRef(noteA.tableId, noteA.noteId));
    addNoteToTheme(s.synthesis.doc, theme, noteRef(noteB.tableId, noteB.noteId));
    const themeCard = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Samverkan", exact: true }) });
    await expect.poll(() => themeCard.textContent(), { timeout: 1_000 }).toContain(a);
    expect(await themeCard.textContent()).toContain(b);
    // A gathered note is shown once: in its theme, no longer among the loose notes. (A note's card
    // is a list item holding no other; the theme's holds its notes'.)
    const cardsOfA = page
      .getByRole("listitem")
      .filter({ hasText: a })
      .filter({ hasNot: page.getByRole("listitem") });
    expect(await cardsOfA.count()).toBe(1);

    const conclusion = "Arbetet behöver en röd tråd genom alla nivåer";
    addInsight(s.synthesis.doc, {
      roundId: readMeta(s.meta.doc).rounds[0]!.id,
      kind: "conclusion",
      text: conclusion,
      themeIds: [theme],
    });
    await expect.poll(() => pageShows(page, conclusion)).toBe(true);
    const insight = item(page, conclusion);
    expect(await insight.textContent()).toContain(sv.screenKindConclusion);
    expect(await insight.textContent()).toContain(format(sv.screenLinkedThemes, { themes: "Samverkan" }));

    setSpotlight(s.synthesis.doc, noteRef(noteA.tableId, noteA.noteId));
    await expect.poll(() => spotlight(page).textContent()).toContain(a);
    expect(await spotlight(page).textContent()).toContain(`${first!.name}, Socialtjänst`);
    setSpotlight(s.synthesis.doc, null);
    await expect.poll(() => spotlight(page).count()).toBe(0);

    setSpotlight(s.synthesis.doc, theme);
    await expect.poll(() => spotlight(page).textContent()).toContain("Samverkan");
    expect(await spotlight(page).textContent()).toContain(b);
    await expectAccessible(page, "screen with a theme, a conclusion and a spotlit theme");

    // Hidden by the facilitator: gone from the theme, the spotlight and the DOM.
    const facilitatorTable = await serverTableDoc(s.server, s.workshop, noteB.tableId);
    setNoteHidden(facilitatorTable.doc, noteB.noteId, true);
    await expect.poll(() => pageShows(page, b), { timeout: 1_000 }).toBe(false);
    expect(await spotlight(page).textContent()).toContain(a);

    // Spotlighting the hidden note shows nothing. The insight after it proves the screen got both.
    setSpotlight(s.synthesis.doc, noteRef(noteB.tableId, noteB.noteId));
    const later = "Möt människor där de är";
    addInsight(s.synthesis.doc, { roundId: null, kind: "action", text: later });
    await expect.poll(() => pageShows(page, later)).toBe(true);
    expect(await spotlight(page).count()).toBe(0);
    expect(await pageShows(page, b)).toBe(false);
    expect(await item(page, later).textContent()).toContain(sv.screenKindAction);
  });

  it("pauses live updates: a paused screen keeps what it showed until resumed", async () => {
    const s = await screenSetup();
    const paused = await openScreen(browser, s);
    const live = await openScreen(browser, s);
    const before = "Skrivet före pausen";
    const toHide = "Ska döljas under pausen";
    s.write(0, before);
    const hidden = s.write(1, toHide);
    for (const screen of [paused, live]) {
      await expect.poll(() => pageShows(screen.page, toHide)).toBe(true);
    }

    const button = paused.page.getByRole("button", { name: sv.screenPause });
    await button.focus();
    await paused.page.keyboard.press("Enter");
    const resume = paused.page.getByRole("button", { name: sv.screenPause });
    expect(await resume.getAttribute("aria-pressed")).toBe("true");
    await paused.page
      .getByRole("status")
      .filter({ hasText: sv.screenPausedNotice.split(".")[0]! })
      .waitFor();

    const during = "Skrivet under pausen";
    s.write(0, during);
    // The unpaused screen got it, so the paused one has too: it just does not show it.
    await expect.poll(() => pageShows(live.page, during)).toBe(true);
    for (let i = 0; i < 3; i++) expect(await pageShows(paused.page, during)).toBe(false);
    expect(await pageShows(paused.page, before)).toBe(true);

    // Hiding a note is moderation: it leaves even a paused screen.
    const facilitatorTable = await serverTableDoc(s.server, s.workshop, hidden.tableId);
    setNoteHidden(facilitatorTable.doc, hidden.noteId, true);
    await expect.poll(() => pageShows(live.page, toHide)).toBe(false);
    await expect.poll(() => pageShows(paused.page, toHide)).toBe(false);
    expect(await pageShows(paused.page, during)).toBe(false);

    await resume.click();
    await expect.poll(() => pageShows(paused.page, during)).toBe(true);
    expect(await paused.page.getByRole("button", { name: sv.screenPause }).getAttribute("aria-pressed")).toBe(
      "false",
    );
  });

  it("follows the facilitator to the next round: its title, notes and themes", async () => {
    const s = await screenSetup("sv", ["Samverkan inom kommunen", "Kunskap som får fotfäste"]);
    const { page } = await openScreen(browser, s);
    const [first, second] = readMeta(s.meta.doc).rounds;
    const early = "Skrivet i första rundan";
    s.write(0, early);
    createTheme(s.synthesis.doc, { roundId: first!.id, title: "Första temat" });
    await expect.poll(() => pageShows(page, "Första temat")).toBe(true);
    expect(await pageShows(page, early)).toBe(true);

    setActiveRound(s.meta.doc, second!.id);
    await page.getByRole("heading", { level: 1, name: second!.title }).waitFor();
    // Nothing else changed in the table or synthesis documents: the screen must still re-read them.
    await expect.poll(() => pageShows(page, early)).toBe(false);
    await expect.poll(() => pageShows(page, "Första temat")).toBe(false);
    const late = "Skrivet i andra rundan";
    s.write(1, late);
    await expect.poll(() => pageShows(page, late), { timeout: 1_000 }).toBe(true);
  });

  it("speaks the workshop's language", async () => {
    const s = await screenSetup("en");
    const { page } = await openScreen(browser, s);
    const en = STRINGS.en;
    await page.getByRole("button", { name: en.screenPause }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    const text = "Meet people where they are";
    s.write(0, text);
    await expect.poll(() => pageShows(page, text)).toBe(true);
    await page.getByRole("heading", { name: en.screenUnsorted }).waitFor();
    // The page says English, so the note need not: it inherits the page's language.
    expect(await noteLanguage(page, text)).toEqual({ own: null, read: "en" });
  });

  it("marks the notes' language where this device's interface speaks another", async () => {
    const s = await screenSetup("sv");
    const text = "Möt människor där de är";
    s.write(0, text, "Polis");
    const screen = await openTablet(browser, s.server, { viewport: PROJECTOR });
    await screen.context.addInitScript(() => localStorage.setItem("samla.language", "en"));
    await screen.page.goto(`${s.server.url}/w/${s.workshop.workshopId}/screen#key=${s.workshop.screenToken}`);
    const page = screen.page;
    await page.getByRole("heading", { level: 1, name: s.roundTitle }).waitFor();
    await expect.poll(() => pageShows(page, text)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(await noteLanguage(page, text)).toEqual({ own: "sv", read: "sv" });
    await item(page, text).getByText(`${s.tables[0]!.name}, Polis`).waitFor();
  });

  it("cannot write: what the screen's key sends to a table's document never reaches the server", async () => {
    const s = await screenSetup();
    const table = s.tables[0]!;
    const screenClient = connectClient(
      s.server,
      docName(tableDoc(s.workshop.workshopId, table.id)),
      s.workshop.screenToken,
    );
    await screenClient.synced();
    const dropped = s.server.app.relay.stats.readOnlyUpdatesDropped;
    const round = readMeta(s.meta.doc).rounds[0]!;
    createNote(screenClient.doc, {
      roundId: round.id,
      promptId: round.prompts[0]!.id,
      text: "Skriven med skärmens nyckel",
      createdAt: Date.now(),
    });
    await eventually(() => expect(s.server.app.relay.stats.readOnlyUpdatesDropped).toBeGreaterThan(dropped));
    const probe = await serverTableDoc(s.server, s.workshop, table.id);
    expect(allNotes(probe.doc, { includeHidden: true })).toEqual([]);
  });
});
