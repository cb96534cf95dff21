import type * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import { type DocRef, docName, metaDoc } from "../../shared/docNames.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { dependsOnReveal } from "../../shared/permissions.ts";
import { isRevealed } from "../../shared/schema/meta.ts";
import type { Store } from "../store/store.ts";
import { decideAccess } from "./access.ts";
import { Connection } from "./connection.ts";
import { type ClientMessage, decodeMessage, ProtocolError } from "./protocol.ts";
import { byteLength, Room } from "./room.ts";
import type { RelaySocket } from "./socket.ts";
import { Sockets } from "./sockets.ts";
import { createStats, observeStoreWrite } from "./stats.ts";

const TOUCH_INTERVAL_MS = 60_000;

export interface RelayOptions {
  readonly store: Store;
  readonly log: RelayLog;
  /** How long an empty document stays loaded, so a quick reconnect does not reload it. */
  readonly unloadGraceMs: number;
  /** What a connection may send before its document is ready. */
  readonly maxBacklogBytes: number;
  readonly maxAwarenessStateChars: number;
  /** Compact a document's log once it has this many entries past its snapshot. */
  readonly compactAfter: number;
  /** Sync connections one token may have open at once, across the whole relay. */
  readonly maxConnectionsPerToken: number;
  /** The stored size a client's update may not take a document past. */
  readonly maxDocBytes: number;
  /** How often every socket is pinged; one that did not answer the previous ping is terminated. */
  readonly heartbeatMs: number;
  /** How long a socket we closed may take to finish its close handshake before it is terminated. */
  readonly closeHandshakeMs: number;
}

/** The slice of a pino-style logger the relay uses. */
export interface RelayLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What the transport adapter feeds the relay for one socket. */
export interface ConnectionHandle {
  receive(frame: Uint8Array, isBinary: boolean): void;
  /** The peer answered a ping. */
  pong(): void;
  /** The socket is gone: its close handshake ended, it errored, or it was terminated. */
  closed(): void;
}

/** A document's place in the registry: at most one load and one unload in flight. */
interface Slot {
  room: Room | null;
  /** Updates appended since the last compaction, so a document loaded all day stays compact. */
  appendedSinceCompaction: number;
  /** The stored size the last compaction left (0 until one ran): bytes past twice it compact too. */
  compactedBytes: number;
  /** A compaction is scheduled or running. */
  compacting: boolean;
  loading: Promise<Room> | null;
  unloading: Promise<void> | null;
  holds: number;
  unloadTimer: NodeJS.Timeout | null;
}

/**
 * The framework-free relay: rooms of y-websocket connections over `RelaySocket`s,
 * with access checked before any document is loaded.
 */
export class Relay {
  readonly stats = createStats();
  private readonly slots = new Map<string, Slot>();
  /** Table connections reading another table's board while reveal is on, per workshop. */
  private readonly revealDependents = new Map<WorkshopId, Set<Connection>>();
  /** Workshops deleted while this process runs: nothing of theirs is loaded again. */
  private readonly retired = new Set<WorkshopId>();
  /** When each workshop's last activity was last recorded (for retention), to write it rarely. */
  private readonly lastTouched = new Map<WorkshopId, number>();
  private readonly sockets: Sockets;
  private shuttingDown = false;

  constructor(private readonly options: RelayOptions) {
    this.sockets = new Sockets(this.stats, options.maxConnectionsPerToken, options.heartbeatMs);
  }

  get loadedDocuments(): number {
    let count = 0;
    for (const slot of this.slots.values()) if (slot.room) count++;
    return count;
  }

  /** Sockets that are not gone yet: being checked, in a room, or still closing. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The loaded room of a document, if any (for tests and diagnostics). */
  loadedRoom(name: string): Room | null {
    return this.slots.get(name)?.room ?? null;
  }

