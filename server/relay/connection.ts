import { CloseCode, closeReasons } from "../../shared/closeCodes.ts";
import type { DocRef } from "../../shared/docNames.ts";
import type { Access, Principal } from "../../shared/permissions.ts";
import type { AwarenessEntry, ClientMessage } from "./protocol.ts";
import type { RelaySocket } from "./socket.ts";

let nextConnectionId = 1;

/**
 * Bytes a socket may have queued (unsent to a reader that does not read) before we stop
 * buffering for it and close it. Checked before each send, so one frame larger than this
 * (a big document's first sync) still goes out; only a reader that does not drain it is cut.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Awareness updates per connection: a burst, then a steady rate (token bucket). */
export const AWARENESS_BURST = 10;
export const AWARENESS_PER_SECOND = 5;

export interface ConnectionOptions {
  /** Called once when this connection is closed for not reading what we send. */
  readonly onTooSlow: () => void;
  /** Called when a socket we closed had to be terminated because its close handshake did not end. */
  readonly onCloseTimeout: () => void;
  /** How long a socket we closed may take to finish the close handshake before it is terminated. */
  readonly closeHandshakeMs: number;
}

/** One client socket on one document, from the upgrade until it closes. */
export class Connection {
  readonly id = nextConnectionId++;
  /** Set once the token is checked. */
  principal: Principal | null = null;
  ref: DocRef | null = null;
  access: Access = "none";
  /** The one awareness client id this connection may speak for, bound by its first awareness entry. */
  awarenessClientId: number | null = null;
  /** A resync (our sync step 1) was asked for after an update with missing dependencies. */
  resyncRequested = false;
  /** Messages that arrived before the document was ready. */
  readonly backlog: ClientMessage[] = [];
  backlogBytes = 0;
  /** The code we closed this connection with; null while open or if the client closed it. */
  closeCode: CloseCode | null = null;
  /** Awareness tokens left, and when they were last refilled (ms). */
  awarenessTokens = AWARENESS_BURST;
  awarenessRefilledAt = Date.now();
  /** The newest rate-limited awareness update, applied once a token is free (so presence is not stale). */
  deferredAwareness: readonly AwarenessEntry[] | null = null;
  deferredTimer: NodeJS.Timeout | null = null;
  /** A heartbeat ping went out and its pong has not come back yet. */
  awaitingPong = false;
  private closed = false;
  /** The socket itself is gone (its close handshake ended, or it was terminated). */
  private gone = false;
  private closeTimer: NodeJS.Timeout | null = null;
  private readonly closeListeners: (() => void)[] = [];
  private readonly goneListeners: (() => void)[] = [];

  constructor(
    private readonly socket: RelaySocket,
    private readonly options: ConnectionOptions,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  get canWrite(): boolean {
    return this.access === "write";
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    // A reader that never reads would make us buffer every frame of the room without bound.
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.options.onTooSlow();
      this.close(CloseCode.TooSlow);
      return;
    }
    this.socket.send(frame);
  }

  /** Takes an awareness token if one is free (refilling at AWARENESS_PER_SECOND). */
  takeAwarenessToken(now = Date.now()): boolean {
    const refill = ((now - this.awarenessRefilledAt) / 1000) * AWARENESS_PER_SECOND;
    this.awarenessTokens = Math.min(AWARENESS_BURST, this.awarenessTokens + refill);
    this.awarenessRefilledAt = now;
    if (this.awarenessTokens < 1) return false;
    this.awarenessTokens -= 1;
    return true;
  }

  /** Milliseconds until the next awareness token is free. */
  msUntilAwarenessToken(): number {
    return Math.max(0, Math.ceil(((1 - this.awarenessTokens) / AWARENESS_PER_SECOND) * 1000));
  }

  /**
   * Closes with a named code. Idempotent; the reason defaults to the code's name. A peer that does
   * not finish the close handshake in time (a reader that never reads still holds everything we
   * buffered for it, close frame included) is terminated, rather than left to `ws`'s own 30 s.
   */
  close(code: CloseCode, reason: string = closeReasons[code]): void {
    if (this.closed) return;
    this.closeCode = code;
    this.markClosed();
    this.socket.close(code, reason);
    if (this.gone) return;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      if (this.gone) return;
      this.options.onCloseTimeout();
      this.socket.terminate();
    }, this.options.closeHandshakeMs);
    this.closeTimer.unref();
  }

  /** Drops the socket at once, without a close handshake (a peer that stopped answering). */
  terminate(): void {
    this.markClosed();
    if (!this.gone) this.socket.terminate();
  }

  /** Sends a heartbeat ping; `pong` clears it. */
  ping(): void {
    this.awaitingPong = true;
    this.socket.ping();
  }

  pong(): void {
    this.awaitingPong = false;
  }

  /** The socket is gone for good: its resources are freed, and so is whatever it held. */
  socketGone(): void {
    if (this.gone) return;
    this.gone = true;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.markClosed();
    for (const listener of this.goneListeners.splice(0)) listener();
  }

  /** Runs once the socket is gone (later than `onClose` when we close: after the handshake). */
  onGone(listener: () => void): void {
    if (this.gone) listener();
    else this.goneListeners.push(listener);
  }

  /**
   * No more traffic either way: it leaves its room (and its presence goes). Called when we close
   * or terminate it, or when the socket is gone on its own (the client left or the network dropped).
   */
  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    this.deferredTimer = null;
    this.deferredAwareness = null;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }
}
