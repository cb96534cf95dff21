/**
 * Setting up a workshop and printing its join cards, in real Chromium against a real server
 * (issue 4, "Setup" and the cards). Every page is a fresh context from `openTablet`, which fails
 * a test if anything went to another origin than the server's.
 */
import decodeQR from "@paulmillr/qr/decode.js";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "../../client/src/i18n/strings.ts";
import type { CreateWorkshopResponse, TablesResponse } from "../../shared/api.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { formatJoinCode } from "../../shared/joinCodes.ts";
import { DEFAULT_PROMPTS } from "../../shared/schema/language.ts";
import { readMeta } from "../../shared/schema/meta.ts";
import type { TestServer } from "../helpers/server.ts";
import {
  browserAvailable,
  expectAccessible,
  facilitatorMeta,
  isFocused,
  launchBrowser,
  openTablet,
  politeAnnouncements,
  startAppServer,
  sv,
} from "./harness.ts";

const LAPTOP = { width: 1280, height: 800 } as const;

function textbox(page: Page, name: string): Locator {
  return page.getByRole("textbox", { name, exact: true });
}

function button(page: Page, name: string): Locator {
  return page.getByRole("button", { name, exact: true });
}

/** Every POST to the create endpoint the page sent. */
function watchCreates(page: Page): string[] {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/workshops") {
      posts.push(request.url());
    }
  });
  return posts;
}

/** Draws a card's QR code (its SVG, as served) into a canvas and returns the pixels, RGBA. */
async function qrPixels(svg: Locator): Promise<{ width: number; height: number; data: Uint8Array }> {
  const image = await svg.evaluate(async (element) => {
    if (!(element instanceof SVGSVGElement)) throw new Error("not an svg");
    const scale = 6;
    const size = element.viewBox.baseVal.width * scale;
    const copy = element.cloneNode(true) as SVGSVGElement;
    copy.setAttribute("width", String(size));
    copy.setAttribute("height", String(size));
    const blob = new Blob([new XMLSerializer().serializeToString(copy)], { type: "image/svg+xml" });
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("no 2d context");
    context.imageSmoothingEnabled = false;
    context.drawImage(img, 0, 0, size, size);
    URL.revokeObjectURL(url);
    // One character per pixel (its red value; the code is black on white): a string crosses to
    // Node fast, where a long array of numbers takes seconds.
    const rgba = context.getImageData(0, 0, size, size).data;
    let red = "";
    for (let i = 0; i < rgba.length; i += 4) red += String.fromCharCode(rgba[i] ?? 255);
    return { size, red };
  });
  const data = new Uint8Array(image.size * image.size * 4);
  for (let i = 0; i < image.red.length; i++) {
    const value = image.red.charCodeAt(i);
    data.set([value, value, value, 255], i * 4);
  }
  return { width: image.size, height: image.size, data };
}

/** Pages in a PDF: its `/Type /Page` objects (not the `/Pages` tree nodes). */
function pdfPageCount(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

async function tablesOnServer(
  server: TestServer,
  workshopId: WorkshopId,
  key: string,
): Promise<TablesResponse> {
  const response = await server.request("GET", `/api/workshops/${workshopId}/tables`, { token: key });
  expect(response.status).toBe(200);
  return response.body as TablesResponse;
}

/** A workshop made through the API, its cards page open with the key in the fragment. */
async function openCards(browser: Browser, tables: readonly string[]) {
  const server = await startAppServer();
  const workshop = await server.createWorkshop({ title: "Praktikerdialog om maskulinitet", tables });
  const facilitator = await openTablet(browser, server, { viewport: LAPTOP });
  await facilitator.page.goto(
    `${server.url}/w/${workshop.workshopId}/cards#key=${workshop.facilitatorToken}`,
  );
  await facilitator.page
    .getByRole("heading", {
      level: 1,
      name: format(sv.cardsHeading, { title: "Praktikerdialog om maskulinitet" }),
    })
    .waitFor();
  return { server, workshop, ...facilitator };
}

/** The start page's "create a workshop" link, as a facilitator finds the form. */
async function openSetup(page: Page, server: TestServer): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole("link", { name: sv.setupCreateLink, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: sv.setupTitle, exact: true }).waitFor();
}

