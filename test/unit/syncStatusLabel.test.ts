import { describe, expect, it } from "vitest";
import { syncStatusLabel } from "../../client/src/components/syncStatusLabel.ts";
import { STRINGS } from "../../client/src/i18n/strings.ts";
import type { SyncStatus } from "../../client/src/sync/syncedDoc.ts";
import { CloseCode } from "../../shared/closeCodes.ts";

describe("the sync status a person reads", () => {
  const cases: [SyncStatus, number | null, string][] = [
    ["saved", null, "syncSaved"],
    ["offline", 1006, "syncOffline"],
    ["refused", CloseCode.Unauthorized, "syncRefused"],
    ["refused", CloseCode.Forbidden, "syncRefused"],
    ["refused", CloseCode.DocumentFull, "syncDocumentFull"],
    ["refused", CloseCode.TooManyConnections, "syncTooManyConnections"],
    ["refused", null, "syncRefused"],
    ["gone", CloseCode.Gone, "workshopEnded"],
    // A code only means something with the status it ended in.
    ["saving", CloseCode.DocumentFull, "syncSaving"],
  ];
  it.each(cases)("%s after close code %s reads %s", (status, code, key) => {
    expect(syncStatusLabel(status, code)).toBe(key);
  });

  it("has Swedish and English words for the refusals a person can act on", () => {
    for (const strings of [STRINGS.sv, STRINGS.en]) {
      expect(strings.syncDocumentFull).not.toBe(strings.syncRefused);
      expect(strings.syncTooManyConnections).not.toBe(strings.syncRefused);
    }
  });
});
