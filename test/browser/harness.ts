/**
 * Browser test harness: Debian's Chromium driven by playwright-core against a real Samla server
 * (port 0) serving the built web app (`dist/client`). No browser download, no mocks.
 *
 * - `browserAvailable`: false without Chromium; the suites then skip with a one-line reason,
 *   except under `CI=true`, where importing this file throws (a missing browser fails the run).
 * - `openTablet`: one fresh browser context per tablet that records every request and WebSocket
 *   URL, and fails the test if any of them went to another origin than the server's.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect, onTestFinished } from "vitest";
import { format, STRINGS, type StringKey } from "../../client/src/i18n/strings.ts";
import type { CreateWorkshopRequest, CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { DEFAULT_PROMPTS } from "../../shared/schema/language.ts";
import { CHROMIUM_ARGS, findChromium } from "../helpers/chromium.ts";
import { connectClient, type TestClient } from "../helpers/client.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

/** Workshops default to Swedish, so the tests read the Swedish strings. */
export const sv = STRINGS.sv;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The built app under test; `SAMLA_CLIENT_ROOT` points elsewhere (a build of one's own, in parallel work). */
export const CLIENT_ROOT = process.env.SAMLA_CLIENT_ROOT ?? path.join(ROOT, "dist/client");

/** 10-inch tablets, the devices tables use. */
export const TABLET_LANDSCAPE = { width: 1280, height: 800 } as const;
export const TABLET_PORTRAIT = { width: 800, height: 1280 } as const;

// ---------------------------------------------------------------------------------------------
// Finding Chromium

export const chromiumPath = findChromium();
export const browserAvailable = chromiumPath !== null;

if (!browserAvailable) {
  const reason =
    "no Chromium found (install Debian's chromium: apt-get install -y chromium, or set CHROMIUM_PATH)";
  if (process.env.CI === "true") throw new Error(`CI=true and the browser tests cannot run: ${reason}`);
  console.log(`browser tests skipped: ${reason}`);
}

/** One browser per test file; close it in `afterAll`. Fails clearly when the app is not built. */
export async function launchBrowser(): Promise<Browser> {
  if (chromiumPath === null) throw new Error("no Chromium found");
  const index = path.join(CLIENT_ROOT, "index.html");
  if (!existsSync(index)) {
    throw new Error(`${path.relative(ROOT, index)} is missing: build the web app first (npm run build)`);
  }
  warnIfStale(statSync(index).mtimeMs);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
}

function warnIfStale(builtAt: number): void {
  const newest = newestMtime(path.join(ROOT, "client"));
  if (newest > builtAt) {
    console.log(
      "browser tests: dist/client is older than client/: run npm run build to test the current app",
    );
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

// ---------------------------------------------------------------------------------------------
// Server, workshop, facilitator

/** A real server serving the built web app; stops when the test finishes. */
export function startAppServer(): Promise<TestServer> {
  return startServer({ clientRoot: CLIENT_ROOT });
}

export interface BoardSetup {
  readonly server: TestServer;
  readonly workshop: CreateWorkshopResponse;
  readonly roundTitle: string;
  /** The round's prompts: the Swedish defaults. */
  readonly prompts: readonly [today: string, change: string];
}

/** A server with a Swedish workshop: one round with the default prompts, tables "Bord 1" and "Bord 2". */
export async function boardSetup(body: Partial<CreateWorkshopRequest> = {}): Promise<BoardSetup> {
  const server = await startAppServer();
  const roundTitle = "Samverkan inom kommunen";
  const workshop = await server.createWorkshop({
    title: "Praktikerdialog om maskulinitet",
    tables: ["Bord 1", "Bord 2"],
    rounds: [{ title: roundTitle }],
    ...body,
  });
  return { server, workshop, roundTitle, prompts: DEFAULT_PROMPTS.sv };
}

/** The facilitator's side: a real y-websocket client on the meta document, synced. */
export async function facilitatorMeta(
  server: TestServer,
  workshop: CreateWorkshopResponse,
): Promise<TestClient> {
  const client = connectClient(server, docName(metaDoc(workshop.workshopId)), workshop.facilitatorToken);
  await client.synced();
  return client;
}

/** A fresh facilitator client on a table document, synced: what the server holds right now. */
export async function serverTableDoc(
  server: TestServer,
  workshop: CreateWorkshopResponse,
  tableId: TableId,
): Promise<TestClient> {
  const client = connectClient(
    server,
    docName(tableDoc(workshop.workshopId, tableId)),
    workshop.facilitatorToken,
  );
  await client.synced();
  return client;
}

export async function deleteWorkshop(server: TestServer, workshop: CreateWorkshopResponse): Promise<void> {
  const response = await server.request("DELETE", `/api/workshops/${workshop.workshopId}`, {
    token: workshop.facilitatorToken,
  });
  if (response.status >= 300) throw new Error(`delete workshop: ${response.status} ${response.text}`);
}

// ---------------------------------------------------------------------------------------------
// Tablets

export interface Tablet {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request URL and WebSocket URL of this context, in order. */
  readonly requests: string[];
  /** Loads and connections the page's Content-Security-Policy refused (attempts to leave the host). */
  readonly refusedByCsp: string[];
}

export interface TabletOptions {
  /** Waits for the service worker after joining, so a reload works offline. */
  readonly offlineCapable?: boolean;
  readonly viewport?: { readonly width: number; readonly height: number };
}

const offlineCapablePages = new WeakSet<Page>();

/**
 * A tablet: a fresh browser context (its own storage) with one page. Every HTTP request and
 * WebSocket of the context is recorded; when the test finishes the context closes and the test
 * fails if anything went to another origin than the server's.
 */
export async function openTablet(
  browser: Browser,
  server: TestServer,
  options: TabletOptions = {},
): Promise<Tablet> {
  const context = await browser.newContext({
    viewport: options.viewport ?? TABLET_LANDSCAPE,
    locale: "sv-SE",
    hasTouch: true,
    serviceWorkers: "allow",
  });
  context.setDefaultTimeout(10_000);
  const requests: string[] = [];
  const refusedByCsp: string[] = [];
  const watched = new WeakSet<Page>();
  const watch = (page: Page): void => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on("websocket", (socket) => requests.push(socket.url()));
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) {
        refusedByCsp.push(message.text());
      }
    });
    // Uncaught errors in the app: printed so a failing test says why.
    page.on("pageerror", (error) => console.log(`[tablet ${page.url()}] uncaught: ${error.stack ?? error}`));
  };
  context.on("request", (request) => requests.push(request.url()));
  context.on("page", watch);
  const page = await context.newPage();
  watch(page);
  if (options.offlineCapable === true) offlineCapablePages.add(page);

  onTestFinished(async () => {
    await context.close().catch(() => {});
    expect(foreignRequests(requests, server.url), "requests to other origins than the server's").toEqual([]);
    expect(refusedByCsp, "loads or connections refused by the Content-Security-Policy").toEqual([]);
  });
  return { context, page, requests, refusedByCsp };
}

