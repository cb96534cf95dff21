import { type CloseCode, closeReasons } from "../../shared/closeCodes.ts";
import type { DocRef } from "../../shared/docNames.ts";
import type { Access, Principal } from "../../shared/permissions.ts";
import type { ClientMessage } from "./protocol.ts";
import type { RelaySocket } from "./socket.ts";

let nextConnectionId = 1;

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
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly socket: RelaySocket) {}

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
    this.socket.send(frame);
  }

  /** Closes with a named code. Idempotent; the reason defaults to the code's name. */
  close(code: CloseCode, reason: string = closeReasons[code]): void {
    if (this.closed) return;
    this.markClosed();
    this.socket.close(code, reason);
  }

  /** The socket closed on its own (the client left or the network dropped). */
  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }
}
