/**
 * Dot voting on the tablets (issue 4, "Optional dot voting") in real Chromium against a real
 * server. The facilitator is a Node client on the meta and synthesis documents: the console that
 * will embed `VoteTotals` is not built yet, so the totals are checked through `voteTotals` on the
 * documents the server holds, the same function `VoteTotals` renders.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import { docName, synthesisDoc } from "../../shared/docNames.ts";
import { readMeta, setDotsPerTable, setVotingOpen } from "../../shared/schema/meta.ts";
import { createTheme, deleteTheme, renameTheme } from "../../shared/schema/synthesis.ts";
import { readVotes, type Votes } from "../../shared/schema/table.ts";
import { voteTotals } from "../../shared/schema/votes.ts";
import { connectClient } from "../helpers/client.ts";
import type { TestServer } from "../helpers/server.ts";
import {
  type BoardSetup,
  boardSetup,
  browserAvailable,
  expectAccessible,
  expectStatus,
  facilitatorMeta,
  isFocused,
  joinByLink,
  launchBrowser,
  openTablet,
  serverTableDoc,
  sv,
} from "./harness.ts";

const THEME_A = "Stuprör mellan förvaltningarna";
const THEME_B = "Gemensam lägesbild för skola, socialtjänst och polis";

function panel(page: Page) {
  return page.getByRole("region", { name: sv.votingHeading, exact: true });
}

function addDot(page: Page, theme: string) {
  return panel(page).getByRole("button", { name: format(sv.votingAddDot, { theme }), exact: true });
}

function removeDot(page: Page, theme: string) {
  return panel(page).getByRole("button", { name: format(sv.votingRemoveDot, { theme }), exact: true });
}

/** What the panel's polite status says is left. */
async function dotsLeftText(page: Page): Promise<string> {
  return (await panel(page).getByRole("status").textContent()) ?? "";
}

function leftText(n: number, total: number): string {
  return format(sv.votingDotsLeft, { n, total });
}

/** The count shown beside a theme on a tablet: "2 prickar", "1 prick". */
async function dotsOnTheme(page: Page, theme: string): Promise<string> {
  const item = panel(page).getByRole("listitem").filter({ hasText: theme });
  return (await item.locator(".voting__count").textContent()) ?? "";
}

function dotsText(n: number): string {
  return n === 1 ? sv.votingOneDotOnTheme : format(sv.votingDotsOnTheme, { n });
}

/** The facilitator's side of the synthesis: a real y-websocket client with the facilitator token. */
async function facilitatorSynthesis(setup: BoardSetup) {
  const client = connectClient(
    setup.server,
    docName(synthesisDoc(setup.workshop.workshopId)),
    setup.workshop.facilitatorToken,
  );
  await client.synced();
  return client;
}

/** The totals as the server holds them right now: fresh clients on every table document. */
async function serverTotals(setup: BoardSetup, themeIds: Parameters<typeof voteTotals>[1]) {
  const votes: Votes[] = [];
  for (const table of setup.workshop.tables) {
    votes.push(readVotes((await serverTableDoc(setup.server, setup.workshop, table.id)).doc));
  }
  return voteTotals(votes, themeIds);
}

async function joinTablet(browser: Browser, server: TestServer, code: string): Promise<Page> {
  const { page } = await openTablet(browser, server);
  await joinByLink(page, server, code);
  return page;
}

