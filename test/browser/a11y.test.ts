/**
 * axe-core (WCAG 2.0/2.1, A and AA) on every view a table sees, in real Chromium. Violations are
 * printed with their rule, help and the offending elements; every state of a test is checked
 * before it fails, so one run lists them all.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import { readMeta, setRevealed, setWritingOpen } from "../../shared/schema/meta.ts";
import { createNote } from "../../shared/schema/table.ts";
import {
  addNote,
  boardSetup,
  browserAvailable,
  expectAccessible,
  expectStatus,
  facilitatorMeta,
  fieldValue,
  joinByLink,
  launchBrowser,
  noteBox,
  openTablet,
  serverTableDoc,
  startAppServer,
  sv,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
  templatePattern,
} from "./harness.ts";

describe.skipIf(!browserAvailable)("accessibility (axe-core, WCAG 2.1 A and AA)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the home page, also with a mistyped code", async () => {
    const server = await startAppServer();
    const { page } = await openTablet(browser, server);
    await page.goto(`${server.url}/`);
    const code = page.getByRole("textbox", { name: sv.joinCodeLabel, exact: true });
    await code.waitFor();
    await expectAccessible(page, "home page");

    await code.fill("ab");
    await page.getByRole("button", { name: sv.joinButton, exact: true }).click();
    await page.getByText(sv.joinInvalidCode).waitFor();
    await expectAccessible(page, "home page with a mistyped code");
  });

  it("the join page for an unknown code", async () => {
    const server = await startAppServer();
    const { page } = await openTablet(browser, server);
    await page.goto(`${server.url}/join/ZZZZZZ`);
    await page.getByText(sv.joinUnknownCode).waitFor();
    await expectAccessible(page, "/join/<unknown code>");
  });

  it.each([
    { name: "tablet landscape 1280×800", viewport: TABLET_LANDSCAPE },
    { name: "tablet portrait 800×1280", viewport: TABLET_PORTRAIT },
  ])("the board: notes in edit, writing closed, another table revealed ($name)", async ({ viewport }) => {
    const { server, workshop, prompts } = await boardSetup();
    const [today, change] = prompts;
    const [first, second] = workshop.tables;
    const a = await openTablet(browser, server, { viewport });
    const b = await openTablet(browser, server, { viewport });
    await joinByLink(a.page, server, first!.joinCode);
    await joinByLink(b.page, server, first!.joinCode);

    await addNote(a.page, today, "Vi arbetar i stuprör");
    await addNote(a.page, today, "Skolan larmar sent");
    await addNote(a.page, change, "Gemensamma utbildningsdagar");
    // Tablet B is in the middle of editing the first note; A sees who is writing there.
    await expect.poll(() => fieldValue(noteBox(b.page, today, 1))).toBe("Vi arbetar i stuprör");
    await noteBox(b.page, today, 1).click();
    await b.page.keyboard.type(" och");
    const editing = format(sv.editingBy, { device: sv.deviceName });
    await a.page.getByText(templatePattern(editing)).first().waitFor();
    await expectStatus(a.page, "syncSaved");
    await expectAccessible(a.page, "board with notes (another device editing)");
    await expectAccessible(b.page, "board with a note in edit");

    const facilitator = await facilitatorMeta(server, workshop);
    setWritingOpen(facilitator.doc, false);
    await a.page.getByText(sv.writingClosed).waitFor();
    await expectAccessible(a.page, "board with writing closed");

    // The other table has a note of its own, written through the facilitator's connection.
    const meta = readMeta(facilitator.doc);
    const round = meta.rounds[0]!;
    const otherTable = await serverTableDoc(server, workshop, second!.id);
    createNote(otherTable.doc, {
      roundId: round.id,
      promptId: round.prompts[0]!.id,
      text: "Socialtjänsten saknar tid för samverkan",
      createdAt: Date.now(),
    });
    setRevealed(facilitator.doc, true);
    await a.page
      .getByRole("button", { name: format(sv.showTable, { table: second!.name }), exact: true })
      .click();
    const readOnly = a.page.getByRole("region", {
      name: format(sv.readOnlyTable, { table: second!.name }),
      exact: true,
    });
    await expect.poll(() => readOnly.textContent()).toContain("Socialtjänsten saknar tid för samverkan");
    await expectAccessible(a.page, "board with reveal on and another table open");
  });
});
