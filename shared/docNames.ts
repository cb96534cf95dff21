import { ID_PATTERN, type TableId, type WorkshopId } from "./ids.ts";

/**
 * The documents of a workshop and their names on the wire:
 * `<workshopId>/meta`, `<workshopId>/table/<tableId>`, `<workshopId>/synthesis`.
 */
export type DocRef =
  | { readonly kind: "meta"; readonly workshopId: WorkshopId }
  | { readonly kind: "table"; readonly workshopId: WorkshopId; readonly tableId: TableId }
  | { readonly kind: "synthesis"; readonly workshopId: WorkshopId };

export type DocKind = DocRef["kind"];

export function metaDoc(workshopId: WorkshopId): DocRef {
  return { kind: "meta", workshopId };
}

export function tableDoc(workshopId: WorkshopId, tableId: TableId): DocRef {
  return { kind: "table", workshopId, tableId };
}

export function synthesisDoc(workshopId: WorkshopId): DocRef {
  return { kind: "synthesis", workshopId };
}

export function docName(ref: DocRef): string {
  switch (ref.kind) {
    case "meta":
      return `${ref.workshopId}/meta`;
    case "table":
      return `${ref.workshopId}/table/${ref.tableId}`;
    case "synthesis":
      return `${ref.workshopId}/synthesis`;
  }
}

/** Parses a document name; `null` for anything that is not exactly one of the three forms. */
export function parseDocName(name: string): DocRef | null {
  const parts = name.split("/");
  const [workshop, kind, table] = parts;
  if (workshop === undefined || !ID_PATTERN.test(workshop)) return null;
  const workshopId = workshop as WorkshopId;
  if (parts.length === 2 && kind === "meta") return metaDoc(workshopId);
  if (parts.length === 2 && kind === "synthesis") return synthesisDoc(workshopId);
  if (parts.length === 3 && kind === "table" && table !== undefined && ID_PATTERN.test(table)) {
    return tableDoc(workshopId, table as TableId);
  }
  return null;
}
