import type * as Y from "yjs";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type Archive,
  type ArchiveStates,
  archivedDoc,
  metaContent,
  synthesisContent,
  tableContent,
} from "../../shared/archive.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import { newId, type TableId, type WorkshopId } from "../../shared/ids.ts";
import type { Store } from "../store/store.ts";
import { storeNewWorkshop } from "./createWorkshop.ts";
import { readWorkshop, type WorkshopDocs } from "./readWorkshop.ts";

/** A whole workshop as an archive (docs/archive.md); null when there is no such workshop. */
export async function exportArchive(
  store: Store,
  workshopId: WorkshopId,
  now: number = Date.now(),
): Promise<Archive | null> {
  const docs = await readWorkshop(store, workshopId);
  if (docs === null) return null;
  try {
    const names = new Map((await store.listTables(workshopId)).map((table) => [table.id, table.name]));
    return buildArchive(docs, names, now);
  } finally {
    docs.destroy();
  }
}

/**
 * The archive of a workshop's documents. Tables come in the registry's order with the registry's
 * names (what join cards show); a table added between the two reads falls back to its meta name.
 */
export function buildArchive(
  docs: Pick<WorkshopDocs, "record" | "meta" | "synthesis" | "tables">,
  names: ReadonlyMap<TableId, string>,
  now: number,
): Archive {
  const meta = archivedDoc(docs.meta, metaContent);
  const metaNames = new Map(meta.content.tables.map((table) => [table.id, table.name]));
  return {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    exportedAt: now,
    schemaVersion: meta.content.schemaVersion,
    workshop: {
      id: docs.record.id,
      createdAt: docs.record.createdAt,
      lastActivityAt: docs.record.lastActivityAt,
    },
    meta,
    tables: [...docs.tables].map(([id, doc]: [TableId, Y.Doc]) => ({
      id,
      name: names.get(id) ?? metaNames.get(id) ?? "",
      ...archivedDoc(doc, tableContent),
    })),
    synthesis: archivedDoc(docs.synthesis, synthesisContent),
  };
}

/**
 * Restores a checked archive (`parseArchive`) as a new workshop: a new id, new join codes, new
 * facilitator and screen tokens, in one store write. Every id inside the documents (tables,
 * rounds, notes, themes, …) is kept: they are unique only within a workshop, and keeping them
 * keeps the synthesis' note refs `"<tableId>/<noteId>"` valid without rewriting anything.
 */
export async function importArchive(
  store: Store,
  publicUrl: string,
  archive: Archive,
  states: ArchiveStates,
  now: number = Date.now(),
): Promise<CreateWorkshopResponse> {
  const workshopId = newId<"WorkshopId">();
  const docs = [
    { name: docName(metaDoc(workshopId)), update: states.meta },
    { name: docName(synthesisDoc(workshopId)), update: states.synthesis },
  ];
  for (const table of archive.tables) {
    const update = states.tables.get(table.id);
    if (update !== undefined) docs.push({ name: docName(tableDoc(workshopId, table.id)), update });
  }
  return storeNewWorkshop(store, publicUrl, {
    workshopId,
    // The record starts now: retention counts from the last activity on this server, and an
    // import is activity (an old archive must not be purged the moment it is restored).
    now,
    tables: archive.tables.map(({ id, name }) => ({ id, name })),
    // A document nobody wrote (an unused table) stays without a log entry, as after creation.
    docs: docs.filter((doc) => !isEmptyUpdate(doc.update)),
  });
}

/** `Y.encodeStateAsUpdate` of an empty document: no structs, no deletions. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