describe.skipIf(!browserAvailable)("dot voting in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("tables put their dots on themes live, within their budget, and the server has the totals", async () => {
    const setup = await boardSetup();
    const { server, workshop, prompts } = setup;
    const [first, second] = workshop.tables;
    const one = await joinTablet(browser, server, first!.joinCode);
    const two = await joinTablet(browser, server, first!.joinCode);
    const other = await joinTablet(browser, server, second!.joinCode);
    const tablets = [one, two, other];
    for (const page of tablets) {
      await page.getByRole("heading", { level: 3, name: prompts[0], exact: true }).waitFor();
      expect(await panel(page).count(), "no voting panel before the facilitator opens voting").toBe(0);
    }

    const meta = await facilitatorMeta(server, workshop);
    const synthesis = await facilitatorSynthesis(setup);
    const roundId = readMeta(meta.doc).activeRoundId;
    if (roundId === null) throw new Error("the workshop has no active round");
    const a = createTheme(synthesis.doc, { roundId, title: THEME_A });
    const b = createTheme(synthesis.doc, { roundId, title: THEME_B });
    setDotsPerTable(meta.doc, 3);
    setVotingOpen(meta.doc, true);

    for (const page of tablets) {
      await panel(page).getByRole("heading", { level: 3, name: sv.votingHeading, exact: true }).waitFor();
      await expect.poll(() => dotsLeftText(page)).toBe(leftText(3, 3));
      for (const theme of [THEME_A, THEME_B]) {
        await addDot(page, theme).waitFor();
        expect(await removeDot(page, theme).isDisabled(), "no dot to take off yet").toBe(true);
        expect(await dotsOnTheme(page, theme)).toBe(dotsText(0));
      }
    }

    // Table 1 puts two dots on theme A from tablet one; tablet two at the same table sees them.
    await addDot(one, THEME_A).click();
    await expect.poll(() => dotsOnTheme(one, THEME_A)).toBe(dotsText(1));
    await addDot(one, THEME_A).click();
    for (const page of [one, two]) {
      await expect.poll(() => dotsOnTheme(page, THEME_A)).toBe(dotsText(2));
      await expect.poll(() => dotsLeftText(page)).toBe(leftText(1, 3));
    }
    // Another table's dots are its own.
    expect(await dotsOnTheme(other, THEME_A)).toBe(dotsText(0));
    expect(await dotsLeftText(other)).toBe(leftText(3, 3));

    // Tablet two spends the last dot by keyboard; + is then unavailable on both, and keeps the focus.
    await addDot(two, THEME_B).focus();
    await two.keyboard.press("Enter");
    for (const page of [one, two]) {
      await expect.poll(() => dotsLeftText(page)).toBe(leftText(0, 3));
      for (const theme of [THEME_A, THEME_B]) {
        await expect
          .poll(() => addDot(page, theme).isDisabled(), { message: `+ on "${theme}" is disabled` })
          .toBe(true);
      }
    }
    expect(await isFocused(addDot(two, THEME_B)), "the focus stays on the + that was pressed").toBe(true);
    await two.keyboard.press("Enter");
    await addDot(one, THEME_A).click({ force: true });
    await expectStatus(one, "syncSaved");
    await expectStatus(two, "syncSaved");
    expect(await dotsLeftText(one), "pressing a disabled + adds nothing").toBe(leftText(0, 3));
    expect(await dotsOnTheme(two, THEME_A)).toBe(dotsText(2));
    expect(await dotsOnTheme(two, THEME_B)).toBe(dotsText(1));
    await expectAccessible(one, "board with the voting panel, all dots spent");

    // Taking a dot off gives it back.
    await removeDot(one, THEME_B).click();
    for (const page of [one, two]) {
      await expect.poll(() => dotsLeftText(page)).toBe(leftText(1, 3));
      await expect.poll(() => addDot(page, THEME_A).isEnabled()).toBe(true);
    }

    // Table 2 puts one dot on theme B.
    await addDot(other, THEME_B).click();
    await expect.poll(() => dotsLeftText(other)).toBe(leftText(2, 3));
    expect(await dotsOnTheme(one, THEME_B), "table 1 does not see table 2's dots").toBe(dotsText(0));

    // Saved means on the server: fresh clients on every table document give the totals.
    for (const page of tablets) await expectStatus(page, "syncSaved");
    expect(await serverTotals(setup, [a, b])).toEqual({ [a]: 2, [b]: 1 });
    await expectAccessible(other, "board with the voting panel");

    // The facilitator closes voting: the panel goes from every tablet, the dots stay stored.
    setVotingOpen(meta.doc, false);
    for (const page of tablets) {
      await expect.poll(() => panel(page).count(), { message: "the voting panel disappears" }).toBe(0);
      await page.getByRole("heading", { level: 3, name: prompts[0], exact: true }).waitFor();
    }
    expect(await serverTotals(setup, [a, b])).toEqual({ [a]: 2, [b]: 1 });
  });

  it("follows the facilitator: renamed and new themes, deleted themes give their dots back, a new budget", async () => {
    const setup = await boardSetup();
    const { server, workshop } = setup;
    const page = await joinTablet(browser, server, workshop.tables[0]!.joinCode);
    const meta = await facilitatorMeta(server, workshop);
    const synthesis = await facilitatorSynthesis(setup);
    const roundId = readMeta(meta.doc).activeRoundId;
    if (roundId === null) throw new Error("the workshop has no active round");
    setDotsPerTable(meta.doc, 2);
    setVotingOpen(meta.doc, true);
    await expect.poll(() => pageText(page)).toContain(sv.votingNoThemes);

    const a = createTheme(synthesis.doc, { roundId, title: "Kunskap" });
    await addDot(page, "Kunskap").click();
    await addDot(page, "Kunskap").click();
    await expect.poll(() => dotsLeftText(page)).toBe(leftText(0, 2));

    renameTheme(synthesis.doc, a, "Kunskap som stannar");
    await expect.poll(() => dotsOnTheme(page, "Kunskap som stannar")).toBe(dotsText(2));
    createTheme(synthesis.doc, { roundId, title: THEME_A });
    await expect.poll(() => addDot(page, THEME_A).isDisabled()).toBe(true);

    // A larger budget lets the table vote again; a deleted theme's dots come back.
    setDotsPerTable(meta.doc, 3);
    await expect.poll(() => dotsLeftText(page)).toBe(leftText(1, 3));
    deleteTheme(synthesis.doc, a);
    await expect.poll(() => dotsLeftText(page)).toBe(leftText(3, 3));
    expect(await panel(page).getByRole("listitem").count()).toBe(1);
    await expect.poll(() => addDot(page, THEME_A).isEnabled()).toBe(true);
  });
});

async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.textContent ?? "");
}
