import { docName, metaDoc, synthesisDoc, tableDoc } from "../../../shared/docNames.ts";
import { decodeDocuments } from "../../../shared/documentsBody.ts";
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
  /**
   * The body of the documents request (`GET /api/workshops/:id/documents`, earlyRequests.ts), or
   * null if it failed: every document's state at once, shown before the sockets have opened.
   */
  readonly documents?: Promise<Uint8Array | null>;
}

/** The longest the first tables' changes are batched, should some table never answer. */
const OPENING_BATCH_MAX_MS = 10_000;
/** Then, after a moment, the tables' local copies that were left for later. */
const LOCAL_COPIES_DELAY_MS = 500;

/**
 * Every document of a workshop, for the facilitator's console and the screen: the meta, the
 * synthesis and one per table, opening a table's document as soon as the meta lists it.
 *
 * Opening the view, every document's state comes in one HTTP response (`documents`), applied
 * before or beside the sockets, which the browser opens one at a time (≈ 14 ms each); the sockets
 * then fetch only what is newer and carry the live changes. Until the response is applied, or if
 * it failed until each table has arrived over its socket once, the tables' changes reach React in
 * batches (renderBatch.ts), not one render and one frame per table. Tables filled from the
 * response, and tables this device has no local copy of, open their copies only then, so a first
 * visit does not create 40 IndexedDB databases meanwhile.
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
  /** The documents response's states by name, while it is being applied (tables are made then). */
  private snapshot: ReadonlyMap<string, Uint8Array> | null = null;

  /** Without `documents`: the response is applied once and need not be kept. */
  private readonly options: Omit<WorkshopConnectionOptions, "documents">;

  constructor({ documents, ...options }: WorkshopConnectionOptions) {
    this.options = options;
    if (options.keepLocal) this.findLocalCopies();
    this.meta = this.open(docName(metaDoc(options.workshopId)), true);
    this.synthesis = this.open(docName(synthesisDoc(options.workshopId)), true);
    metaParts(this.meta.doc).tables.observeDeep(this.followTables);
    this.followTables();
    documents?.then((body) => this.applySnapshot(body));
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

  /**
   * `local`: open its local copy now; otherwise only if the device already has one and the
   * snapshot did not fill the document (then with the others once the tables have arrived).
   */
  private open(name: string, local: boolean): SyncedDoc {
    const { serverUrl, token, keepLocal } = this.options;
    const known = this.localCopies;
    const state = this.snapshot?.get(name);
    // A table filled from the snapshot has nothing to wait for in its local copy either (the
    // snapshot comes before `indexedDB.databases()` has answered, so `known` is still null).
    const deferLocal =
      keepLocal && !local && (state !== undefined || (known !== null && !known.has(localCopyName(name))));
    const doc = new SyncedDoc({
      serverUrl,
      name,
      token,
      keepLocal: deferLocal ? "later" : keepLocal,
      // The server relays every change; another tab of this browser showing the same documents
      // (the screen beside the console) would otherwise exchange every document with it as well.
      crossTab: false,
      // A table the snapshot's meta lists is made while the snapshot is applied: filled at once,
      // before its socket opens, so that socket's sync step 1 asks only for what is newer.
      ...(state === undefined ? {} : { snapshot: state }),
    });
    // The console and the screen are not devices at a table: they publish no presence.
    doc.awareness.setLocalState(null);
    return doc;
  }

  /**
   * Applies the documents response: the meta first, whose table list makes the table documents
   * (`followTables`, filled from the same response as they are made), then the synthesis and any
   * table made before (its socket came first). All in one task, and the opening batch ends with
   * it: every table reaches React in one render. Without a response, the sockets do it all.
   */
  private applySnapshot(body: Uint8Array | null): void {
    if (this.destroyed || body === null) return;
    let states: Map<string, Uint8Array>;
    try {
      states = new Map(decodeDocuments(body).map(({ name, update }) => [name, update]));
    } catch {
      return;
    }
    this.snapshot = states;
    try {
      for (const synced of [this.meta, this.synthesis, ...this.tableDocs.values()]) {
        if (synced.getSnapshot().snapshotLoaded) continue;
        const state = states.get(synced.name);
        if (state !== undefined) synced.applySnapshot(state);
      }
    } finally {
      // Tables listed later open over their sockets alone, as before.
      this.snapshot = null;
    }
    this.finishOpening();
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