  /**
   * Starts serving one socket. Call synchronously on upgrade: frames that arrive while the
   * token is checked and the document loads are kept in order and handled afterwards.
   */
  connect(socket: RelaySocket, name: string, token: string | undefined): ConnectionHandle {
    const conn = new Connection(socket, {
      onTooSlow: () => this.stats.errors.tooSlow++,
      onCloseTimeout: () => this.stats.errors.closeTimeout++,
      closeHandshakeMs: this.options.closeHandshakeMs,
    });
    this.stats.connectionsOpened++;
    let room: Room | null = null;
    if (this.sockets.admit(conn, token)) {
      this.admit(conn, name, token, (ready) => {
        room = ready;
      }).catch((error: unknown) => {
        this.options.log.error({ err: error, doc: name }, "could not open document");
        conn.close(CloseCode.InternalError);
      });
    }
    return {
      receive: (frame, isBinary) => {
        if (!conn.isOpen) return;
        const message = this.decode(conn, frame, isBinary);
        if (message === null) return;
        if (room !== null) {
          room.enqueue(conn, message);
          return;
        }
        conn.backlog.push(message);
        conn.backlogBytes += frame.byteLength;
        if (conn.backlogBytes > this.options.maxBacklogBytes) {
          this.stats.errors.backlogOverflow++;
          conn.close(CloseCode.PolicyViolation, "too much sent before the document was ready");
        }
      },
      pong: () => conn.pong(),
      closed: () => conn.socketGone(),
    };
  }

  /**
   * Closes every connection of a deleted workshop with 4410 and discards its documents
   * without writing anything more. Resolves once no write of theirs is in flight.
   */
  async retireWorkshop(workshopId: WorkshopId): Promise<void> {
    this.retired.add(workshopId);
    const rooms: Room[] = [];
    for (const [name, slot] of this.slots) {
      if (!name.startsWith(`${workshopId}/`) || slot.room === null) continue;
      rooms.push(slot.room);
      slot.room.destroy(CloseCode.Gone);
    }
    await Promise.all(rooms.map((room) => room.settled()));
  }

  /**
   * Changes a document on the server's own behalf, loading it if needed: the change is
   * stored and reaches every connected client like any other update.
   */
  async changeDoc(ref: DocRef, edit: (doc: Y.Doc) => void): Promise<void> {
    if (this.retired.has(ref.workshopId)) throw new Error(`workshop ${ref.workshopId} was deleted`);
    const name = docName(ref);
    const { slot, room } = await this.acquire(name, ref);
    try {
      await room.change(edit);
    } finally {
      this.release(name, slot);
    }
  }

  /** Graceful shutdown: refuse new sockets, close open ones with `code`, finish every write. */
  async close(code: typeof CloseCode.ServiceRestart | typeof CloseCode.GoingAway): Promise<void> {
    this.shuttingDown = true;
    this.sockets.stop();
    const rooms: Room[] = [];
    for (const slot of this.slots.values()) {
      if (slot.unloadTimer) clearTimeout(slot.unloadTimer);
      if (slot.room) rooms.push(slot.room);
    }
    for (const room of rooms) for (const conn of [...room.connections]) conn.close(code);
    await Promise.all(rooms.map((room) => room.settled()));
    for (const room of rooms) room.destroy(null);
    this.slots.clear();
  }

  private decode(conn: Connection, frame: Uint8Array, isBinary: boolean): ClientMessage | null {
    if (!isBinary) {
      this.stats.errors.invalidMessage++;
      conn.close(CloseCode.InvalidMessage, "text frames are not part of the protocol");
      return null;
    }
    try {
      return decodeMessage(frame);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.stats.errors.invalidMessage++;
      this.options.log.warn({ conn: conn.id, reason: error.message }, "malformed message");
      conn.close(CloseCode.InvalidMessage, error.message);
      return null;
    }
  }

  private async admit(
    conn: Connection,
    name: string,
    token: string | undefined,
    ready: (room: Room) => void,
  ): Promise<void> {
    if (this.shuttingDown) return conn.close(CloseCode.ServiceRestart);
    const decision = await decideAccess(
      { store: this.options.store, isRevealed: (ref) => this.readRevealed(ref) },
      name,
      token,
    );
    if (!decision.ok) {
      this.stats.connectionsRefused++;
      return conn.close(decision.code);
    }
    if (!conn.isOpen) return;
    const { ref, principal, access } = decision;
    conn.principal = principal;
    conn.ref = ref;
    conn.access = access;

    const { slot, room } = await this.acquire(name, ref);
    conn.onClose(() => this.release(name, slot));
    if (!conn.isOpen) return;
    if (this.retired.has(ref.workshopId) || room.isDestroyed) return conn.close(CloseCode.Gone);
    if (this.shuttingDown) return conn.close(CloseCode.ServiceRestart);
    if (dependsOnReveal(principal, ref)) await this.trackRevealDependent(conn, ref);
    if (!conn.isOpen) return;
    ready(room);
    room.join(conn);
  }

