import * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import type { DocRef } from "../../shared/docNames.ts";
import { atEndOfTurn } from "../turn.ts";
import type { Connection } from "./connection.ts";
import { Outstanding } from "./outstanding.ts";
import { Presence } from "./presence.ts";
import { type ClientMessage, encodeUpdate } from "./protocol.ts";
import { type Batch, needsDoc, newBatch, type QueueEntry } from "./queue.ts";
import { isEmptyStateVector, RoomDoc } from "./roomDoc.ts";
import { observe, type RelayStats } from "./stats.ts";

export interface RoomOptions {
  /** Persists what a batch integrated; resolves once it is durable. */
  readonly persist: (update: Uint8Array) => Promise<void>;
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
  /** The document: stored rows until needed, then the Y.Doc; cached sync frames; stored size. */
  private readonly state: RoomDoc;
  /** Writers that joined before the build: they get our state vector once there is one. */
  private readonly awaitingStateVector = new Set<Connection>();
  readonly connections = new Set<Connection>();
  /** Who is here and what they are doing (awareness), relayed to `connections`. */
  readonly presence: Presence;
  private readonly queue: QueueEntry[] = [];
  /** The queue is not empty or a batch is being stored (see `settled`). */
  private readonly work = new Outstanding();
  /** `applyQueued` is due at the end of this turn. */
  private applyScheduled = false;
  /** A batch is being stored; the next one is applied only once this one is relayed. */
  private storing = false;
  private destroyed = false;
  /** The batch being applied. */
  private batch: Batch = newBatch();

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    stored: readonly Uint8Array[],
    private readonly options: RoomOptions,
  ) {
    this.state = new RoomDoc(
      stored,
      // Stored rows Yjs cannot read: the room is discarded, as when the store fails.
      (error) => this.options.onFailure(error),
      () => {
        for (const conn of this.awaitingStateVector) conn.send(this.state.syncStep1Frame());
        this.awaitingStateVector.clear();
      },
    );
    // Awareness only needs the doc's client id, not its content.
    this.presence = new Presence(
      this.state.ydoc,
      this.connections,
      options.stats,
      options.maxAwarenessStateChars,
    );
  }

  /** The document, built from the stored rows on first use (see `RoomDoc.doc`). */
  get doc(): Y.Doc {
    return this.state.doc;
  }

  /** True once the document has been built from its stored rows. */
  get isBuilt(): boolean {
    return this.state.isBuilt;
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
    return this.state.storedBytes;
  }

  /** Bytes handed to the store since this room was loaded; never decreases. */
  get bytesAppended(): number {
    return this.state.bytesAppended;
  }

  /** After a compaction: see `RoomDoc.rebaseStoredBytes`. */
  rebaseStoredBytes(rowBytes: number, appendedAtRead: number): void {
    this.state.rebaseStoredBytes(rowBytes, appendedAtRead);
  }

  /** Adds a connection that passed its access check, greets it, and replays what it sent meanwhile. */
  join(conn: Connection): void {
    this.connections.add(conn);
    conn.onClose(() => this.leave(conn));
    // Writers get our state vector so they send what we lack (offline edits); readers need not.
    if (conn.canWrite) {
      if (this.isBuilt) conn.send(this.state.syncStep1Frame());
      else this.awaitingStateVector.add(conn);
    }
    this.presence.greet(conn);
    for (const message of conn.backlog.splice(0)) this.enqueue(conn, message);
    conn.backlogBytes = 0;
  }

  enqueue(conn: Connection, message: ClientMessage): void {
    if (this.destroyed) return;
    // A client with nothing, before the document is built, is answered from the stored rows.
    const fromRows =
      message.type === "sync-step1" && isEmptyStateVector(message.stateVector)
        ? this.state.framesFromRows()
        : null;
    if (fromRows !== null) {
      if (conn.isOpen) for (const frame of fromRows) conn.send(frame);
      return;
    }
    this.queue.push({ kind: "message", conn, message, receivedAt: performance.now() });
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
    if (this.destroyed) return;
    this.work.begin();
    if (!this.applyScheduled && !this.storing) this.scheduleApply();
  }

  private scheduleApply(): void {
    this.applyScheduled = true;
    atEndOfTurn("apply", this.applyQueued);
  }

  /** Resolves when everything queued so far is persisted and relayed. */
  async settled(): Promise<void> {
    await this.work.settled();
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
    this.state.destroy();
  }

  private leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.awaitingStateVector.delete(conn);
    this.presence.leave(conn);
  }

  /**
   * At the end of the turn that read them (see server/turn.ts), before the store commits: what
   * arrived during the turn is applied as one batch, so it is stored in the turn's one commit and
   * relayed right after it, as one frame per reader. The next batch waits until this one is relayed.
   */
  private readonly applyQueued = (): void => {
    this.applyScheduled = false;
    const entries = this.queue.splice(0);
    if (this.destroyed || entries.length === 0) {
      this.work.end();
      return;
    }
    // A batch of presence alone (most of them, when clients publish where they are) needs no
    // Yjs transaction, whose bookkeeping costs more than relaying the presence, and no build.
    const touchesDoc = entries.some(needsDoc);
    if (touchesDoc && !this.isBuilt) {
      this.state.build();
      if (this.destroyed) {
        this.work.end();
        return;
      }
    }
    const batch = this.apply(entries, touchesDoc);
    const integrated = this.state.takeIntegrated();
    if (integrated === null) {
      this.answer(batch);
      this.next();
      return;
    }
    this.state.appended(integrated.byteLength);
    // Called now, synchronously, so that the store has the append before its commit stage.
    this.storing = true;
    void this.storeAndRelay(batch, integrated);
  };

  private async storeAndRelay(batch: Batch, integrated: Uint8Array): Promise<void> {
    const { changes } = batch;
    try {
      await this.options.persist(integrated);
    } catch (error) {
      this.storing = false;
      for (const change of changes) change.reject(error);
      this.options.onFailure(error);
      return this.work.end();
    }
    this.storing = false;
    if (this.destroyed) {
      for (const change of changes) change.reject(new Error(`document ${this.name} was closed`));
      return this.work.end();
    }
    this.options.stats.updatesStored += batch.updates + changes.length - batch.failed.size;
    // A batch of one writer's updates is not sent back to it; with several writers each gets
    // the whole (applying one's own update again changes nothing in Yjs).
    const [soleWriter] = batch.writers.size === 1 ? batch.writers : [null];
    this.broadcast(encodeUpdate(integrated), soleWriter ?? null);
    const relayedAt = performance.now();
    for (const receivedAt of batch.arrivals) {
      observe(this.options.stats.relayDelays, (relayedAt - receivedAt) / 1000);
    }
    this.answer(batch);
    this.next();
  }

  /** Settles a batch's server-side changes and answers its sync requests, once it is stored. */
  private answer(batch: Batch): void {
    for (const change of batch.changes) {
      if (batch.failed.has(change)) change.reject(batch.failed.get(change));
      else change.resolve();
    }
    for (const { conn, stateVector } of batch.replies) this.replyToStep1(conn, stateVector);
  }

  /** After a batch: the next one at the end of this turn or the next, or idle. */
  private next(): void {
    if (this.queue.length > 0 && !this.destroyed) this.scheduleApply();
    else this.work.end();
  }

  /** Applies a batch's entries, in one transaction if any touches the document. */
  private apply(entries: readonly QueueEntry[], touchesDoc: boolean): Batch {
    const batch = newBatch();
    this.batch = batch;
    const applyAll = () => {
      for (const entry of entries) {
        if (entry.kind === "change") {
          batch.changes.push(entry);
          try {
            entry.edit(this.doc);
          } catch (error) {
            batch.failed.set(entry, error);
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
        if (message.type === "sync-step2" || message.type === "update") {
          const applied = batch.updates;
          this.handle(conn, message);
          if (batch.updates > applied) batch.arrivals.push(entry.receivedAt);
        } else if (!conn.isOpen) continue;
        else if (message.type === "sync-step1")
          batch.replies.push({ conn, stateVector: message.stateVector });
        else this.handle(conn, message);
      }
    };
    if (touchesDoc) Y.transact(this.doc, applyAll);
    else applyAll();
    return batch;
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
    if (this.storedBytes + this.batch.bytes + update.byteLength > this.options.maxDocBytes) {
      this.options.stats.errors.documentFull++;
      this.options.onFull(conn, update.byteLength);
      conn.close(CloseCode.DocumentFull);
      return;
    }
    try {
      Y.applyUpdate(this.doc, update, conn);
      this.batch.bytes += update.byteLength;
      this.batch.writers.add(conn);
      this.batch.updates++;
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
      conn.send(this.state.syncStep1Frame());
    }
  }

  private replyToStep1(conn: Connection, stateVector: Uint8Array): void {
    if (!conn.isOpen) return;
    let frame: Uint8Array;
    try {
      frame = this.state.syncStep2Frame(stateVector);
    } catch {
      this.options.stats.errors.invalidMessage++;
      conn.close(CloseCode.InvalidMessage, "invalid state vector");
      return;
    }
    conn.send(frame);
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
