import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { useSyncState } from "../sync/hooks.ts";
import type { SyncStatus as Status, SyncedDoc } from "../sync/syncedDoc.ts";

const LABELS: Readonly<Record<Status, StringKey>> = {
  connecting: "syncConnecting",
  saving: "syncSaving",
  saved: "syncSaved",
  offline: "syncOffline",
  offlineSaving: "syncOfflineSaving",
  refused: "syncRefused",
  gone: "workshopEnded",
};

/** Connected or not, and whether this device's notes are safe, in words a person understands. */
export function SyncStatus({ synced }: { synced: SyncedDoc }) {
  const t = useT();
  const { status } = useSyncState(synced);
  return (
    <p className={`sync-status sync-status--${status}`} role="status">
      <span className="sync-status__dot" aria-hidden="true" />
      {t(LABELS[status])}
    </p>
  );
}