  private async readRevealed(ref: DocRef): Promise<boolean> {
    const name = docName(metaDoc(ref.workshopId));
    const { slot, room } = await this.acquire(name, metaDoc(ref.workshopId));
    try {
      return isRevealed(room.doc);
    } finally {
      this.release(name, slot);
    }
  }

  /** Keeps the meta document loaded while a reader depends on reveal, so turning it off is seen. */
  private async trackRevealDependent(conn: Connection, ref: DocRef): Promise<void> {
    const name = docName(metaDoc(ref.workshopId));
    const { slot } = await this.acquire(name, metaDoc(ref.workshopId));
    let dependents = this.revealDependents.get(ref.workshopId);
    if (dependents === undefined) {
      dependents = new Set();
      this.revealDependents.set(ref.workshopId, dependents);
    }
    dependents.add(conn);
    conn.onClose(() => {
      dependents.delete(conn);
      if (dependents.size === 0) this.revealDependents.delete(ref.workshopId);
      this.release(name, slot);
    });
  }

  private revealChanged(workshopId: WorkshopId, room: Room): void {
    if (isRevealed(room.doc)) return;
    for (const conn of [...(this.revealDependents.get(workshopId) ?? [])]) {
      conn.close(CloseCode.Forbidden, "tables are no longer revealed");
    }
  }

  private async acquire(name: string, ref: DocRef): Promise<{ slot: Slot; room: Room }> {
    for (;;) {
      const existing = this.slots.get(name);
      if (existing?.unloading) {
        await existing.unloading;
        continue;
      }
      const slot = existing ?? this.newSlot(name, ref);
      slot.holds++;
      if (slot.unloadTimer) {
        clearTimeout(slot.unloadTimer);
        slot.unloadTimer = null;
      }
      if (slot.room) return { slot, room: slot.room };
      if (slot.loading === null) throw new Error(`document ${name} is neither loaded nor loading`);
      try {
        return { slot, room: await slot.loading };
      } catch (error) {
        slot.holds--;
        throw error;
      }
    }
  }

  private newSlot(name: string, ref: DocRef): Slot {
    const slot: Slot = {
      room: null,
      appendedSinceCompaction: 0,
      compactedBytes: 0,
      compacting: false,
      loading: null,
      unloading: null,
      holds: 0,
      unloadTimer: null,
    };
    this.slots.set(name, slot);
    slot.loading = this.load(name, ref, slot);
    // Callers await `loading`; a failure is theirs to report, not an unhandled rejection.
    slot.loading.catch(() => {});
    return slot;
  }

  private async load(name: string, ref: DocRef, slot: Slot): Promise<Room> {
    try {
      const stored = await this.options.store.loadDoc(name);
      const room = new Room(name, ref, stored, {
        persist: async (updates) => {
          const started = performance.now();
          await this.options.store.appendUpdates(name, updates);
          observeStoreWrite(this.stats, (performance.now() - started) / 1000);
          this.touch(ref.workshopId);
          slot.appendedSinceCompaction += updates.length;
          if (slot.appendedSinceCompaction > this.options.compactAfter) {
            slot.appendedSinceCompaction = 0;
            this.compactSoon(name, ref, slot, this.options.compactAfter + 1);
          } else if (room.storedBytes > Math.max(this.options.maxDocBytes / 2, 2 * slot.compactedBytes)) {
            // The size cap counts stored bytes, log included: a document rewritten over and over
            // (a timer, text typed and deleted) must not fill up with history it would compact away.
            this.compactSoon(name, ref, slot, 1);
          }
        },
        stats: this.stats,
        maxAwarenessStateChars: this.options.maxAwarenessStateChars,
        onFailure: (error) => this.fail(name, slot, room, error),
        maxDocBytes: this.options.maxDocBytes,
        onFull: (conn, updateBytes) =>
          this.options.log.warn(
            { conn: conn.id, doc: name, storedBytes: room.storedBytes, updateBytes },
            "update refused: the document would pass MAX_DOC_BYTES",
          ),
      });
      if (ref.kind === "meta") {
        room.doc.getMap("workshop").observe((event) => {
          if (event.keysChanged.has("revealed")) this.revealChanged(ref.workshopId, room);
        });
      }
      slot.room = room;
      slot.loading = null;
      this.stats.roomsLoaded++;
      if (stored.length > this.options.compactAfter)
        this.compactSoon(name, ref, slot, this.options.compactAfter + 1);
      return room;
    } catch (error) {
      if (this.slots.get(name) === slot) this.slots.delete(name);
      throw error;
    }
  }