/**
 * The URLs that did not go to `origin` (`http://host:port`). A WebSocket on the same host and
 * port (`ws://`) is the same origin; `data:` URLs never reach the network.
 */
export function foreignRequests(urls: readonly string[], origin: string): string[] {
  return urls.filter((url) => {
    if (url.startsWith("data:")) return false;
    try {
      return new URL(url.replace(/^ws(s?):/, "http$1:")).origin !== origin;
    } catch {
      return true;
    }
  });
}

export interface BoardLocation {
  readonly workshopId: WorkshopId;
  readonly tableId: TableId;
}

const BOARD_PATH = /\/w\/([A-Za-z0-9_-]+)\/table\/([A-Za-z0-9_-]+)$/;

/** Types the code on the home page and joins; resolves on the board. */
export async function joinByCode(page: Page, server: TestServer, code: string): Promise<BoardLocation> {
  await page.goto(`${server.url}/`);
  await page.getByRole("textbox", { name: sv.joinCodeLabel, exact: true }).fill(code);
  await page.getByRole("button", { name: sv.joinButton, exact: true }).click();
  return onBoard(page);
}

/** Opens `/join/<code>` (what the QR code holds); resolves on the board. */
export async function joinByLink(page: Page, server: TestServer, code: string): Promise<BoardLocation> {
  await page.goto(`${server.url}/join/${encodeURIComponent(code)}`);
  return onBoard(page);
}

/** Waits until the page is a table's board (its heading shows); for offline-capable tablets, until the service worker is active. */
export async function onBoard(page: Page): Promise<BoardLocation> {
  await page.waitForURL(BOARD_PATH);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  if (offlineCapablePages.has(page)) await waitForServiceWorker(page);
  const match = BOARD_PATH.exec(new URL(page.url()).pathname);
  if (match === null) throw new Error(`not a board URL: ${page.url()}`);
  return { workshopId: match[1] as WorkshopId, tableId: match[2] as TableId };
}

/** Waits for the page's service worker to be active, so a reload is served offline. */
export async function waitForServiceWorker(page: Page, timeoutMs = 10_000): Promise<void> {
  const state = await page.evaluate(async (timeout) => {
    if (!("serviceWorker" in navigator)) return "no service worker support";
    // `ready` resolves with an active worker that may still be "activating".
    const ready = navigator.serviceWorker.ready.then(async ({ active }) => {
      if (active === null) return "none";
      while (active.state === "activating") {
        await new Promise((resolve) => active.addEventListener("statechange", resolve, { once: true }));
      }
      return active.state;
    });
    const late = new Promise<string>((resolve) =>
      setTimeout(() => resolve("not activated in time"), timeout),
    );
    return Promise.race([ready, late]);
  }, timeoutMs);
  expect(state, "the app's service worker (/sw.js) is active, so a reload works offline").toBe("activated");
}

// ---------------------------------------------------------------------------------------------
// The board, as a person sees it

export function noteLabel(prompt: string, n: number): string {
  return format(sv.noteLabel, { n, prompt });
}

