import * as awarenessProtocol from "y-protocols/awareness";
import type * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import { Connection } from "./connection.ts";
import {
  type AwarenessEntry,
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessUpdate,
  ProtocolError,
} from "./protocol.ts";
import type { RelayStats } from "./stats.ts";

/**
 * How often, at most, a room sends its presence changes: every change since the last flush goes
 * out together, as one awareness frame per reader. Every frame costs a kernel write per reader, so
 * a reader gets at most 1000 / PRESENCE_FLUSH_MS presence frames a second however many devices
 * change (10 tablets at 1 Hz: 4 instead of 10). 4 Hz is still live for what Samla shows (which
 * device edits which note, a caret); a change after a quiet spell goes out at once (leading edge).
 */
export const PRESENCE_FLUSH_MS = 250;

/**
 * A room's presence (y-protocols awareness), guarded: one client id per connection, a size cap
 * per state and a rate per connection, so forging others' ids or flooding changes nothing for
 * anyone else and never amplifies traffic. Changes are coalesced: see `PRESENCE_FLUSH_MS`.
 */
export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  /** Which open connection speaks for each awareness client id, so no one can take over another's. */
  private readonly owners = new Map<number, Connection>();
  /**
   * Client ids changed (added, updated or removed) since the last flush, each with the connection
   * whose own update made its latest change (null for a leave or the awareness' 30 s timeout):
   * that connection is not sent the change back.
   */
  private changed = new Map<number, Connection | null>();
  private flushTimer: NodeJS.Timeout | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
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
    this.awareness.on("update", this.collect);
  }

  /** Whether changes are waiting for the next flush (for diagnostics and tests). */
  get flushScheduled(): boolean {
    return this.flushTimer !== null;
  }

  /** Sends `conn` everyone's presence (on joining), if there is any: at once, not at the next flush. */
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

  /** A connection left: its client id is free again, and the others learn at the next flush that it is gone. */
  leave(conn: Connection): void {
    const clientId = conn.awarenessClientId;
    if (clientId === null) return;
    if (this.owners.get(clientId) === conn) this.owners.delete(clientId);
    if (!this.destroyed && this.awareness.getStates().has(clientId)) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [clientId], null);
    }
  }

  /** Stops relaying: changes not flushed yet are dropped, and nothing is sent from now on. */
  destroy(): void {
    this.destroyed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.changed.clear();
    this.awareness.off("update", this.collect);
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

  private readonly collect = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (this.destroyed) return;
    // `apply` passes the connection as the origin; a leave passes null, the awareness' timeout "timeout".
    const from = origin instanceof Connection ? origin : null;
    for (const ids of [change.added, change.updated, change.removed]) {
      for (const clientId of ids) this.changed.set(clientId, from);
    }
    if (this.changed.size === 0 || this.flushTimer !== null) return;
    // Leading edge: after a quiet spell the change goes out on the next turn of the event loop
    // (collecting whatever else arrived in the same one); otherwise one interval after the last flush.
    const delay = Math.max(0, this.lastFlushAt + PRESENCE_FLUSH_MS - performance.now());
    this.flushTimer = setTimeout(this.flush, delay);
    this.flushTimer.unref();
  };

  /**
   * Sends every change since the last flush, as the states are now, in one frame per reader. A
   * reader is not sent the change it made itself: it already has its own state, and its echo would
   * cost bytes on the venue's Wi-Fi (and a parse on the tablet) for nothing. So a sole changer gets
   * no frame at all; with several changers, everyone else shares one frame and each changer gets
   * one without its own entry. That costs no extra writes (each reader gets at most one frame
   * either way), only encoding one small frame per changer: about a microsecond each, where every
   * frame's send costs a writev of tens of microseconds.
   */
  private readonly flush = (): void => {
    this.flushTimer = null;
    this.lastFlushAt = performance.now();
    if (this.destroyed || this.changed.size === 0) return;
    const changed = this.changed;
    this.changed = new Map();
    const states = this.awareness.getStates();
    const entries = new Map<number, AwarenessEntry>();
    /** Per connection that made a change: the client ids it is not sent back. */
    const madeBy = new Map<Connection, number[]>();
    for (const [clientId, from] of changed) {
      const clock = this.awareness.meta.get(clientId)?.clock ?? 0;
      entries.set(clientId, { clientId, clock, state: JSON.stringify(states.get(clientId) ?? null) });
      if (from === null) continue;
      const own = madeBy.get(from);
      if (own === undefined) madeBy.set(from, [clientId]);
      else own.push(clientId);
    }
    let shared: Uint8Array | null = null;
    // A send can close a reader that stopped reading; its leave is collected for the next flush.
    for (const conn of [...this.audience]) {
      const own = madeBy.get(conn);
      if (own === undefined) {
        shared ??= awarenessFrame([...entries.values()]);
        conn.send(shared);
        continue;
      }
      if (own.length === entries.size) continue;
      const others: AwarenessEntry[] = [];
      for (const [clientId, entry] of entries) if (!own.includes(clientId)) others.push(entry);
      conn.send(awarenessFrame(others));
    }
  };
}

/** An awareness message carrying these entries. */
function awarenessFrame(entries: readonly AwarenessEntry[]): Uint8Array {
  return encodeAwareness(encodeAwarenessUpdate(entries));
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
