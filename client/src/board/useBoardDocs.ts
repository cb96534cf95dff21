import { useEffect, useMemo, useState } from "react";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../../shared/docNames.ts";
import type { Join } from "../session/joins.ts";
import { syncServerUrl } from "../sync/serverUrl.ts";
import { SyncedDoc } from "../sync/syncedDoc.ts";

export interface BoardDocs {
  readonly meta: SyncedDoc;
  readonly table: SyncedDoc;
  /** The facilitator's themes (read only), for dot voting. */
  readonly synthesis: SyncedDoc;
}

/**
 * The documents a tablet keeps: the workshop's meta (read) and its table's notes (write), both
 * with a local copy so the board opens and works without the network, and the synthesis (read).
 */
export function useBoardDocs(join: Join | null): BoardDocs | null {
  const [docs, setDocs] = useState<BoardDocs | null>(null);
  useEffect(() => {
    if (join === null) return;
    const serverUrl = syncServerUrl();
    const meta = new SyncedDoc({
      serverUrl,
      name: docName(metaDoc(join.workshopId)),
      token: join.token,
      keepLocal: true,
    });
    const table = new SyncedDoc({
      serverUrl,
      name: docName(tableDoc(join.workshopId, join.tableId)),
      token: join.token,
      keepLocal: true,
    });
    // No local copy: nothing must outlive a deleted workshop, and no one waits for this one to clear.
    const synthesis = new SyncedDoc({
      serverUrl,
      name: docName(synthesisDoc(join.workshopId)),
      token: join.token,
      keepLocal: false,
    });
    // A tablet is present at its table, not on the synthesis.
    synthesis.awareness.setLocalState(null);
    setDocs({ meta, table, synthesis });
    return () => {
      meta.destroy();
      table.destroy();
      synthesis.destroy();
      setDocs(null);
    };
  }, [join]);
  return docs;
}

/** A stable Join object for the route, so documents are not recreated on every render. */
export function useStableJoin(join: Join | null): Join | null {
  const key = join ? `${join.workshopId}/${join.tableId}/${join.token}` : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key captures the join's identity.
  return useMemo(() => join, [key]);
}
