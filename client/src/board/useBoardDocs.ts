import { useEffect, useMemo, useState } from "react";
import { docName, metaDoc, tableDoc } from "../../../shared/docNames.ts";
import type { Join } from "../session/joins.ts";
import { docObservable } from "../sync/hooks.ts";
import { syncServerUrl } from "../sync/serverUrl.ts";
import { SyncedDoc } from "../sync/syncedDoc.ts";

export interface BoardDocs {
  readonly meta: SyncedDoc;
  readonly table: SyncedDoc;
  readonly metaChanges: ReturnType<typeof docObservable>;
}

/**
 * The two documents a tablet keeps: the workshop's meta (read) and its table's notes (write),
 * both with a local copy so the board opens and works without the network.
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
    setDocs({ meta, table, metaChanges: docObservable(meta.doc) });
    return () => {
      meta.destroy();
      table.destroy();
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