  /** Releases a hold on the slot it was taken on (which may since have been replaced). */
  private release(name: string, slot: Slot): void {
    if (slot.holds === 0) return;
    slot.holds--;
    if (slot.holds > 0 || this.shuttingDown || this.slots.get(name) !== slot) return;
    slot.unloadTimer = setTimeout(() => this.unload(name, slot), this.options.unloadGraceMs);
    slot.unloadTimer.unref();
  }

  private unload(name: string, slot: Slot): void {
    slot.unloadTimer = null;
    const room = slot.room;
    if (slot.holds > 0 || room === null || slot.unloading) return;
    slot.unloading = (async () => {
      await room.settled();
      room.destroy(null);
      this.stats.roomsUnloaded++;
      await this.compactIfLong(name, room.ref, this.options.compactAfter + 1);
    })()
      .catch((error: unknown) => this.options.log.error({ err: error, doc: name }, "unload failed"))
      .finally(() => {
        if (this.slots.get(name) === slot) this.slots.delete(name);
      });
  }

  private fail(name: string, slot: Slot, room: Room, error: unknown): void {
    // A deleted workshop's last write is refused by the store on purpose: nothing to report.
    if (this.retired.has(room.ref.workshopId)) return;
    this.stats.errors.storeFailure++;
    this.options.log.error({ err: error, doc: name }, "store refused a write; closing the document");
    // Clients keep their edits and send them again when they reconnect to a fresh load.
    room.destroy(CloseCode.InternalError);
    if (this.slots.get(name) === slot) this.slots.delete(name);
  }

  private touch(workshopId: WorkshopId): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(workshopId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(workshopId, now);
    this.options.store.touchWorkshop(workshopId, now).catch((error: unknown) => {
      if (!this.retired.has(workshopId)) this.options.log.warn({ err: error }, "could not record activity");
    });
  }

  /** Compacts after the current batch, if the log then has at least `minEntries`; one at a time. */
  private compactSoon(name: string, ref: DocRef, slot: Slot, minEntries: number): void {
    if (slot.compacting) return;
    slot.compacting = true;
    setImmediate(() => {
      this.compactIfLong(name, ref, minEntries)
        .then((compacted) => (compacted ? this.remeasure(name, slot) : undefined))
        .catch((error: unknown) => this.options.log.error({ err: error, doc: name }, "compaction failed"))
        .finally(() => {
          slot.compacting = false;
        });
    });
  }

  private async compactIfLong(name: string, ref: DocRef, minEntries: number): Promise<boolean> {
    if (this.retired.has(ref.workshopId)) return false;
    if ((await this.options.store.logLength(name)) < minEntries) return false;
    await this.options.store.compactDoc(name);
    return true;
  }

  /** After a compaction, the loaded room's stored size starts again from the rows as they are now. */
  private async remeasure(name: string, slot: Slot): Promise<void> {
    const room = slot.room;
    if (room === null || room.isDestroyed || this.retired.has(room.ref.workshopId)) return;
    // Read right before the rows: appends after this mark are counted on top of what is read.
    const appendedAtRead = room.bytesAppended;
    const rows = await this.options.store.loadDoc(name);
    if (slot.room !== room || room.isDestroyed) return;
    room.rebaseStoredBytes(byteLength(rows), appendedAtRead);
    slot.compactedBytes = room.storedBytes;
  }
}
