/**
 * The table board in real Chromium against a real server (issue 3, "How it is checked").
 * Every tablet is a fresh browser context; `openTablet` fails a test if any of its requests
 * or WebSockets went to another origin than the server's.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import { setRevealed, setWritingOpen } from "../../shared/schema/meta.ts";
import { allNotes } from "../../shared/schema/table.ts";
import {
  addButton,
  addNote,
  boardSetup,
  browserAvailable,
  deleteWorkshop,
  expectStatus,
  facilitatorMeta,
  fieldValue,
  foreignRequests,
  joinByCode,
  joinByLink,
  launchBrowser,
  noteBox,
  noteBoxes,
  openTablet,
  pageShows,
  politeAnnouncements,
  serverTableDoc,
  startNote,
  sv,
} from "./harness.ts";

describe("origin guard", () => {
  it("flags every URL that is not the server's own origin", () => {
    const origin = "http://127.0.0.1:4000";
    const urls = [
      `${origin}/`,
      `${origin}/assets/index.js`,
      "ws://127.0.0.1:4000/sync/w/meta?token=t",
      "data:image/png;base64,AAAA",
      "https://fonts.googleapis.com/css2?family=Inter",
      "wss://127.0.0.1:4000/sync/w/meta",
      "http://127.0.0.1:4001/",
      "http://localhost:4000/",
    ];
    expect(foreignRequests(urls, origin)).toEqual(urls.slice(4));
  });
});

describe.skipIf(!browserAvailable)("table board in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("two tablets join one table by code and see each other's notes as they are typed", async () => {
    const { server, workshop, roundTitle, prompts } = await boardSetup();
    const [today] = prompts;
    const table = workshop.tables[0]!;
    const a = await openTablet(browser, server);
    const b = await openTablet(browser, server);

    const boardUrl = `${server.url}/w/${workshop.workshopId}/table/${table.id}`;
    await joinByCode(a.page, server, table.joinCode.toLowerCase());
    expect(a.page.url()).toBe(boardUrl);
    await b.page.goto(`${server.url}/`);
    const historyBefore = await b.page.evaluate(() => history.length);
    await joinByLink(b.page, server, table.joinCode);
    expect(b.page.url()).toBe(boardUrl);
    // The join link is replaced by the board (one new history entry): "back" does not join again.
    expect(await b.page.evaluate(() => history.length)).toBe(historyBefore + 1);

    for (const { page } of [a, b]) {
      await page.getByRole("heading", { level: 1, name: table.name, exact: true }).waitFor();
      await page.getByRole("heading", { level: 2, name: roundTitle }).waitFor();
      for (const prompt of prompts)
        await page.getByRole("heading", { level: 3, name: prompt, exact: true }).waitFor();
      await page.getByText(format(sv.devicesAtTable, { n: 2 }), { exact: true }).waitFor();
    }

    const text = "Socialtjänsten och skolan möts sällan – vi vet inte vad de andra gör";
    const box = await startNote(a.page, today);
    // The other tablet hears about the new note politely, and gets it as a textarea.
    await expect
      .poll(() => politeAnnouncements(b.page))
      .toContain(format(sv.announceNewNote, { prompt: today }));
    await a.page.keyboard.type(text);
    await expect.poll(() => fieldValue(noteBox(b.page, today, 1))).toBe(text);
    // Edits go both ways.
    await noteBox(b.page, today, 1).press("End");
    await b.page.keyboard.type(" än.");
    await expect.poll(() => fieldValue(box)).toBe(`${text} än.`);
  });

  it("another table sees a table's notes only after the facilitator reveals, then read-only", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [today] = prompts;
    const [first, second] = workshop.tables;
    const a = await openTablet(browser, server);
    const c = await openTablet(browser, server);
    await joinByLink(a.page, server, first!.joinCode);
    await joinByLink(c.page, server, second!.joinCode);
    await c.page.getByRole("heading", { level: 1, name: second!.name, exact: true }).waitFor();

    const secret = "Hedersrelaterat våld syns inte i vår statistik";
    await addNote(a.page, today, secret);
    await expectStatus(a.page, "syncSaved");
    await expectStatus(c.page, "syncSaved");
    expect(await pageShows(c.page, secret), "a table's note is not on another table's board").toBe(false);
    expect(await c.page.getByRole("region", { name: sv.otherTables, exact: true }).count()).toBe(0);

    const facilitator = await facilitatorMeta(server, workshop);
    setRevealed(facilitator.doc, true);
    const others = c.page.getByRole("region", { name: sv.otherTables, exact: true });
    await others
      .getByRole("button", { name: format(sv.showTable, { table: first!.name }), exact: true })
      .click();
    const readOnly = c.page.getByRole("region", {
      name: format(sv.readOnlyTable, { table: first!.name }),
      exact: true,
    });
    await expect.poll(() => readOnly.textContent()).toContain(secret);
    expect(
      await readOnly.locator("textarea, input, [contenteditable]").count(),
      "no fields in a read-only view",
    ).toBe(0);
    // Table 2's own board is still there and writable.
    expect(await addButton(c.page, today).isEnabled()).toBe(true);
  });

  it("offline: notes written offline survive reloads and reach the other tablet when the network is back", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [today, change] = prompts;
    const table = workshop.tables[0]!;
    const a = await openTablet(browser, server, { offlineCapable: true });
    const b = await openTablet(browser, server);
    // When the app registers its service worker: only once the page has loaded (its install
    // fetches the app again, which would compete with a first paint).
    await a.context.addInitScript(() => {
      const register = ServiceWorkerContainer.prototype.register;
      ServiceWorkerContainer.prototype.register = function (this: ServiceWorkerContainer, ...args) {
        (window as unknown as { registeredWhen?: string }).registeredWhen = document.readyState;
        return register.apply(this, args);
      };
    });
    await joinByLink(a.page, server, table.joinCode);
    await joinByLink(b.page, server, table.joinCode);
    await expectStatus(a.page, "syncSaved");
    expect(
      await a.page.evaluate(() => (window as unknown as { registeredWhen?: string }).registeredWhen),
    ).toBe("complete");

    await a.context.setOffline(true);
    await expectStatus(a.page, "syncOffline");
    // Chromium keeps open WebSockets through emulated offline; a reload drops them for real.
    await a.page.reload();
    await expect
      .poll(() => a.page.getByRole("heading", { level: 1, name: table.name, exact: true }).count(), {
        message: "the board loads offline (the service worker serves the page and its scripts)",
      })
      .toBe(1);
    await expectStatus(a.page, "syncOffline");

    const first = "Polisen och skolan har olika bilder av läget";
    const second = "Gemensam lägesbild varje termin";
    await addNote(a.page, today, first);
    await addNote(a.page, change, second);
    // Reload once the board says the notes are kept on this device (IndexedDB committed them).
    await expectStatus(a.page, "syncOffline");
    await a.page.reload();
    await expect.poll(() => fieldValue(noteBox(a.page, today, 1))).toBe(first);
    await expect.poll(() => fieldValue(noteBox(a.page, change, 1))).toBe(second);
    await expectStatus(a.page, "syncOffline");
    expect(await noteBoxes(b.page, today).count(), "nothing reached the other tablet while offline").toBe(0);

    await a.context.setOffline(false);
    await expect.poll(() => fieldValue(noteBox(b.page, today, 1)), { timeout: 15_000 }).toBe(first);
    await expect.poll(() => fieldValue(noteBox(b.page, change, 1))).toBe(second);
    await expectStatus(a.page, "syncSaved");
  });

  it("writing closed by the facilitator makes the board read-only on every tablet", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [today, change] = prompts;
    const table = workshop.tables[0]!;
    const a = await openTablet(browser, server);
    const b = await openTablet(browser, server);
    await joinByLink(a.page, server, table.joinCode);
    await joinByLink(b.page, server, table.joinCode);
    await addNote(a.page, today, "Vi saknar en gemensam ingång");
    await expect.poll(() => fieldValue(noteBox(b.page, today, 1))).toBe("Vi saknar en gemensam ingång");

    const facilitator = await facilitatorMeta(server, workshop);
    setWritingOpen(facilitator.doc, false);
    for (const { page } of [a, b]) {
      await page.getByText(sv.writingClosed).waitFor();
      await expect.poll(() => noteBox(page, today, 1).isEditable()).toBe(false);
      expect(await page.locator("textarea:not([readonly])").count(), "every note textarea is read-only").toBe(
        0,
      );
      for (const prompt of [today, change]) expect(await addButton(page, prompt).isDisabled()).toBe(true);
    }

    setWritingOpen(facilitator.doc, true);
    for (const { page } of [a, b]) {
      await expect.poll(() => noteBox(page, today, 1).isEditable()).toBe(true);
      expect(await addButton(page, change).isEnabled()).toBe(true);
    }
  });

  it("a tablet talks to no origin but its own, over the whole flow", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [first, second] = workshop.tables;
    const a = await openTablet(browser, server);
    await joinByCode(a.page, server, first!.joinCode);
    await addNote(a.page, prompts[0], "Kunskapen stannar hos den som gick utbildningen");
    await expectStatus(a.page, "syncSaved");
    const facilitator = await facilitatorMeta(server, workshop);
    setRevealed(facilitator.doc, true);
    await a.page
      .getByRole("button", { name: format(sv.showTable, { table: second!.name }), exact: true })
      .click();
    await a.page
      .getByRole("region", { name: format(sv.readOnlyTable, { table: second!.name }), exact: true })
      .waitFor();

    // The recorder saw the page, its assets and its WebSockets, and all of them were the server's.
    const sync = server.syncUrl.replace(/\/sync$/, "/sync/");
    expect(a.requests).toContain(`${server.url}/`);
    expect(a.requests.filter((url) => url.startsWith(sync)).length).toBeGreaterThanOrEqual(2);
    expect(foreignRequests(a.requests, server.url)).toEqual([]);
    expect(a.refusedByCsp).toEqual([]);
  });

  it("the status says saved only once the server has the note; a deleted workshop ends the board", async () => {
    const { server, workshop, prompts } = await boardSetup();
    const [today] = prompts;
    const table = workshop.tables[0]!;
    const a = await openTablet(browser, server);
    await joinByLink(a.page, server, table.joinCode);
    await expectStatus(a.page, "syncSaved");

    const text = "Männens roll diskuteras sällan";
    await addNote(a.page, today, text);
    await expectStatus(a.page, "syncSaved");
    // Saved means on the server: a fresh client reads it straight away, without waiting.
    const onServer = await serverTableDoc(server, workshop, table.id);
    expect(allNotes(onServer.doc).map((note) => note.text)).toEqual([text]);

    await deleteWorkshop(server, workshop);
    await expectStatus(a.page, "workshopEnded");
    // The tablet's local copy is gone too: after a reload, no notes and no stored documents.
    await a.page.reload();
    const ended = async () =>
      (await pageShows(a.page, sv.workshopEnded)) || (await pageShows(a.page, sv.notJoined));
    await expect.poll(ended, { message: "the reloaded board says the workshop ended" }).toBe(true);
    expect(await pageShows(a.page, text)).toBe(false);
    const stored = async () =>
      (await a.page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ""))).filter(
        (name) => name.includes(workshop.workshopId),
      );
    await expect.poll(stored, { message: "IndexedDB holds nothing of the deleted workshop" }).toEqual([]);
  });
});
