import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import { isId } from "../../../shared/ids.ts";

/** What a tablet got when it joined a table: kept so a reload (even offline) reopens the board. */
export interface Join {
  readonly workshopId: WorkshopId;
  readonly tableId: TableId;
  readonly token: string;
}

const key = (workshopId: string) => `samla.join.${workshopId}`;

export function saveJoin(join: Join): void {
  try {
    localStorage.setItem(key(join.workshopId), JSON.stringify(join));
  } catch {
    // Private mode: the join lasts for this page only.
  }
}

export function loadJoin(workshopId: string): Join | null {
  try {
    const raw = localStorage.getItem(key(workshopId));
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return null;
    const { tableId, token } = value as Record<string, unknown>;
    if (!isId(tableId) || typeof token !== "string") return null;
    return { workshopId: workshopId as WorkshopId, tableId: tableId as TableId, token };
  } catch {
    return null;
  }
}

export function forgetJoin(workshopId: string): void {
  try {
    localStorage.removeItem(key(workshopId));
  } catch {
    // Nothing stored.
  }
}
