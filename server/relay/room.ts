import * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import type { DocRef } from "../../shared/docNames.ts";
import type { Connection } from "./connection.ts";
import { Presence } from "./presence.ts";
import { type ClientMessage, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from "./protocol.ts";
import type { RelayStats } from "./stats.ts";

export interface RoomOptions {
  /** Persists updates; resolves once they are durable. */
  readonly persist: (updates: readonly Uint8Array[]) => Promise<void>;
  readonly stats: RelayStats;
  /** Largest awareness state (JSON characters) a client may publish. */
  readonly maxAwarenessStateChars: number;
  /** Called when the room failed (the store refused a write, or its stored rows are unreadable) and must be discarded. */
  readonly onFailure: (error: unknown) => void;
  /** The stored size a client's update may not take the document past (MAX_DOC_BYTES). */
  readonly maxDocBytes: number;
  /** Called when a connection is closed for an update that would have passed `maxDocBytes`. */
  readonly onFull: (conn: Connection, updateBytes: number) => void;
}

type Reply = { readonly conn: Connection; readonly stateVector: Uint8Array };
type Change = Extract<QueueEntry, { kind: "change" }>;

type QueueEntry =
  | { readonly kind: "message"; readonly conn: Connection; readonly message: ClientMessage }
  | {
      readonly kind: "change";
      readonly edit: (doc: Y.Doc) => void;
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    };

/**
 * One loaded document and the connections on it.
 *
 * Messages from all connections go through one queue. A batch is applied to the Y.Doc in one
 * transaction, what Yjs actually integrated (one update) is persisted, and only then is it
 * relayed and are sync replies computed: nobody ever sees state that is not on disk.
 *
 * One transaction per batch means one row and one frame per reader however many updates the
 * batch holds: under load, storing and relaying get cheaper per update instead of backing up.
 */
export class Room {
  /** The document; read through `doc`, which first builds it from the stored rows. */
  private readonly ydoc = new Y.Doc({ gc: true });
  /** The stored rows the room was loaded from, until the document is built from them. */
  private rows: readonly Uint8Array[] | null;
  /** Writers that joined before the build: they get our state vector once there is one. */
  private readonly awaitingStateVector: Connection[] = [];
  readonly connections = new Set<Connection>();
  /** Who is here and what they are doing (awareness), relayed to `connections`. */
  readonly presence: Presence;
  private readonly queue: QueueEntry[] = [];
  private draining: Promise<void> | null = null;
  /** What the batch's transaction integrated: set by the doc's one update event per batch. */
  private integrated: Uint8Array | null = null;
  private destroyed = false;
  /**
   * The document's stored size, kept without ever encoding the document: the bytes of the rows it
   * was loaded from (corrected by `rebaseStoredBytes` after a compaction) plus every byte handed to
   * the store since. `appendedBytes` only grows, so a compaction can tell what it has not seen.
   */
  private baseBytes: number;
  private appendedBytes = 0;
  /** Bytes of the updates applied so far in the batch being built, as received. */
  private batchBytes = 0;
  /** Connections whose updates the batch being built applied, and how many updates. */
  private batchWriters = new Set<Connection>();
  private batchUpdates = 0;
  /**
   * Sync frames of the current version, encoded once and sent to everyone who asks until the next
   * update: a join storm is then hundreds of sends of the same bytes, not hundreds of encodings.
   */
  private stateVectorFrame: Uint8Array | null = null;
  private fullStateFrame: Uint8Array | null = null;

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    stored: readonly Uint8Array[],
    private readonly options: RoomOptions,
  ) {
    this.baseBytes = byteLength(stored);
    this.rows = stored;
    // Awareness only needs the doc's client id, not its content.
    this.presence = new Presence(this.ydoc, this.connections, options.stats, options.maxAwarenessStateChars);
  }

  /**
   * The document, built from the stored rows on first use: the first message that needs it (an
   * update, a sync with a state vector, presence, a server-side change). Clients with nothing are
   * answered from the rows meanwhile, so a document only read (a projector, a join storm of fresh
   * tablets) may never be decoded at all.
   */
  get doc(): Y.Doc {
    if (this.rows !== null) this.build();
    return this.ydoc;
  }

  /** True once the document has been built from its stored rows. */
  get isBuilt(): boolean {
    return this.rows === null;
  }

  private build(): void {
    const rows = this.rows;
    if (rows === null) return;
    this.rows = null;
    try {
      Y.transact(this.ydoc, () => {
        for (const update of rows) Y.applyUpdate(this.ydoc, update);
      });
    } catch (error) {
      // Stored rows Yjs cannot read: the room is discarded, as when the store fails.
      this.options.onFailure(error);
      return;
    }
    this.ydoc.on("update", (update: Uint8Array) => {
      // Batches are transactions, so this runs at most once per batch; a second event would
      // mean a change made outside a batch, which is merged rather than lost.
      this.integrated = this.integrated === null ? update : Y.mergeUpdates([this.integrated, update]);
      this.stateVectorFrame = null;
      this.fullStateFrame = null;
    });
    for (const conn of this.awaitingStateVector.splice(0)) if (conn.isOpen) conn.send(this.syncStep1Frame());
  }

  /** The room's awareness, for diagnostics and tests. */
  get awareness() {
    return this.presence.awareness;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Bytes of this document's stored rows (snapshot and log), as far as this room knows. */
  get storedBytes(): number {
    return this.baseBytes + this.appendedBytes;
  }

  /** Bytes handed to the store since this room was loaded; never decreases. */
  get bytesAppended(): number {
    return this.appendedBytes;
  }

  /**
   * After a compaction: the stored rows now measure `rowBytes`, read when `bytesAppended` was
   * `appendedAtRead`. Whatever was appended after that read is still counted on top.
   */
  rebaseStoredBytes(rowBytes: number, appendedAtRead: number): void {
    this.baseBytes = rowBytes - appendedAtRead;
  }

  /** Adds a connection that passed its access check, greets it, and replays what it sent meanwhile. */
  join(conn: Connection): void {
    this.connections.add(conn);
    conn.onClose(() => this.leave(conn));
    // Writers get our state vector so they send what we lack (offline edits); readers need not.
    if (conn.canWrite) {
      if (this.isBuilt) conn.send(this.syncStep1Frame());
      else this.awaitingStateVector.push(conn);
    }
    this.presence.greet(conn);
    for (const message of conn.backlog.splice(0)) this.enqueue(conn, message);
    conn.backlogBytes = 0;
  }

  enqueue(conn: Connection, message: ClientMessage): void {
    if (this.destroyed) return;
    if (this.rows !== null && message.type === "sync-step1" && isEmptyStateVector(message.stateVector)) {
      this.answerFromRows(conn, this.rows);
      return;
    }
    this.queue.push({ kind: "message", conn, message });
    this.startDraining();
  }

  /**
   * A change made by the server itself (adding a table, importing): applied in turn with
   * clients' messages, stored, then relayed to everyone. Resolves once it is on disk.
   */
  change(edit: (doc: Y.Doc) => void): Promise<void> {
    if (this.destroyed) return Promise.reject(new Error(`document ${this.name} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: "change", edit, resolve, reject });
      this.startDraining();
    });
  }

  private startDraining(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Resolves when everything queued so far is persisted and relayed. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Closes every connection with `code` and releases the document. */
  destroy(code: CloseCode | null): void {
    if (this.destroyed) return;
    this.destroyed = true;
    // First, so the connections closed below leave without presence updates to the others.
    this.presence.destroy();
    for (const entry of this.queue.splice(0)) {
      if (entry.kind === "change") entry.reject(new Error(`document ${this.name} was closed`));
    }
    for (const conn of [...this.connections]) {
      if (code !== null) conn.close(code);
    }
    this.connections.clear();
    this.ydoc.destroy();
  }

  private leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.presence.leave(conn);
  }

  private async drain(): Promise<void> {
    // Microtask hop so that frames arriving in the same tick form one batch.
    await Promise.resolve();
    while (this.queue.length > 0 && !this.destroyed) {
      const batch = this.queue.splice(0);
      const touchesDoc = batch.some(needsDoc);
      if (touchesDoc && !this.isBuilt) {
        this.build();
        if (this.destroyed) return;
      }
      const replies: Reply[] = [];
      const changes: Change[] = [];
      const failed = new Map<Change, unknown>();
      const { integrated, writers, updates } = touchesDoc
        ? this.applyBatch(batch, replies, changes, failed)
        : this.applyPresence(batch);
      if (integrated !== null) {
        // Counted as the write is requested: the store shows it to any read or compaction
        // requested after this call, so a compaction's reading and this count agree.
        this.appendedBytes += integrated.byteLength;
        try {
          await this.options.persist([integrated]);
        } catch (error) {
          for (const change of changes) change.reject(error);
          this.options.onFailure(error);
          return;
        }
        if (this.destroyed) {
          for (const change of changes) change.reject(new Error(`document ${this.name} was closed`));
          return;
        }
        this.options.stats.updatesStored += updates + changes.length - failed.size;
        // A batch of one writer's updates is not sent back to it; with several writers each gets
        // the whole (applying one's own update again changes nothing in Yjs).
        const [soleWriter] = writers.size === 1 ? writers : [null];
        this.broadcast(encodeUpdate(integrated), soleWriter ?? null);
      }
      for (const change of changes) {
        if (failed.has(change)) change.reject(failed.get(change));
        else change.resolve();
      }
      for (const { conn, stateVector } of replies) this.replyToStep1(conn, stateVector);
    }
  }

  /**
   * A batch of presence alone (most of them, when clients publish where they are): no Yjs
   * transaction, whose bookkeeping costs more than relaying the presence, and no build.
   */
  private applyPresence(batch: readonly QueueEntry[]): {
    integrated: null;
    writers: ReadonlySet<Connection>;
    updates: 0;
  } {
    for (const entry of batch) {
      if (entry.kind !== "message") continue;
      const { conn, message } = entry;
      if (REFUSES_LATER_MESSAGES.has(conn.closeCode) || !conn.isOpen) continue;
      if (message.type === "awareness" || message.type === "query-awareness") this.handle(conn, message);
    }
    return { integrated: null, writers: NO_WRITERS, updates: 0 };
  }

  /** Applies a batch in one transaction; returns what it integrated, and who wrote it. */
  private applyBatch(
    batch: readonly QueueEntry[],
    replies: Reply[],
    changes: Change[],
    failed: Map<Change, unknown>,
  ): { integrated: Uint8Array | null; writers: ReadonlySet<Connection>; updates: number } {
    Y.transact(this.doc, () => {
      for (const entry of batch) {
        if (entry.kind === "change") {
          changes.push(entry);
          try {
            entry.edit(this.doc);
          } catch (error) {
            failed.set(entry, error);
          }
          continue;
        }
        const { conn, message } = entry;
        // Whatever a connection sent after a frame that got it closed as abusive is not applied,
        // nor what follows an update refused for size (it may depend on the refused one).
        if (REFUSES_LATER_MESSAGES.has(conn.closeCode)) continue;
        // Updates that arrived while a writer was connected are kept even if it has closed
        // since (a shutdown closes sockets first, then waits for this queue). Presence and
        // sync replies only matter to an open connection.
        if (message.type === "sync-step2" || message.type === "update") this.handle(conn, message);
        else if (!conn.isOpen) continue;
        else if (message.type === "sync-step1") replies.push({ conn, stateVector: message.stateVector });
        else this.handle(conn, message);
      }
    });
    const result = { integrated: this.integrated, writers: this.batchWriters, updates: this.batchUpdates };
    this.integrated = null;
    this.batchBytes = 0;
    this.batchWriters = new Set();
    this.batchUpdates = 0;
    return result;
  }

  private handle(conn: Connection, message: Exclude<ClientMessage, { type: "sync-step1" }>): void {
    switch (message.type) {
      case "sync-step2":
      case "update":
        if (message.type === "sync-step2") conn.resyncRequested = false;
        this.applyFrom(conn, message.update);
        return;
      case "awareness":
        this.presence.apply(conn, message.update);
        return;
      case "query-awareness":
        this.presence.answerQuery(conn);
        return;
    }
  }

  private applyFrom(conn: Connection, update: Uint8Array): void {
    // Read means read: a read-only connection's updates are never applied.
    if (!conn.canWrite) {
      this.options.stats.readOnlyUpdatesDropped++;
      return;
    }
    this.options.stats.updatesIn++;
    // The update's size as received stands for what storing it would add (Yjs stores no more than
    // it integrates): cheap, and checked before anything is applied, so nothing of it is kept.
    // Server-side changes (`change`) are not checked: they are small and the facilitator's own.
    if (this.storedBytes + this.batchBytes + update.byteLength > this.options.maxDocBytes) {
      this.options.stats.errors.documentFull++;
      this.options.onFull(conn, update.byteLength);
      conn.close(CloseCode.DocumentFull);
      return;
    }
    try {
      Y.applyUpdate(this.doc, update, conn);
      this.batchBytes += update.byteLength;
      this.batchWriters.add(conn);
      this.batchUpdates++;
    } catch {
      this.options.stats.errors.invalidUpdate++;
      conn.close(CloseCode.InvalidMessage, "invalid update");
      return;
    } finally {
      this.dropPending(conn);
    }
  }

  /**
   * Parts of an update whose dependencies we lack stay "pending" in Yjs and would leak into
   * snapshots and sync replies. We drop them and ask the sender for a full diff instead
   * (our sync step 1): its reply carries the missing parts along with the dropped ones.
   */
  private dropPending(conn: Connection): void {
    const store = this.doc.store;
    if (store.pendingStructs === null && store.pendingDs === null) return;
    store.pendingStructs = null;
    store.pendingDs = null;
    this.options.stats.pendingDropped++;
    if (conn.isOpen && !conn.resyncRequested) {
      conn.resyncRequested = true;
      conn.send(this.syncStep1Frame());
    }
  }

  /**
   * A client with nothing, before the document is built: the stored rows are the document
   * (every one of them on disk, none with missing dependencies), sent as updates, then an
   * empty sync step 2 that tells the client it has everything. A cold open then costs reading
   * the rows, not building a Y.Doc and encoding it again.
   */
  private answerFromRows(conn: Connection, rows: readonly Uint8Array[]): void {
    if (!conn.isOpen) return;
    for (const row of rows) conn.send(encodeUpdate(row));
    conn.send(EMPTY_SYNC_STEP2);
  }

  private syncStep1Frame(): Uint8Array {
    this.stateVectorFrame ??= encodeSyncStep1(Y.encodeStateVector(this.doc));
    return this.stateVectorFrame;
  }

  private replyToStep1(conn: Connection, stateVector: Uint8Array): void {
    if (!conn.isOpen) return;
    // A client with nothing yet (a new tablet, a projector, a storm after a restart) gets the cached whole.
    if (isEmptyStateVector(stateVector)) {
      this.fullStateFrame ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc));
      conn.send(this.fullStateFrame);
      return;
    }
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(this.doc, stateVector);
    } catch {
      this.options.stats.errors.invalidMessage++;
      conn.close(CloseCode.InvalidMessage, "invalid state vector");
      return;
    }
    conn.send(encodeSyncStep2(diff));
  }

  private broadcast(frame: Uint8Array, except: Connection | null): void {
    for (const conn of this.connections) {
      if (conn === except) continue;
      conn.send(frame);
      this.options.stats.updatesOut++;
    }
  }
}

/** Close codes after which nothing more a connection sent is applied. */
const REFUSES_LATER_MESSAGES: ReadonlySet<CloseCode | null> = new Set<CloseCode | null>([
  CloseCode.InvalidMessage,
  CloseCode.PolicyViolation,
  CloseCode.DocumentFull,
]);

const NO_WRITERS: ReadonlySet<Connection> = new Set();

/** Whether a queued entry reads or changes the document (everything but presence). */
function needsDoc(entry: QueueEntry): boolean {
  return (
    entry.kind === "change" ||
    (entry.message.type !== "awareness" && entry.message.type !== "query-awareness")
  );
}

/** Sync step 2 carrying an empty update (no structs, no deletions). */
const EMPTY_SYNC_STEP2 = encodeSyncStep2(new Uint8Array([0, 0]));

/** A state vector of no clients: one varint 0. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}

/** Total bytes of a list of stored rows or updates. */
export function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}
