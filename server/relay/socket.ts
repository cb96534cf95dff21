/**
 * The minimal socket the relay needs. The Fastify route adapts a `ws` WebSocket to it;
 * tests and benchmarks can adapt anything else.
 */
export interface RelaySocket {
  send(frame: Uint8Array): void;
  /** Starts the close handshake; the adapter reports its end through `ConnectionHandle.closed`. */
  close(code: number, reason: string): void;
  /**
   * Drops the connection at once, without a close handshake: whatever is still buffered for it is
   * freed. For a peer that vanished or does not finish closing. Must still end in `closed`.
   */
  terminate(): void;
  /** Sends a WebSocket ping; the adapter reports the answer through `ConnectionHandle.pong`. */
  ping(): void;
  /** Bytes queued but not yet sent: a reader that never reads shows up here. */
  readonly bufferedAmount: number;
}
