import { useT } from "../i18n/useT.ts";
import { useSyncState } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { syncStatusLabel } from "./syncStatusLabel.ts";

/** Connected or not, and whether this device's notes are safe, in words a person understands. */
export function SyncStatus({ synced }: { synced: SyncedDoc }) {
  const t = useT();
  const { status, closeCode } = useSyncState(synced);
  return (
    <p className={`sync-status sync-status--${status}`} role="status">
      <span className="sync-status__dot" aria-hidden="true" />
      {t(syncStatusLabel(status, closeCode))}
    </p>
  );
}