function card(page: Page, name: string): Locator {
  return page.getByRole("article", { name, exact: true });
}

describe.skipIf(!browserAvailable)("setup and join cards in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the facilitator creates a workshop through the form and gets its links", async () => {
    const server = await startAppServer();
    const { page } = await openTablet(browser, server, { viewport: LAPTOP });
    await openSetup(page, server);
    await expectAccessible(page, "setup form (empty)");

    const title = "Praktikerdialog om män, maskulinitet och VBE";
    const [today, change] = DEFAULT_PROMPTS.sv;
    await textbox(page, sv.setupTitleLabel).fill(title);
    // The prompts shown follow the workshop's language; the interface stays Swedish.
    const firstPrompt = textbox(page, format(sv.setupPromptLabel, { p: 1, n: 1 }));
    await page.getByRole("radio", { name: "English", exact: true }).check();
    expect(await firstPrompt.inputValue()).toBe(DEFAULT_PROMPTS.en[0]);
    await page.getByRole("radio", { name: "Svenska", exact: true }).check();
    expect(await firstPrompt.inputValue()).toBe(today);

    await textbox(page, format(sv.setupRoundTitleLabel, { n: 1 })).fill("Samverkan inom kommunen");
    await button(page, sv.setupAddRound).click();
    const secondTitle = textbox(page, format(sv.setupRoundTitleLabel, { n: 2 }));
    await expect
      .poll(() => isFocused(secondTitle), { message: "the new round's title has the focus" })
      .toBe(true);
    await page.keyboard.type("Insatser mot våldsbejakande extremism");
    const changed = "Vad kan vi göra tillsammans redan i morgon?";
    await textbox(page, format(sv.setupPromptLabel, { p: 2, n: 2 })).fill(changed);

    await page.getByRole("radio", { name: sv.setupTablesNames, exact: true }).check();
    const names = ["Bord Norr", "Bord Söder", "Bord Väst"];
    for (const [i, name] of names.entries()) {
      await textbox(page, format(sv.setupTableNameLabel, { n: i + 1 })).fill(name);
    }
    await button(page, format(sv.setupRemoveTable, { n: 4 })).click();
    expect(await textbox(page, format(sv.setupTableNameLabel, { n: 4 })).count()).toBe(0);

    const suggestion = button(page, "Socialtjänst");
    await suggestion.click();
    expect(await suggestion.getAttribute("aria-pressed")).toBe("true");
    await button(page, sv.setupAddPerspective).click();
    const own = textbox(page, format(sv.setupPerspectiveLabel, { n: 2 }));
    await expect.poll(() => isFocused(own), { message: "the new perspective has the focus" }).toBe(true);
    await page.keyboard.type("Elevhälsa");

    await button(page, sv.setupSubmit).click();
    const done = page.getByRole("heading", { level: 1, name: format(sv.setupDoneHeading, { title }) });
    await done.waitFor();
    await expect.poll(() => isFocused(done), { message: "the result's heading has the focus" }).toBe(true);
    await expectAccessible(page, "setup result");

    const facilitatorUrl = await textbox(page, sv.setupFacilitatorLinkHeading).inputValue();
    const screenUrl = await textbox(page, sv.setupScreenLinkHeading).inputValue();
    const match = /\/w\/([A-Za-z0-9_-]+)\/facilitate#key=([A-Za-z0-9_-]{20,})$/.exec(facilitatorUrl);
    expect(match, `facilitator link ${facilitatorUrl}`).not.toBeNull();
    const workshopId = match![1] as WorkshopId;
    const key = match![2]!;
    expect(screenUrl).toMatch(new RegExp(`/w/${workshopId}/screen#key=[A-Za-z0-9_-]{20,}$`));
    const cardsLink = page.getByRole("link", { name: sv.setupCardsLink, exact: true });
    expect(await cardsLink.getAttribute("href")).toBe(`/w/${workshopId}/cards#key=${key}`);
    const consoleLink = page.getByRole("link", { name: sv.setupOpenConsole, exact: true });
    expect(await consoleLink.getAttribute("href")).toBe(`/w/${workshopId}/facilitate#key=${key}`);
    expect(await page.getByText(sv.setupFacilitatorLinkWarning).count()).toBe(1);
    // The keys stay on this device, so the console and the cards open here without the link.
    const stored = await page.evaluate(
      (id) => [
        localStorage.getItem(`samla.key.facilitator.${id}`),
        localStorage.getItem(`samla.key.screen.${id}`),
      ],
      workshopId,
    );
    expect(stored[0]).toBe(key);
    expect(screenUrl.endsWith(`#key=${stored[1]}`)).toBe(true);

    // The server has the workshop as entered.
    const { tables } = await tablesOnServer(server, workshopId, key);
    expect(tables.map((table) => table.name)).toEqual(names);
    const workshop: CreateWorkshopResponse = {
      workshopId,
      facilitatorToken: key,
      facilitatorUrl,
      screenToken: stored[1] ?? "",
      screenUrl,
      tables,
    };
    const meta = readMeta((await facilitatorMeta(server, workshop)).doc);
    expect(meta.title).toBe(title);
    expect(meta.language).toBe("sv");
    expect(meta.rounds.map((round) => [round.title, round.prompts.map((prompt) => prompt.label)])).toEqual([
      ["Samverkan inom kommunen", [today, change]],
      ["Insatser mot våldsbejakande extremism", [today, changed]],
    ]);
    expect(meta.perspectives.map((perspective) => perspective.label)).toEqual(["Socialtjänst", "Elevhälsa"]);
    expect(meta.tables.map((table) => table.name)).toEqual(names);

    // The primary link opens the console, on this origin, and the key leaves the address bar.
    await consoleLink.click();
    await page.waitForURL(`${server.url}/w/${workshopId}/facilitate`);
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
  });

  it("without a title, the error summary takes the focus, links to the field, and nothing is sent", async () => {
    const server = await startAppServer();
    const { page } = await openTablet(browser, server, { viewport: LAPTOP });
    const posts = watchCreates(page);
    await openSetup(page, server);
    await textbox(page, format(sv.setupPromptLabel, { p: 1, n: 1 })).fill("   ");
    await button(page, sv.setupSubmit).click();

    const summary = page.getByRole("region", { name: sv.setupErrorSummary, exact: true });
    await summary.waitFor();
    await expect.poll(() => isFocused(summary), { message: "the error summary has the focus" }).toBe(true);
    const promptError = format(sv.setupErrorEmpty, { field: format(sv.setupPromptLabel, { p: 1, n: 1 }) });
    expect(await summary.getByRole("link").allInnerTexts()).toEqual([sv.setupErrorTitleMissing, promptError]);
    await expectAccessible(page, "setup form with errors");

    const title = textbox(page, sv.setupTitleLabel);
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await title.getAttribute("aria-describedby")) ?? "";
    const descriptions = await Promise.all(
      describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(descriptions).toContain(sv.setupErrorTitleMissing);
    await summary.getByRole("link", { name: sv.setupErrorTitleMissing }).click();
    await expect.poll(() => isFocused(title), { message: "the error's link focuses its field" }).toBe(true);

    // Fixing the fields clears their errors as they are typed.
    await page.keyboard.type("Uppföljningsmöte");
    await textbox(page, format(sv.setupPromptLabel, { p: 1, n: 1 })).fill("Vad tog ni med er?");
    await expect.poll(() => summary.count()).toBe(0);
    expect(await title.getAttribute("aria-invalid")).toBeNull();
    expect(posts, "no request was sent while the form had errors").toEqual([]);

    // A server that cannot be reached is said in words, in the same summary.
    await server.stop();
    await button(page, sv.setupSubmit).click();
    await summary.getByText(sv.setupErrorNetwork, { exact: true }).waitFor();
    await expect.poll(() => isFocused(summary), { message: "the summary has the focus again" }).toBe(true);
    expect(posts).toHaveLength(1);
  });

  it("prints one card per table, two per A4 page, each QR code holding its table's join link", async () => {
    const names = ["Bord 1", "Bord 2", "Bord 3", "Bord 4", "Bord 5"];
    const { page, workshop } = await openCards(browser, names);
    expect(page.url(), "the key left the address bar").not.toContain("#key=");
    await page.getByRole("article").nth(4).waitFor();
    expect(await page.getByRole("article").count()).toBe(5);
    for (const table of workshop.tables) {
      const tableCard = card(page, table.name);
      expect(await tableCard.getByText(formatJoinCode(table.joinCode), { exact: true }).count()).toBe(1);
      expect(await tableCard.getByText(table.joinUrl, { exact: true }).count()).toBe(1);
      expect(await tableCard.getByText("Praktikerdialog om maskulinitet", { exact: true }).count()).toBe(1);
      expect(await tableCard.textContent()).toContain(
        format(sv.cardsInstruction, { address: "samla.test/join" }),
      );
      const qr = tableCard.getByRole("img", { name: format(sv.cardsQrLabel, { url: table.joinUrl }) });
      expect(decodeQR(await qrPixels(qr)), `${table.name}'s QR code`).toBe(table.joinUrl);
    }
    await expectAccessible(page, "join cards");

    await page.emulateMedia({ media: "print" });
    for (const control of [
      button(page, sv.cardsPrint),
      button(page, sv.cardsAddButton),
      textbox(page, sv.cardsAddLabel),
      page.getByRole("heading", { level: 1 }),
      page.getByRole("combobox", { name: sv.languageLabel }),
    ]) {
      expect(await control.isVisible(), "controls are not printed").toBe(false);
    }
    expect(await card(page, "Bord 1").isVisible()).toBe(true);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdfPageCount(pdf), "5 cards, two per A4 page").toBe(3);
  });

  it("a table added on the cards page gets a card whose code works", async () => {
    const { page, server, workshop } = await openCards(browser, ["Bord 1", "Bord 2"]);
    await button(page, sv.cardsAddButton).click();
    await page.getByText(sv.cardsAddEmpty).waitFor();
    await textbox(page, sv.cardsAddLabel).fill("Bord 3 (sent anlända)");
    await button(page, sv.cardsAddButton).click();

    const added = card(page, "Bord 3 (sent anlända)");
    await added.waitFor();
    await expect
      .poll(() => politeAnnouncements(page))
      .toContain(format(sv.cardsAdded, { table: "Bord 3 (sent anlända)" }));
    const { tables } = await tablesOnServer(server, workshop.workshopId, workshop.facilitatorToken);
    const table = tables.find((candidate) => candidate.name === "Bord 3 (sent anlända)");
    expect(table).toBeDefined();
    expect(await added.getByText(formatJoinCode(table!.joinCode), { exact: true }).count()).toBe(1);
    const joined = await server.join(formatJoinCode(table!.joinCode));
    expect(joined.tableId).toBe(table!.id);
    const qr = added.getByRole("img");
    expect(decodeQR(await qrPixels(qr))).toBe(table!.joinUrl);
    expect(await textbox(page, sv.cardsAddLabel).inputValue(), "the field is ready for the next table").toBe(
      "",
    );
  });

  it("without the key, the cards page says it needs the facilitator link and asks the server nothing", async () => {
    const server = await startAppServer();
    const workshop = await server.createWorkshop({ tables: 2 });
    const { page, requests } = await openTablet(browser, server, { viewport: LAPTOP });
    await page.goto(`${server.url}/w/${workshop.workshopId}/cards`);
    await page.getByText(sv.cardsNeedsKey).waitFor();
    expect(await page.getByRole("article").count()).toBe(0);
    const calls = requests.filter((url) => url.includes("/api/") || url.includes("/sync/"));
    expect(calls, "no API call and no document without a key").toEqual([]);
    await expectAccessible(page, "join cards without a key");
  });
});
