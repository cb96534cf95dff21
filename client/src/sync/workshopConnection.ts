import { docName, metaDoc, synthesisDoc, tableDoc } from "../../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import { metaParts, readMeta } from "../../../shared/schema/meta.ts";
import { SyncedDoc } from "./syncedDoc.ts";

export interface WorkshopConnectionOptions {
  readonly serverUrl: string;
  readonly workshopId: WorkshopId;
  readonly token: string;
  /** Keep local copies (the facilitator's laptop); not for the projector. */
  readonly keepLocal: boolean;
}

/**
 * Every document of a workshop, for the facilitator's console and the screen: the meta, the
 * synthesis and one per table, opening a table's document as soon as the meta lists it.
 */
export class WorkshopConnection {
  readonly meta: SyncedDoc;
  readonly synthesis: SyncedDoc;
  private tableDocs: ReadonlyMap<TableId, SyncedDoc> = new Map();
  private readonly listeners = new Set<() => void>();
  private destroyed = false;

  constructor(private readonly options: WorkshopConnectionOptions) {
    this.meta = this.open(docName(metaDoc(options.workshopId)));
    this.synthesis = this.open(docName(synthesisDoc(options.workshopId)));
    metaParts(this.meta.doc).tables.observeDeep(this.followTables);
    this.followTables();
  }

  /** Table documents by id, in the meta's order; a new Map whenever a table is added. */
  get tables(): ReadonlyMap<TableId, SyncedDoc> {
    return this.tableDocs;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getTables = (): ReadonlyMap<TableId, SyncedDoc> => this.tableDocs;

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    metaParts(this.meta.doc).tables.unobserveDeep(this.followTables);
    for (const doc of this.tableDocs.values()) doc.destroy();
    this.meta.destroy();
    this.synthesis.destroy();
  }

  private open(name: string): SyncedDoc {
    const { serverUrl, token, keepLocal } = this.options;
    const doc = new SyncedDoc({ serverUrl, name, token, keepLocal });
    // The console and the screen are not devices at a table: they publish no presence.
    doc.awareness.setLocalState(null);
    return doc;
  }

  private readonly followTables = (): void => {
    if (this.destroyed) return;
    const ids = readMeta(this.meta.doc).tables.map((table) => table.id);
    if (ids.length === this.tableDocs.size && ids.every((id) => this.tableDocs.has(id))) return;
    const next = new Map<TableId, SyncedDoc>();
    for (const id of ids) {
      next.set(id, this.tableDocs.get(id) ?? this.open(docName(tableDoc(this.options.workshopId, id))));
    }
    this.tableDocs = next;
    for (const listener of this.listeners) listener();
  };
}
