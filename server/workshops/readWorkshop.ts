import type * as Y from "yjs";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../shared/ids.ts";
import { replayUpdates } from "../store/replay.ts";
import type { Store, WorkshopRecord } from "../store/store.ts";

/** A whole workshop as Y.Docs, read from the store: for reports, archives and follow-ups. */
export interface WorkshopDocs {
  readonly record: WorkshopRecord;
  readonly meta: Y.Doc;
  readonly synthesis: Y.Doc;
  /** Every registered table's document, in the registry's order. */
  readonly tables: ReadonlyMap<TableId, Y.Doc>;
  /** Releases the docs. */
  destroy(): void;
}

/**
 * Reads every document of a workshop from the store. The store is always current: the
 * relay writes each update before anyone else sees it, so no live room needs asking.
 * Null when there is no such workshop.
 */
export async function readWorkshop(store: Store, workshopId: WorkshopId): Promise<WorkshopDocs | null> {
  const record = await store.getWorkshop(workshopId);
  if (record === null) return null;
  const load = async (name: string) => replayUpdates(await store.loadDoc(name));
  const meta = await load(docName(metaDoc(workshopId)));
  const synthesis = await load(docName(synthesisDoc(workshopId)));
  const tables = new Map<TableId, Y.Doc>();
  for (const table of await store.listTables(workshopId)) {
    tables.set(table.id, await load(docName(tableDoc(workshopId, table.id))));
  }
  return {
    record,
    meta,
    synthesis,
    tables,
    destroy() {
      meta.destroy();
      synthesis.destroy();
      for (const doc of tables.values()) doc.destroy();
    },
  };
}
