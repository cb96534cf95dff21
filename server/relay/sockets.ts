import { CloseCode } from "../../shared/closeCodes.ts";
import { hashToken, looksLikeToken } from "../auth/tokens.ts";
import type { Connection } from "./connection.ts";
import type { RelayStats } from "./stats.ts";

/**
 * Every socket from its upgrade until it is gone, whether or not it reached a room: counted per
 * token against a cap, and kept alive (or cut) by one heartbeat for all of them.
 */
export class Sockets {
  private readonly live = new Set<Connection>();
  /** Open sockets per token (keyed by the token's hash, never the token itself). */
  private readonly perToken = new Map<string, number>();
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(
    private readonly stats: RelayStats,
    private readonly maxPerToken: number,
    heartbeatMs: number,
  ) {
    this.heartbeatTimer = setInterval(() => this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Sockets that are not gone yet: being checked, in a room, or still closing. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Tracks a new socket and counts it against its token, synchronously on upgrade so that a burst
   * of sockets cannot all pass while their tokens are checked. Over the cap it is refused (4429)
   * before anything about the document is read, and false is returned. A malformed token is not
   * counted: the access check refuses it. The slot is freed when the socket is gone, not when its
   * close starts.
   */
  admit(conn: Connection, token: string | undefined): boolean {
    this.live.add(conn);
    conn.onGone(() => this.live.delete(conn));
    if (!looksLikeToken(token)) return true;
    const key = hashToken(token);
    const open = this.perToken.get(key) ?? 0;
    if (open >= this.maxPerToken) {
      this.stats.connectionsRefused++;
      this.stats.errors.tooManyConnections++;
      conn.close(CloseCode.TooManyConnections);
      return false;
    }
    this.perToken.set(key, open + 1);
    conn.onGone(() => {
      const left = (this.perToken.get(key) ?? 1) - 1;
      if (left > 0) this.perToken.set(key, left);
      else this.perToken.delete(key);
    });
    return true;
  }

  stop(): void {
    clearInterval(this.heartbeatTimer);
  }

  /**
   * One beat: a socket that has not answered the previous ping is terminated (a tablet whose
   * Wi-Fi vanished without a close, or a client stuck mid-frame, which cannot answer); the others
   * are pinged. So a dead peer is gone within two beats. Sockets we are closing are left to their
   * close-handshake deadline.
   */
  private heartbeat(): void {
    for (const conn of this.live) {
      if (!conn.isOpen) continue;
      if (conn.awaitingPong) {
        this.stats.errors.heartbeatTimeout++;
        conn.terminate();
      } else {
        conn.ping();
      }
    }
  }
}
