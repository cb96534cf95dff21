import { CloseCode } from "../../../shared/closeCodes.ts";
import type { StringKey } from "../i18n/strings.ts";
import type { SyncStatus } from "../sync/syncedDoc.ts";

const LABELS: Readonly<Record<SyncStatus, StringKey>> = {
  connecting: "syncConnecting",
  saving: "syncSaving",
  saved: "syncSaved",
  offline: "syncOffline",
  offlineSaving: "syncOfflineSaving",
  refused: "syncRefused",
  gone: "workshopEnded",
};

/** Refusals a person can do something about get their own words; the rest say "no access". */
const REFUSALS: Readonly<Partial<Record<number, StringKey>>> = {
  [CloseCode.DocumentFull]: "syncDocumentFull",
  [CloseCode.TooManyConnections]: "syncTooManyConnections",
};

export function syncStatusLabel(status: SyncStatus, closeCode: number | null): StringKey {
  if (status === "refused" && closeCode !== null) return REFUSALS[closeCode] ?? LABELS.refused;
  return LABELS[status];
}
