/**
 * The board follows the facilitator (round, timer) and speaks the workshop's language unless
 * the device chose another. Real Chromium against a real server; the facilitator is a Node client.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format, STRINGS } from "../../client/src/i18n/strings.ts";
import {
  MINUTE_MS,
  pauseTimer,
  readMeta,
  setActiveRound,
  setTimer,
  startTimer,
} from "../../shared/schema/meta.ts";
import {
  boardSetup,
  browserAvailable,
  facilitatorMeta,
  joinByLink,
  launchBrowser,
  openTablet,
  sv,
} from "./harness.ts";

describe.skipIf(!browserAvailable)("the board follows the facilitator", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the round the facilitator opens, and the timer they start and pause", async () => {
    const { server, workshop } = await boardSetup({
      rounds: [
        { title: "Samverkan inom kommunen" },
        { title: "Kunskap som får fotfäste", prompts: ["Vad vet vi?", "Vad saknas?"] },
      ],
    });
    const meta = await facilitatorMeta(server, workshop);
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, workshop.tables[0]!.joinCode);
    const roundHeading = tablet.page.getByRole("heading", { level: 2 });
    await expect.poll(() => roundHeading.first().textContent()).toContain("Samverkan inom kommunen");
    expect(await tablet.page.getByRole("timer").count()).toBe(0);

    const second = readMeta(meta.doc).rounds[1]!;
    setActiveRound(meta.doc, second.id);
    await expect.poll(() => roundHeading.first().textContent()).toContain("Kunskap som får fotfäste");
    for (const prompt of ["Vad vet vi?", "Vad saknas?"]) {
      await expect
        .poll(() => tablet.page.getByRole("button", { name: format(sv.addNoteUnder, { prompt }) }).count())
        .toBe(1);
    }

    const running = startTimer(Date.now(), 5 * MINUTE_MS);
    setTimer(meta.doc, running);
    const timer = tablet.page.getByRole("timer", { name: sv.timerLabel });
    await expect.poll(() => timer.textContent()).toMatch(/[45]:\d\d/);
    setTimer(meta.doc, pauseTimer(running, Date.now()));
    await expect.poll(() => timer.textContent()).toContain(sv.timerPaused.split(":")[0]);
  });

  it("speaks the workshop's language, and keeps a device's own choice across reloads", async () => {
    const { server, workshop } = await boardSetup({ language: "en", rounds: [{ title: "Collaboration" }] });
    const tablet = await openTablet(browser, server);
    await joinByLink(tablet.page, server, workshop.tables[0]!.joinCode);
    const en = STRINGS.en;
    const englishAdd = tablet.page.getByRole("button", {
      name: format(en.addNoteUnder, { prompt: "How does it look today?" }),
    });
    await expect.poll(() => englishAdd.count()).toBe(1);
    expect(await tablet.page.evaluate(() => document.documentElement.lang)).toBe("en");

    await tablet.page.getByLabel(en.languageLabel).selectOption("sv");
    // The workshop's own prompts stay as written; the interface around them turns Swedish.
    const swedishAdd = tablet.page.getByRole("button", {
      name: format(sv.addNoteUnder, { prompt: "How does it look today?" }),
    });
    await expect.poll(() => swedishAdd.count()).toBe(1);
    expect(await tablet.page.evaluate(() => document.documentElement.lang)).toBe("sv");
    // ...and is marked as English, so a screen reader pronounces it as English (WCAG 3.1.2).
    const prompt = tablet.page.getByRole("heading", { level: 3, name: "How does it look today?" });
    expect(await prompt.getAttribute("lang")).toBe("en");
    await tablet.page.reload();
    await expect.poll(() => swedishAdd.count()).toBe(1);
  });
});
