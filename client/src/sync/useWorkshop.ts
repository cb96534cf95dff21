import { useEffect, useState, useSyncExternalStore } from "react";
import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import { takeDocuments } from "../earlyRequests.ts";
import { syncServerUrl } from "./serverUrl.ts";
import type { SyncedDoc } from "./syncedDoc.ts";
import { WorkshopConnection } from "./workshopConnection.ts";

/** Opens every document of a workshop while the component is mounted (console, screen). */
export function useWorkshopConnection(
  workshopId: WorkshopId,
  token: string | null,
  keepLocal: boolean,
): WorkshopConnection | null {
  const [connection, setConnection] = useState<WorkshopConnection | null>(null);
  useEffect(() => {
    if (token === null) return;
    const opened = new WorkshopConnection({
      serverUrl: syncServerUrl(),
      workshopId,
      token,
      keepLocal,
      // Started on page load by earlyLoad.ts when the page was opened by its address.
      documents: takeDocuments(workshopId, token),
    });
    setConnection(opened);
    return () => {
      opened.destroy();
      setConnection(null);
    };
  }, [workshopId, token, keepLocal]);
  return connection;
}

const NO_TABLES: ReadonlyMap<TableId, SyncedDoc> = new Map();
const noop = () => () => {};

/** The table documents of a connection, re-rendering when a table is added. */
export function useTableDocs(connection: WorkshopConnection | null): ReadonlyMap<TableId, SyncedDoc> {
  return useSyncExternalStore(connection?.subscribe ?? noop, connection?.getTables ?? (() => NO_TABLES));
}
