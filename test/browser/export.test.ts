/**
 * After the day (issue 5) in real Chromium against a real server: the console's export panel
 * (the Markdown report downloaded and copied, the archive downloaded) and restoring that archive
 * on `/new` as a new workshop. Tables and the facilitator's synthesis are Node y-websocket
 * clients writing the documents as the real ones would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import { addNoteToTheme, createTheme } from "../../shared/schema/synthesis.ts";
import { createNote, noteRef } from "../../shared/schema/table.ts";
import { connectClient } from "../helpers/client.ts";
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
  politeAnnouncements,
  startAppServer,
  sv,
  type Tablet,
} from "./harness.ts";

const LAPTOP = { width: 1440, height: 900 } as const;
const THEME = "Ett gemensamt språk";
const IN_THEME = ["Stuprör mellan förvaltningarna", "Ingen gemensam lägesbild"] as const;
const LOOSE = "Vi ses för sällan";
const ALL_TEXTS = [...IN_THEME, LOOSE, THEME];

interface Seeded {
  readonly server: TestServer;
  readonly workshop: CreateWorkshopResponse;
  /** The report as the API gives it to the facilitator. */
  readonly report: string;
}

/** A workshop with a note at each of two tables gathered into a theme, and one loose note. */
async function seeded(): Promise<Seeded> {
  const { server, workshop } = await boardSetup();
  const meta = readMeta((await facilitatorMeta(server, workshop)).doc);
  const round = meta.rounds.find((r) => r.id === meta.activeRoundId) ?? meta.rounds[0]!;
  const synthesis = connectClient(
    server,
    docName(synthesisDoc(workshop.workshopId)),
    workshop.facilitatorToken,
  );
  await synthesis.synced();
  const themeId = createTheme(synthesis.doc, { roundId: round.id, title: THEME });
  let clock = Date.now();
  for (const [i, table] of workshop.tables.entries()) {
    const { token } = await server.join(table.joinCode);
    const client = connectClient(server, docName(tableDoc(workshop.workshopId, table.id)), token);
    await client.synced();
    const write = (text: string) =>
      createNote(client.doc, { roundId: round.id, promptId: round.prompts[0]!.id, text, createdAt: clock++ });
    addNoteToTheme(synthesis.doc, themeId, noteRef(table.id, write(IN_THEME[i]!)));
    if (i === 1) write(LOOSE);
  }
  // The relay stores each update before relaying it: wait until the report has all of it.
  const report = await eventually(async () => {
    const text = await reportOf(server, workshop.workshopId, workshop.facilitatorToken);
    for (const needle of ALL_TEXTS) expect(text).toContain(needle);
    return text;
  });
  return { server, workshop, report };
}

async function reportOf(server: TestServer, workshopId: WorkshopId, token: string): Promise<string> {
  const response = await server.request("GET", `/api/workshops/${workshopId}/export.md`, { token });
  expect(response.status).toBe(200);
  return response.text;
}

async function openConsole(browser: Browser, server: TestServer, workshop: CreateWorkshopResponse) {
  const facilitator = await openTablet(browser, server, { viewport: LAPTOP });
  await facilitator.page.goto(
    `${server.url}/w/${workshop.workshopId}/facilitate#key=${workshop.facilitatorToken}`,
  );
  await exportPanel(facilitator.page).waitFor();
  return facilitator;
}

function exportPanel(page: Page) {
  return page.getByRole("region", { name: sv.exportHeading, exact: true });
}

function button(page: Page, name: string) {
  return page.getByRole("button", { name, exact: true });
}

/** Clicks `name` and returns the download it starts. */
async function downloadFrom(page: Page, name: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent("download"), button(page, name).click()]);
  return download;
}

async function downloadedText(download: Download): Promise<string> {
  expect(await download.failure()).toBeNull();
  return readFileSync(await download.path(), "utf8");
}

/** Every workshop the server has (and has not deleted). */
async function workshopCount(server: TestServer): Promise<number> {
  return (await server.app.store.listInactiveWorkshops(Number.MAX_SAFE_INTEGER)).length;
}

