import * as awarenessProtocol from "y-protocols/awareness";
import type * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import type { Connection } from "./connection.ts";
import { decodeAwarenessUpdate, encodeAwareness, encodeAwarenessUpdate, ProtocolError } from "./protocol.ts";
import type { RelayStats } from "./stats.ts";

/**
 * A room's presence (y-protocols awareness), guarded: one client id per connection, a size cap
 * per state and a rate per connection, so forging others' ids or flooding changes nothing for
 * anyone else and never amplifies traffic.
 */
export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  /** Which open connection speaks for each awareness client id, so no one can take over another's. */
  private readonly owners = new Map<number, Connection>();
  private destroyed = false;

  constructor(
    doc: Y.Doc,
    /** Everyone presence changes are relayed to (the room's connections, live). */
    private readonly audience: ReadonlySet<Connection>,
    private readonly stats: RelayStats,
    private readonly maxStateChars: number,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on("update", this.relay);
  }

  /** Sends `conn` everyone's presence (on joining), if there is any. */
  greet(conn: Connection): void {
    if (this.awareness.getStates().size > 0) this.sendAll(conn);
  }

  /** A query for everyone's presence: a one-byte message answered with every state would amplify, so it costs a token. */
  answerQuery(conn: Connection): void {
    if (!conn.takeAwarenessToken()) {
      this.stats.awarenessDropped++;
      return;
    }
    this.sendAll(conn);
  }

  apply(conn: Connection, update: Uint8Array): void {
    let entries: ReturnType<typeof decodeAwarenessUpdate>;
    try {
      entries = decodeAwarenessUpdate(update);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.stats.errors.invalidMessage++;
      conn.close(CloseCode.InvalidMessage, "invalid awareness update");
      return;
    }
    // One client id per connection: the first free one it speaks for. Others' entries are dropped.
    const own = entries.filter((entry) => {
      if (conn.awarenessClientId === null && this.owners.get(entry.clientId) === undefined) {
        conn.awarenessClientId = entry.clientId;
        this.owners.set(entry.clientId, conn);
      }
      return entry.clientId === conn.awarenessClientId && isSmallJson(entry.state, this.maxStateChars);
    });
    if (own.length < entries.length) this.stats.awarenessDropped += entries.length - own.length;
    if (own.length === 0) return;
    // Over the rate, only the newest update is kept and applied once a token is free:
    // a flood is cut to the rate, yet the last presence (a cursor at rest) is not lost.
    if (conn.deferredAwareness !== null || !conn.takeAwarenessToken()) {
      if (conn.deferredAwareness !== null) this.stats.awarenessDropped += conn.deferredAwareness.length;
      conn.deferredAwareness = own;
      this.scheduleDeferred(conn);
      return;
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(own), conn);
  }

  /** A connection left: its client id is free again and its presence is gone for the others. */
  leave(conn: Connection): void {
    const clientId = conn.awarenessClientId;
    if (clientId === null) return;
    if (this.owners.get(clientId) === conn) this.owners.delete(clientId);
    if (!this.destroyed && this.awareness.getStates().has(clientId)) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], null);
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.awareness.off("update", this.relay);
    this.awareness.destroy();
  }

  private sendAll(conn: Connection): void {
    const states = [...this.awareness.getStates().keys()];
    conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)));
  }

  private scheduleDeferred(conn: Connection): void {
    if (conn.deferredTimer !== null) return;
    conn.deferredTimer = setTimeout(() => {
      conn.deferredTimer = null;
      const entries = conn.deferredAwareness;
      if (entries === null || !conn.isOpen || this.destroyed) return;
      if (!conn.takeAwarenessToken()) {
        this.scheduleDeferred(conn);
        return;
      }
      conn.deferredAwareness = null;
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(entries), conn);
    }, conn.msUntilAwarenessToken());
    conn.deferredTimer.unref();
  }

  private readonly relay = (
    change: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ): void => {
    const changed = [...change.added, ...change.updated, ...change.removed];
    if (changed.length === 0) return;
    const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const conn of this.audience) conn.send(frame);
  };
}

function isSmallJson(state: string, maxChars: number): boolean {
  if (state.length > maxChars) return false;
  try {
    JSON.parse(state);
    return true;
  } catch {
    return false;
  }
}
