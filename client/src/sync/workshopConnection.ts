import { docName, metaDoc, synthesisDoc, tableDoc } from "../../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import { metaParts, readMeta } from "../../../shared/schema/meta.ts";
import { batchChanges } from "./renderBatch.ts";
import { localCopyName, SyncedDoc } from "./syncedDoc.ts";

export interface WorkshopConnectionOptions {
  readonly serverUrl: string;
  readonly workshopId: WorkshopId;
  readonly token: string;
  /** Keep local copies (the facilitator's laptop); not for the projector. */
  readonly keepLocal: boolean;
}

/** The longest the first tables' changes are batched, should some table never answer. */
const OPENING_BATCH_MAX_MS = 10_000;
/** Then, after a moment, the tables' local copies that were left for later. */
const LOCAL_COPIES_DELAY_MS = 500;

/**
 * Every document of a workshop, for the facilitator's console and the screen: the meta, the
 * synthesis and one per table, opening a table's document as soon as the meta lists it.
 *
 * Opening the view, the tables' documents arrive one after the other (the browser opens their
 * sockets one at a time): until each has arrived once, their changes reach React in batches
 * (renderBatch.ts), not one render and one frame per table. Tables this device has no local copy
 * of get one only then, so the first visit does not create 40 IndexedDB databases meanwhile.
 */
export class WorkshopConnection {
  readonly meta: SyncedDoc;
  readonly synthesis: SyncedDoc;
  private tableDocs: ReadonlyMap<TableId, SyncedDoc> = new Map();
  private readonly listeners = new Set<() => void>();
  private destroyed = false;
  /** Local copies this device holds (IndexedDB database names); null until known or if unknowable. */
  private localCopies: ReadonlySet<string> | null = null;
  /** While the first tables open: hands their batched changes to React and stops batching. */
  private endOpening: (() => void) | null = null;
  private openingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly openingWatches: (() => void)[] = [];

  constructor(private readonly options: WorkshopConnectionOptions) {
    if (options.keepLocal) this.findLocalCopies();
    this.meta = this.open(docName(metaDoc(options.workshopId)), true);
    this.synthesis = this.open(docName(synthesisDoc(options.workshopId)), true);
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
    this.finishOpening();
    metaParts(this.meta.doc).tables.unobserveDeep(this.followTables);
    for (const doc of this.tableDocs.values()) doc.destroy();
    this.meta.destroy();
    this.synthesis.destroy();
  }

  /** `local`: open its local copy now; otherwise only if the device already has one. */
  private open(name: string, local: boolean): SyncedDoc {
    const { serverUrl, token, keepLocal } = this.options;
    const known = this.localCopies;
    const deferLocal = keepLocal && !local && known !== null && !known.has(localCopyName(name));
    const doc = new SyncedDoc({
      serverUrl,
      name,
      token,
      keepLocal: deferLocal ? "later" : keepLocal,
      // The server relays every change; another tab of this browser showing the same documents
      // (the screen beside the console) would otherwise exchange every document with it as well.
      crossTab: false,
    });
    // The console and the screen are not devices at a table: they publish no presence.
    doc.awareness.setLocalState(null);
    return doc;
  }

  /** Which documents this device has local copies of, before the meta lists the tables. */
  private findLocalCopies(): void {
    if (typeof indexedDB === "undefined" || typeof indexedDB.databases !== "function") return;
    indexedDB.databases().then(
      (databases) => {
        this.localCopies = new Set(databases.map((database) => database.name ?? ""));
      },
      () => {
        // Unknown: every table opens its local copy at once.
      },
    );
  }

  private readonly followTables = (): void => {
    if (this.destroyed) return;
    const ids = readMeta(this.meta.doc).tables.map((table) => table.id);
    if (ids.length === this.tableDocs.size && ids.every((id) => this.tableDocs.has(id))) return;
    const first = this.tableDocs.size === 0;
    const next = new Map<TableId, SyncedDoc>();
    for (const id of ids) {
      next.set(
        id,
        // Tables added later open their local copies at once (nothing else is opening).
        this.tableDocs.get(id) ?? this.open(docName(tableDoc(this.options.workshopId, id)), !first),
      );
    }
    this.tableDocs = next;
    if (first) this.startOpening([...next.values()]);
    for (const listener of this.listeners) listener();
  };

  /** Batches the first tables' changes until each has arrived from the server once. */
  private startOpening(tables: readonly SyncedDoc[]): void {
    this.endOpening = batchChanges(tables.map((table) => table.doc));
    const check = () => {
      const waiting = tables.some((table) => {
        const state = table.getSnapshot();
        return !state.serverSynced && state.status !== "refused" && state.status !== "gone";
      });
      if (!waiting) this.finishOpening();
    };
    for (const table of tables) this.openingWatches.push(table.subscribe(check));
    this.openingTimer = setTimeout(() => this.finishOpening(), OPENING_BATCH_MAX_MS);
    check();
  }

  private finishOpening(): void {
    if (this.endOpening === null) return;
    const end = this.endOpening;
    this.endOpening = null;
    if (this.openingTimer !== null) clearTimeout(this.openingTimer);
    for (const unwatch of this.openingWatches.splice(0)) unwatch();
    end();
    if (this.destroyed) return;
    // After the frame that shows them, not in it.
    setTimeout(() => {
      if (this.destroyed) return;
      for (const table of this.tableDocs.values()) table.openLocalCopy();
    }, LOCAL_COPIES_DELAY_MS);
  }
}
