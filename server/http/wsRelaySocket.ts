import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { RelaySocket } from "../relay/socket.ts";
import { binaryFrame } from "./wsFrame.ts";

/**
 * What `ws` 8 keeps on a WebSocket and does not document: its TCP socket, and its frame sender
 * with the state (0: idle) and queue it uses while a frame is being compressed or a Blob read.
 */
interface WsInternals {
  readonly _socket?: Duplex | null;
  readonly _sender?: { readonly _state?: unknown; readonly _queue?: { readonly length: number } } | null;
}

/**
 * Frames already built, by the relay's frame: a room sends one frame object to every reader, so
 * it is framed once, not once per reader. Weak, so a frame goes when the relay lets go of it.
 */
const framed = new WeakMap<Uint8Array, Buffer>();

/**
 * The relay's view of a `ws` socket: one small object per socket, its methods shared.
 *
 * Sending writes the framed bytes straight to the TCP socket when `ws` has nothing of its own
 * queued (no compression here, no Blobs): one buffer, one write, where `ws.send` frames each
 * send anew and corks, writes header and payload apart, and uncorks into a two-buffer `writev`.
 * A room's frame goes to every reader, so that difference is paid once per reader: about a tenth
 * of the relay's CPU at a workshop's usual load (docs/performance.md). The bytes on the wire are
 * the same, in the same order, and `bufferedAmount` still counts them (it reads the socket's).
 */
export class WsRelaySocket implements RelaySocket {
  /** Frames written directly, and through `ws.send`; for tests. */
  static direct = 0;
  static viaWs = 0;

  constructor(private readonly socket: WebSocket) {}

  send(frame: Uint8Array): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const { _socket: tcp, _sender: sender } = this.socket as unknown as WsInternals;
    if (tcp?.writable === true && sender?._state === 0 && sender._queue?.length === 0) {
      let bytes = framed.get(frame);
      if (bytes === undefined) {
        bytes = binaryFrame(frame);
        framed.set(frame, bytes);
      }
      tcp.write(bytes);
      WsRelaySocket.direct++;
      return;
    }
    WsRelaySocket.viaWs++;
    this.socket.send(frame);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }
}