async function openImport(browser: Browser, server: TestServer): Promise<Tablet> {
  const setup = await openTablet(browser, server, { viewport: LAPTOP });
  await setup.page.goto(`${server.url}/new`);
  await setup.page.getByRole("heading", { level: 2, name: sv.importHeading, exact: true }).waitFor();
  return setup;
}

/** Chooses a file in the import section and presses "restore". */
async function importFile(page: Page, name: string, contents: string | Buffer): Promise<void> {
  await page.getByLabel(sv.importFileLabel, { exact: true }).setInputFiles({
    name,
    mimeType: "application/json",
    buffer: typeof contents === "string" ? Buffer.from(contents, "utf8") : contents,
  });
  await button(page, sv.importSubmit).click();
}

async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole("alert");
  await alert.first().waitFor();
  return (await alert.allInnerTexts()).join(" | ");
}

describe.skipIf(!browserAvailable)("exporting and restoring a workshop", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("downloads the Markdown report from the console: the same text the API gives", async () => {
    const { server, workshop, report } = await seeded();
    const { page } = await openConsole(browser, server, workshop);
    await expectAccessible(page, "console with the export panel");
    for (const name of [sv.exportMarkdown, sv.exportCopyMarkdown, sv.exportDownloadArchive]) {
      const box = await button(page, name).boundingBox();
      expect(Math.min(box?.width ?? 0, box?.height ?? 0), name).toBeGreaterThanOrEqual(44);
    }

    const download = await downloadFrom(page, sv.exportMarkdown);
    expect(download.suggestedFilename()).toMatch(/^praktikerdialog-om-maskulinitet\.md$/);
    const text = await downloadedText(download);
    expect(text).toBe(report);
    for (const needle of ALL_TEXTS) expect(text).toContain(needle);
    // The Blob URL was a download, not a navigation: the console is still here.
    expect(new URL(page.url()).pathname).toBe(`/w/${workshop.workshopId}/facilitate`);
    const done = format(sv.exportDownloaded, { file: download.suggestedFilename() });
    await expect.poll(() => politeAnnouncements(page)).toContain(done);
  });

  it("copies the Markdown report to the clipboard, and announces it", async () => {
    const { server, workshop, report } = await seeded();
    const facilitator = await openConsole(browser, server, workshop);
    await facilitator.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await button(facilitator.page, sv.exportCopyMarkdown).click();
    await expect.poll(() => politeAnnouncements(facilitator.page)).toContain(sv.exportCopied);
    expect(await facilitator.page.evaluate(() => navigator.clipboard.readText())).toBe(report);
  });

  it("shows the report selected in a text field where the clipboard refuses", async () => {
    const { server, workshop, report } = await seeded();
    const facilitator = await openTablet(browser, server, { viewport: LAPTOP });
    // A browser that refuses to write the clipboard (as an insecure context or a denied permission would).
    await facilitator.context.addInitScript(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
    });
    const { page } = facilitator;
    await page.goto(`${server.url}/w/${workshop.workshopId}/facilitate#key=${workshop.facilitatorToken}`);
    await button(page, sv.exportCopyMarkdown).click();
    const field = page.getByRole("textbox", { name: sv.exportCopyFallbackLabel, exact: true });
    await field.waitFor();
    expect(await field.inputValue()).toBe(report);
    const selection = await field.evaluate((element) => {
      if (!(element instanceof HTMLTextAreaElement)) throw new Error("not a textarea");
      return {
        focused: element === document.activeElement,
        selected: element.selectionEnd - element.selectionStart,
        readOnly: element.readOnly,
      };
    });
    expect(selection).toEqual({ focused: true, selected: report.length, readOnly: true });
    await expectAccessible(page, "console with the copy fallback");
  });

  it("restores a downloaded archive on /new as a new workshop with the same notes and theme", async () => {
    const { server, workshop } = await seeded();
    const { page } = await openConsole(browser, server, workshop);
    const download = await downloadFrom(page, sv.exportDownloadArchive);
    expect(download.suggestedFilename()).toMatch(/\.samla\.json$/);
    const archive = await downloadedText(download);
    expect(JSON.parse(archive)).toMatchObject({
      format: "samla-archive",
      workshop: { id: workshop.workshopId },
    });

    const setup = await openImport(browser, server);
    const imports = watchImports(setup.page);
    await importFile(setup.page, download.suggestedFilename(), archive);
    const done = format(sv.setupDoneHeading, { title: "Praktikerdialog om maskulinitet" });
    await setup.page.getByRole("heading", { level: 1, name: done, exact: true }).waitFor();
    expect(imports).toEqual([201]);

    const facilitatorUrl = await setup.page
      .getByRole("textbox", { name: sv.setupFacilitatorLinkHeading, exact: true })
      .inputValue();
    const newId = /\/w\/([A-Za-z0-9_-]+)\/facilitate#key=/.exec(facilitatorUrl)?.[1];
    expect(newId).toBeDefined();
    expect(newId).not.toBe(workshop.workshopId);
    expect(facilitatorUrl).not.toContain(workshop.facilitatorToken);

    // The console opens here with the key this device kept.
    await setup.page.getByRole("link", { name: sv.setupOpenConsole, exact: true }).click();
    await setup.page.waitForURL(`${server.url}/w/${newId}/facilitate`);
    await exportPanel(setup.page).waitFor();
    for (const needle of ALL_TEXTS) {
      await expect.poll(() => pageShows(setup.page, needle), { message: needle }).toBe(true);
    }
  });

  it("refuses a file that is not JSON, JSON that is not an archive, and a tampered archive, in plain words", async () => {
    const { server, workshop } = await seeded();
    const archive = await server.request("GET", `/api/workshops/${workshop.workshopId}/export.json`, {
      token: workshop.facilitatorToken,
    });
    expect(archive.status).toBe(200);
    const before = await workshopCount(server);
    const setup = await openImport(browser, server);
    const imports = watchImports(setup.page);

    await importFile(setup.page, "report.md", "# Praktikerdialog\n\n- not an archive\n");
    await expect.poll(() => alertText(setup.page)).toBe(sv.importErrorNotJson);
    const input = setup.page.getByLabel(sv.importFileLabel, { exact: true });
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(setup.page, "import with an error");
    const inputBox = await input.boundingBox();
    expect(inputBox?.height ?? 0, "the file input is a 44 px target").toBeGreaterThanOrEqual(44);

    await importFile(setup.page, "other.json", JSON.stringify({ hello: "world" }));
    await expect.poll(() => alertText(setup.page)).toBe(sv.importErrorNotArchive);

    // A note's readable text edited by hand: the server names where it is wrong.
    const tampered = archive.text.replace(IN_THEME[0], "Ändrat i efterhand");
    expect(tampered).not.toBe(archive.text);
    await importFile(setup.page, "tampered.samla.json", tampered);
    await expect.poll(() => alertText(setup.page)).toMatch(/does not match the document's Yjs state/);
    expect(await alertText(setup.page)).toContain(sv.importErrorRejected.split("{message}")[0]);
    await expectAccessible(setup.page, "import refused by the server");

    expect(imports).toEqual([400]);
    expect(await workshopCount(server)).toBe(before);
    expect(
      await setup.page.getByRole("heading", { level: 1, name: sv.setupTitle, exact: true }).count(),
    ).toBe(1);
  });

  it("says a file over the server's 20 MiB limit is too large, and creates nothing", async () => {
    const server = await startAppServer();
    const setup = await openImport(browser, server);
    const imports = watchImports(setup.page);
    // From disk: the browser reads the file itself, where 20 MiB through the protocol is slow.
    const dir = mkdtempSync(path.join(tmpdir(), "samla-import-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const huge = path.join(dir, "huge.samla.json");
    writeFileSync(huge, JSON.stringify({ format: "samla-archive", padding: "x".repeat(20 * 1024 * 1024) }));
    await setup.page.getByLabel(sv.importFileLabel, { exact: true }).setInputFiles(huge);
    await button(setup.page, sv.importSubmit).click();
    await expect.poll(() => alertText(setup.page)).toBe(sv.importErrorTooLarge);
    expect(imports).toEqual([413]);
    expect(await workshopCount(server)).toBe(0);
  });
});

/** The status of every import the page sent, in order. */
function watchImports(page: Page): number[] {
  const statuses: number[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/api/workshops/import") statuses.push(response.status());
  });
  return statuses;
}
