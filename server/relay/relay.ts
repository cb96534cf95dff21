import type * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import { type DocRef, docName, metaDoc } from "../../shared/docNames.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import { dependsOnReveal } from "../../shared/permissions.ts";
import { isRevealed } from "../../shared/schema/meta.ts";
import type { Store } from "../store/store.ts";
import { decideAccess } from "./access.ts";
import { Connection } from "./connection.ts";
import { Documents } from "./documents.ts";
import type { RelayLog } from "./log.ts";
import { type ClientMessage, decodeMessage, ProtocolError } from "./protocol.ts";
import type { Room } from "./room.ts";
import type { RelaySocket } from "./socket.ts";
import { Sockets } from "./sockets.ts";
import { createStats } from "./stats.ts";

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

export type { RelayLog } from "./log.ts";

/** What the transport adapter feeds the relay for one socket. */
export interface ConnectionHandle {
  receive(frame: Uint8Array, isBinary: boolean): void;
  /** The peer answered a ping. */
  pong(): void;
  /** The socket is gone: its close handshake ended, it errored, or it was terminated. */
  closed(): void;
}

/**
 * The framework-free relay: rooms of y-websocket connections over `RelaySocket`s,
 * with access checked before any document is loaded.
 */
export class Relay {
  readonly stats = createStats();
  private readonly documents: Documents;
  /** Table connections reading another table's board while reveal is on, per workshop. */
  private readonly revealDependents = new Map<WorkshopId, Set<Connection>>();
  /** Workshops deleted while this process runs: nothing of theirs is loaded again. */
  private readonly retired = new Set<WorkshopId>();
  private readonly sockets: Sockets;
  private shuttingDown = false;

  constructor(private readonly options: RelayOptions) {
    this.sockets = new Sockets(this.stats, options.maxConnectionsPerToken, options.heartbeatMs);
    this.documents = new Documents({
      store: options.store,
      log: options.log,
      stats: this.stats,
      unloadGraceMs: options.unloadGraceMs,
      maxAwarenessStateChars: options.maxAwarenessStateChars,
      compactAfter: options.compactAfter,
      maxDocBytes: options.maxDocBytes,
      isRetired: (workshopId) => this.retired.has(workshopId),
      onLoaded: (room) => {
        if (room.ref.kind !== "meta") return;
        room.doc.getMap("workshop").observe((event) => {
          if (event.keysChanged.has("revealed")) this.revealChanged(room.ref.workshopId, room);
        });
      },
    });
  }

  get loadedDocuments(): number {
    return this.documents.loadedCount;
  }

  /** Sockets that are not gone yet: being checked, in a room, or still closing. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The loaded room of a document, if any (for tests and diagnostics). */
  loadedRoom(name: string): Room | null {
    return this.documents.loaded(name);
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
    const rooms = this.documents.loadedUnder(`${workshopId}/`);
    for (const room of rooms) room.destroy(CloseCode.Gone);
    await Promise.all(rooms.map((room) => room.settled()));
  }

  /**
   * Changes a document on the server's own behalf, loading it if needed: the change is
   * stored and reaches every connected client like any other update.
   */
  async changeDoc(ref: DocRef, edit: (doc: Y.Doc) => void): Promise<void> {
    if (this.retired.has(ref.workshopId)) throw new Error(`workshop ${ref.workshopId} was deleted`);
    const hold = await this.documents.hold(docName(ref), ref);
    try {
      await hold.room.change(edit);
    } finally {
      hold.release();
    }
  }

  /** Graceful shutdown: refuse new sockets, close open ones with `code`, finish every write. */
  async close(code: typeof CloseCode.ServiceRestart | typeof CloseCode.GoingAway): Promise<void> {
    this.shuttingDown = true;
    this.sockets.stop();
    const rooms = this.documents.close();
    for (const room of rooms) for (const conn of [...room.connections]) conn.close(code);
    await Promise.all(rooms.map((room) => room.settled()));
    for (const room of rooms) room.destroy(null);
    this.documents.clear();
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

    const { room, release } = await this.documents.hold(name, ref);
    conn.onClose(release);
    if (!conn.isOpen) return;
    if (this.retired.has(ref.workshopId) || room.isDestroyed) return conn.close(CloseCode.Gone);
    if (this.shuttingDown) return conn.close(CloseCode.ServiceRestart);
    if (dependsOnReveal(principal, ref)) await this.trackRevealDependent(conn, ref);
    if (!conn.isOpen) return;
    ready(room);
    room.join(conn);
  }

  private async readRevealed(ref: DocRef): Promise<boolean> {
    const meta = metaDoc(ref.workshopId);
    const hold = await this.documents.hold(docName(meta), meta);
    try {
      return isRevealed(hold.room.doc);
    } finally {
      hold.release();
    }
  }

  /** Keeps the meta document loaded while a reader depends on reveal, so turning it off is seen. */
  private async trackRevealDependent(conn: Connection, ref: DocRef): Promise<void> {
    const meta = metaDoc(ref.workshopId);
    const hold = await this.documents.hold(docName(meta), meta);
    let dependents = this.revealDependents.get(ref.workshopId);
    if (dependents === undefined) {
      dependents = new Set();
      this.revealDependents.set(ref.workshopId, dependents);
    }
    dependents.add(conn);
    conn.onClose(() => {
      dependents.delete(conn);
      if (dependents.size === 0) this.revealDependents.delete(ref.workshopId);
      hold.release();
    });
  }

  private revealChanged(workshopId: WorkshopId, room: Room): void {
    if (isRevealed(room.doc)) return;
    for (const conn of [...(this.revealDependents.get(workshopId) ?? [])]) {
      conn.close(CloseCode.Forbidden, "tables are no longer revealed");
    }
  }
}
