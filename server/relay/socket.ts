/**
 * The minimal socket the relay needs. The Fastify route adapts a `ws` WebSocket to it;
 * tests and benchmarks can adapt anything else.
 */
export interface RelaySocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet sent: a reader that never reads shows up here. */
  readonly bufferedAmount: number;
}
