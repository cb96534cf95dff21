import { useEffect, useState } from "react";
import { docName, metaDoc } from "../../../shared/docNames.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import { syncServerUrl } from "../sync/serverUrl.ts";
import { SyncedDoc } from "../sync/syncedDoc.ts";

/**
 * The workshop's meta document, for its title and language: no local copy (this page only
 * reads), no presence, and closed when the page goes.
 */
export function useMetaDoc(workshopId: WorkshopId, key: string): SyncedDoc | null {
  const [synced, setSynced] = useState<SyncedDoc | null>(null);
  useEffect(() => {
    const doc = new SyncedDoc({
      serverUrl: syncServerUrl(),
      name: docName(metaDoc(workshopId)),
      token: key,
      keepLocal: false,
    });
    doc.awareness.setLocalState(null);
    setSynced(doc);
    return () => {
      doc.destroy();
      setSynced(null);
    };
  }, [workshopId, key]);
  return synced;
}
