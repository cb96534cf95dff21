/**
 * The facilitator's console in real Chromium against a real server (issue 4): who gets it, the
 * synthesis filling live from two tables, a theme built by keyboard only, the controls reaching
 * the tablets, and axe.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { format, STRINGS } from "../../client/src/i18n/strings.ts";
import type { TablesResponse } from "../../shared/api.ts";
import { docName, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { addInsight, allThemes } from "../../shared/schema/synthesis.ts";
import { createNote } from "../../shared/schema/table.ts";
import { connectClient } from "../helpers/client.ts";
import {
  addNote,
  boardSetup,
  browserAvailable,
  expectAccessible,
  facilitatorMeta,
  joinByLink,
  launchBrowser,
  openTablet,
  serverTableDoc,
  sv,
  tabTo,
} from "./harness.ts";

const CONSOLE_VIEWPORT = { width: 1440, height: 900 } as const;

describe.skipIf(!browserAvailable)("facilitator console in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("gives no facilitator powers without the key, with a table's token, or with the screen's key", async () => {
    const { server, workshop } = await boardSetup();
    const tableToken = (await server.join(workshop.tables[0]!.joinCode)).token;
    const cases = [
      ["", sv.needsKey],
      [`#key=${tableToken}`, sv.wrongKey],
      [`#key=${workshop.screenToken}`, sv.wrongKey],
    ] as const;
    for (const [fragment, message] of cases) {
      const visitor = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
      await visitor.page.goto(`${server.url}/w/${workshop.workshopId}/facilitate${fragment}`);
      await visitor.page.getByText(message).waitFor();
      expect(await visitor.page.getByRole("button", { name: sv.closeWriting }).count()).toBe(0);
      expect(visitor.page.url()).not.toContain("#key=");
      await expectAccessible(visitor.page, `console refused (${fragment || "no key"})`);
    }
  });

  it("shows both tables' notes live, and gathers one of each into a theme by keyboard only", async () => {
    const { server, workshop, prompts } = await boardSetup({ perspectives: ["Socialtjänst", "Polis"] });
    const [today] = prompts;
    const [table1, table2] = workshop.tables;
    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    await facilitator.page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    await facilitator.page
      .getByRole("heading", { level: 2, name: new RegExp(sv.synthesisHeading) })
      .waitFor();
    expect(facilitator.page.url()).not.toContain("#key=");

    const one = await openTablet(browser, server);
    const two = await openTablet(browser, server);
    await joinByLink(one.page, server, table1!.joinCode);
    await joinByLink(two.page, server, table2!.joinCode);
    const first = "Stuprör mellan förvaltningarna";
    const second = "Ingen gemensam lägesbild";
    await addNote(one.page, today, first);
    await addNote(two.page, today, second);

    const synthesis = facilitator.page.getByRole("region", { name: new RegExp(sv.synthesisHeading) });
    await expect.poll(() => synthesis.getByText(first, { exact: true }).count(), { timeout: 2_000 }).toBe(1);
    await expect.poll(() => synthesis.getByText(second, { exact: true }).count(), { timeout: 2_000 }).toBe(1);
    await expect
      .poll(() => synthesis.getByText(`${table2!.name}`, { exact: true }).count())
      .toBeGreaterThan(0);

    // Keyboard only: select both notes, make a theme of them, name it.
    await facilitator.page.locator("body").focus();
    await tabTo(facilitator.page, format(sv.selectNote, { text: first }));
    await facilitator.page.keyboard.press("Space");
    await tabTo(facilitator.page, format(sv.selectNote, { text: second }));
    await facilitator.page.keyboard.press("Space");
    // Each note's selection is a checkbox to assistive technology, and says it is checked.
    for (const text of [first, second]) {
      const box = synthesis.getByRole("checkbox", { name: format(sv.selectNote, { text }), exact: true });
      expect(await box.isChecked(), `"${text}" is checked`).toBe(true);
    }
    await tabTo(facilitator.page, sv.newThemeFromSelected);
    await facilitator.page.keyboard.press("Enter");
    await tabTo(facilitator.page, sv.themeTitleLabel);
    await facilitator.page.keyboard.type("Ett gemensamt språk");

    const probe = connectClient(
      server,
      docName(synthesisDoc(workshop.workshopId)),
      workshop.facilitatorToken,
    );
    await probe.synced();
    await expect
      .poll(() => allThemes(probe.doc).map((theme) => [theme.title, theme.notes.length]))
      .toEqual([["Ett gemensamt språk", 2]]);
    const [theme] = allThemes(probe.doc);
    const tablesInTheme = new Set(theme!.notes.map((ref) => ref.split("/")[0]));
    expect(tablesInTheme).toEqual(new Set([table1!.id, table2!.id]));
    await expectAccessible(facilitator.page, "console with notes and a theme");
  });

  it("marks a note's language only where the interface speaks another", async () => {
    const { server, workshop } = await boardSetup();
    const { token } = await server.join(workshop.tables[0]!.joinCode);
    const table = connectClient(
      server,
      docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id)),
      token,
    );
    await table.synced();
    const meta = await facilitatorMeta(server, workshop);
    const round = readMeta(meta.doc).rounds[0]!;
    const text = "Samverkan börjar i det lilla";
    createNote(table.doc, { roundId: round.id, promptId: round.prompts[0]!.id, text, createdAt: Date.now() });

    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    const page = facilitator.page;
    await page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    const note = page.locator(".synth-note__text").filter({ hasText: text });
    await note.waitFor();
    // The language a screen reader reads the note in: its own `lang`, else the nearest one above.
    const noteLanguage = () => note.evaluate((element) => element.closest("[lang]")?.getAttribute("lang"));
    const ownLanguage = () => note.evaluate((element) => element.getAttribute("lang"));
    expect(await noteLanguage()).toBe("sv");
    expect(await ownLanguage(), "the page already says Swedish").toBeNull();

    await page.getByRole("combobox", { name: sv.languageLabel }).selectOption("en");
    await page.getByRole("checkbox", { name: format(STRINGS.en.selectNote, { text }) }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(await noteLanguage(), "the note is still Swedish in an English interface").toBe("sv");
  });

  it("closes writing, starts the timer and hides a note from the console; the tablets follow", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [today] = prompts;
    const table = workshop.tables[0]!;
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, table.joinCode);
    await addNote(tablet.page, today, "Det här ska inte synas");

    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    await facilitator.page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    await facilitator.page.getByRole("button", { name: sv.timerStart, exact: true }).click();
    await expect.poll(() => tablet.page.getByRole("timer").count()).toBe(1);
    await facilitator.page.getByRole("button", { name: sv.closeWriting }).click();
    await tablet.page.getByText(sv.writingClosed).waitFor();

    await facilitator.page
      .getByRole("button", { name: format(sv.hideNoteLabel, { text: "Det här ska inte synas" }) })
      .click();
    const stored = await serverTableDoc(server, workshop, table.id);
    await expect
      .poll(() => {
        const notes = stored.doc.getMap("notes");
        const [note] = [...notes.values()];
        return note instanceof Y.Map ? note.get("hidden") : undefined;
      })
      .toBe(true);
  });

  it("deletes the workshop for good from the console; an open tablet learns it ended", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, workshop.tables[0]!.joinCode);
    await addNote(tablet.page, prompts[0], "Snart borta");

    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    await facilitator.page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    await facilitator.page.getByRole("button", { name: sv.deleteWorkshop }).click();
    // The confirmation takes the focus: a keyboard user lands on the question, not on nothing.
    const confirm = facilitator.page.getByRole("button", { name: sv.deleteWorkshopConfirm });
    await expect.poll(() => confirm.evaluate((element) => element === document.activeElement)).toBe(true);
    await expectAccessible(facilitator.page, "console asking to delete the workshop");
    await confirm.click();
    await facilitator.page.getByText(sv.workshopDeleted).waitFor();
    await tablet.page.getByText(sv.workshopEnded).waitFor();
    expect(await server.app.store.isDeleted(workshop.workshopId)).toBe(true);
  });

  it("starts a follow-up that opens on the day's conclusions, for the console and the tablets", async () => {
    const { server, workshop } = await boardSetup();
    const synthesis = connectClient(
      server,
      docName(synthesisDoc(workshop.workshopId)),
      workshop.facilitatorToken,
    );
    await synthesis.synced();
    addInsight(synthesis.doc, {
      roundId: null,
      kind: "conclusion",
      text: "Ensam är inte stark",
      themeIds: [],
    });

    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    await facilitator.page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    await facilitator.page.getByRole("button", { name: sv.startFollowUp }).click();
    await facilitator.page.getByRole("link", { name: sv.openFollowUp }).click();
    const startingPoint = facilitator.page.getByRole("region", { name: sv.startingPointHeading });
    await startingPoint.getByText("Ensam är inte stark").waitFor();
    expect(facilitator.page.url()).not.toContain(workshop.workshopId);
    await expectAccessible(facilitator.page, "follow-up console with its starting point");

    const followUpId = /\/w\/([\w-]+)\/facilitate/.exec(facilitator.page.url())?.[1];
    const key = await facilitator.page.evaluate(
      (id) => localStorage.getItem(`samla.key.facilitator.${id}`),
      followUpId,
    );
    const tables = await server.request("GET", `/api/workshops/${followUpId}/tables`, { token: key ?? "" });
    const [table] = (tables.body as TablesResponse).tables;
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, table!.joinCode);
    await tablet.page
      .getByRole("region", { name: sv.startingPointHeading })
      .getByText("Ensam är inte stark")
      .waitFor();
    await tablet.page.getByRole("heading", { level: 3, name: "Vad har vi tagit med oss?" }).waitFor();
  });

  it("gathers a note into a theme by drag and drop", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, workshop.tables[0]!.joinCode);
    await addNote(tablet.page, prompts[0], "Dra mig till ett tema");

    const facilitator = await openTablet(browser, server, { viewport: CONSOLE_VIEWPORT });
    const page = facilitator.page;
    await page.goto(workshop.facilitatorUrl.replace("http://samla.test", server.url));
    await page.getByRole("textbox", { name: sv.newThemeTitle }).fill("Samverkan");
    await page.getByRole("button", { name: sv.addTheme }).click();
    const theme = page
      .locator(".theme")
      .filter({ has: page.getByRole("textbox", { name: sv.themeTitleLabel }) });
    await theme.waitFor();
    const note = page.locator(".synth-note").filter({ hasText: "Dra mig till ett tema" });
    await note.dragTo(theme);

    const probe = connectClient(
      server,
      docName(synthesisDoc(workshop.workshopId)),
      workshop.facilitatorToken,
    );
    await probe.synced();
    await expect
      .poll(() => allThemes(probe.doc).map((t) => [t.title, t.notes.length]))
      .toEqual([["Samverkan", 1]]);
    await theme.getByText("Dra mig till ett tema").waitFor();
  });
});
