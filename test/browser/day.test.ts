/**
 * The day, end to end (issue 4): the facilitator creates a workshop through the setup page, two
 * tablets at two tables join by code and write, the console gathers one note of each into a
 * theme by keyboard only, and the projector shows that theme within a second. Timer, writing
 * closed and a hidden note reach the tablets and the screen.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import type { TablesResponse } from "../../shared/api.ts";
import { DEFAULT_PROMPTS } from "../../shared/schema/language.ts";
import {
  addNote,
  browserAvailable,
  joinByCode,
  launchBrowser,
  openTablet,
  pageShows,
  startAppServer,
  sv,
  tabTo,
} from "./harness.ts";

const LAPTOP = { width: 1440, height: 900 } as const;
const PROJECTOR = { width: 1920, height: 1080 } as const;

describe.skipIf(!browserAvailable)("a workshop day across setup, tablets, console and screen", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("gathers notes from two tables into a theme that the screen shows within a second", async () => {
    const server = await startAppServer();
    const facilitator = await openTablet(browser, server, { viewport: LAPTOP });
    const page = facilitator.page;
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: sv.setupCreateLink, exact: true }).click();
    await page.getByRole("textbox", { name: sv.setupTitleLabel, exact: true }).fill("Praktikerdialog");
    await page.getByRole("textbox", { name: sv.setupTableCountLabel, exact: true }).fill("2");
    await page.getByRole("button", { name: sv.setupSubmit, exact: true }).click();
    const facilitatorUrl = await page
      .getByRole("textbox", { name: sv.setupFacilitatorLinkHeading })
      .inputValue();
    const screenUrl = await page.getByRole("textbox", { name: sv.setupScreenLinkHeading }).inputValue();
    const [, workshopId, key] = /\/w\/([\w-]+)\/facilitate#key=([\w-]+)$/.exec(facilitatorUrl) ?? [];
    const tables = await server.request("GET", `/api/workshops/${workshopId}/tables`, { token: key });
    const [table1, table2] = (tables.body as TablesResponse).tables;

    await page.getByRole("link", { name: sv.setupOpenConsole, exact: true }).click();
    await page.getByRole("heading", { level: 2, name: new RegExp(sv.synthesisHeading) }).waitFor();
    const screen = await openTablet(browser, server, { viewport: PROJECTOR });
    await screen.page.goto(screenUrl.replace("http://samla.test", server.url));

    const one = await openTablet(browser, server);
    const two = await openTablet(browser, server);
    await joinByCode(one.page, server, table1!.joinCode);
    await joinByCode(two.page, server, table2!.joinCode);
    const [today] = DEFAULT_PROMPTS.sv;
    const first = "Vi möts bara på konferenser";
    const second = "Ingen gemensam lägesbild";
    await addNote(one.page, today, first);
    await addNote(two.page, today, second);

    const synthesis = page.getByRole("region", { name: new RegExp(sv.synthesisHeading) });
    await expect.poll(() => synthesis.getByText(second, { exact: true }).count()).toBe(1);
    await expect.poll(() => pageShows(screen.page, first)).toBe(true);

    await page.locator("body").focus();
    await tabTo(page, format(sv.selectNote, { text: first }));
    await page.keyboard.press("Space");
    await tabTo(page, format(sv.selectNote, { text: second }));
    await page.keyboard.press("Space");
    await tabTo(page, sv.newThemeFromSelected);
    await page.keyboard.press("Enter");
    await tabTo(page, sv.themeTitleLabel);
    await page.keyboard.type("Stuprör");
    const typed = Date.now();
    await expect
      .poll(() => screen.page.getByRole("heading", { name: "Stuprör", exact: true }).count(), {
        timeout: 1_000,
      })
      .toBe(1);
    expect(Date.now() - typed).toBeLessThan(1_000);

    // Timer and closed writing reach every tablet and the screen; a hidden note leaves the screen.
    await page.getByRole("button", { name: sv.timerStart, exact: true }).click();
    await page.getByRole("button", { name: sv.closeWriting }).click();
    for (const viewer of [one.page, two.page, screen.page]) {
      await expect.poll(() => viewer.getByRole("timer").count()).toBe(1);
      await expect.poll(() => pageShows(viewer, sv.writingClosed)).toBe(true);
    }
    await page.getByRole("button", { name: format(sv.hideNoteLabel, { text: second }) }).click();
    await expect.poll(() => pageShows(screen.page, second)).toBe(false);
    expect(await pageShows(screen.page, first)).toBe(true);
  });
});