/** The textarea of note `n` (1-based, by creation time) under `prompt`. */
export function noteBox(page: Page, prompt: string, n: number): Locator {
  return page.getByRole("textbox", { name: noteLabel(prompt, n), exact: true });
}

/** Every note textarea under `prompt`. */
export function noteBoxes(page: Page, prompt: string): Locator {
  return page.getByRole("textbox", { name: templatePattern(format(sv.noteLabel, { prompt })) });
}

/** A string template with its remaining `{placeholders}` matching anything: `Enhet {letter}` → /^Enhet .+?$/. */
export function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map(escapeRegExp);
  return new RegExp(`^${parts.join(".+?")}$`);
}

export function addButton(page: Page, prompt: string): Locator {
  return page.getByRole("button", { name: format(sv.addNoteUnder, { prompt }), exact: true });
}

/** Taps "new note" under `prompt` and checks the new note's textarea got the focus. */
export async function startNote(page: Page, prompt: string): Promise<Locator> {
  const n = (await noteBoxes(page, prompt).count()) + 1;
  await addButton(page, prompt).click();
  const box = noteBox(page, prompt, n);
  await box.waitFor();
  await expect
    .poll(() => isFocused(box), { message: `the new note "${noteLabel(prompt, n)}" has the focus` })
    .toBe(true);
  return box;
}

/** Adds a note under `prompt` and types `text` into it, as a person would. */
export async function addNote(page: Page, prompt: string, text: string): Promise<Locator> {
  const box = await startNote(page, prompt);
  await page.keyboard.type(text);
  await expect.poll(() => fieldValue(box)).toBe(text);
  return box;
}

/** A textarea's value, or null while there is no such element. */
export async function fieldValue(box: Locator): Promise<string | null> {
  return (await box.count()) === 0 ? null : box.inputValue({ timeout: 1_000 });
}

export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement, undefined, { timeout: 1_000 });
}

/** The sync status text (`role="status"` elements), joined. */
export async function statusText(page: Page): Promise<string> {
  return (await page.getByRole("status").allInnerTexts()).join(" | ");
}

/** Waits until the sync status shows `key`'s text. */
export async function expectStatus(page: Page, key: StringKey, timeout?: number): Promise<void> {
  await expect
    .poll(() => statusText(page), {
      message: `sync status shows "${sv[key]}"`,
      ...(timeout ? { timeout } : {}),
    })
    .toContain(sv[key]);
}

/** Everything polite live regions currently say. */
export async function politeAnnouncements(page: Page): Promise<string> {
  return (await page.locator('[aria-live="polite"]').allTextContents()).join(" | ");
}

/** Whether `text` is anywhere on the page: in its text or in any form field's value. */
export async function pageShows(page: Page, text: string): Promise<boolean> {
  return page.evaluate((needle) => {
    if ((document.body.textContent ?? "").includes(needle)) return true;
    const fields = document.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>("textarea, input");
    return Array.from(fields).some((field) => field.value.includes(needle));
  }, text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// Accessibility

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] as const;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly helpUrl: string;
  readonly nodes: readonly { readonly target: string; readonly summary: string }[];
}

/**
 * Runs axe-core in the page (WCAG 2.1 A and AA) and returns its violations. axe is evaluated
 * through the DevTools protocol, so the page's Content-Security-Policy stays as served.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(axe.source);
  return page.evaluate(
    async (tags) => {
      const { axe: inPage } = window as unknown as { axe: typeof axe };
      const result = await inPage.run(document, { runOnly: { type: "tag", values: tags } });
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        helpUrl: violation.helpUrl,
        nodes: violation.nodes.map((node) => ({
          target: node.target.map(String).join(" "),
          summary: node.failureSummary ?? "",
        })),
      }));
    },
    [...AXE_TAGS],
  );
}

/** Violations as lines the lead can act on: rule, help, and each offending element. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  if (violations.length === 0) return `${where}: no violations`;
  const lines = [`${where}: ${violations.length} axe violation(s)`];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact ?? "?"}): ${v.help} ${v.helpUrl}`);
    for (const node of v.nodes)
      lines.push(`    ${node.target}\n      ${node.summary.replace(/\n/g, "\n      ")}`);
  }
  return lines.join("\n");
}

/** Runs axe and asserts no violations (softly, so every state of a test is reported). */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const violations = await runAxe(page);
  if (violations.length > 0) console.log(describeViolations(where, violations));
  expect
    .soft(
      violations.map((v) => v.id),
      describeViolations(where, violations),
    )
    .toEqual([]);
}

/** Presses Tab until the focused element has the accessible name `name`: keyboard only. */
export async function tabTo(page: Page, name: string, maxPresses = 120): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!(element instanceof HTMLElement)) return "";
      const labelled = element.getAttribute("aria-label");
      if (labelled) return labelled;
      const label = element.id
        ? document.querySelector(`label[for="${element.id}"]`)
        : element.closest("label");
      return (label?.textContent ?? element.textContent ?? "").trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}
