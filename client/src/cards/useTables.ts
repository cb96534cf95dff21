import { useCallback, useEffect, useState } from "react";
import type { AddTableRequest, TableLink, TablesResponse } from "../../../shared/api.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import { type ApiResult, api } from "../api.ts";

export type TablesStatus = "loading" | "ready" | "wrong" | "gone" | "failed";

export interface Tables {
  readonly status: TablesStatus;
  readonly tables: readonly TableLink[];
  /** Adds a table on the server; its card appears once the server answers. */
  add(name: string): Promise<ApiResult<TableLink>>;
}

/** A workshop's tables with their join codes: only the facilitator's key may read them. */
export function useTables(workshopId: WorkshopId, key: string): Tables {
  const [status, setStatus] = useState<TablesStatus>("loading");
  const [tables, setTables] = useState<readonly TableLink[]>([]);

  useEffect(() => {
    let cancelled = false;
    api<TablesResponse>("GET", `/api/workshops/${workshopId}/tables`, { token: key }).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setTables(result.body.tables);
        setStatus("ready");
      } else if (result.status === 404 || result.status === 410) setStatus("gone");
      else if (result.status === 401 || result.status === 403) setStatus("wrong");
      else setStatus("failed");
    });
    return () => {
      cancelled = true;
    };
  }, [workshopId, key]);

  const add = useCallback(
    async (name: string) => {
      const body: AddTableRequest = { name };
      const result = await api<TableLink>("POST", `/api/workshops/${workshopId}/tables`, {
        body,
        token: key,
      });
      if (result.ok) setTables((current) => [...current, result.body]);
      return result;
    },
    [workshopId, key],
  );

  return { status, tables, add };
}
