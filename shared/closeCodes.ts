/**
 * WebSocket close codes of the relay. 44xx are final refusals: the y-websocket
 * client and ours stop retrying. 1001/1012 ask clients to reconnect.
 */
export const CloseCode = {
  /** No valid token. */
  Unauthorized: 4401,
  /** Token valid but not allowed on this document (or no longer: reveal turned off). */
  Forbidden: 4403,
  /** No such workshop or document. */
  NotFound: 4404,
  /** The workshop was deleted for good. */
  Gone: 4410,
  /** The document reached MAX_DOC_BYTES: the update that would pass it was not applied. */
  DocumentFull: 4413,
  /** This token already has MAX_CONNECTIONS_PER_TOKEN connections open. */
  TooManyConnections: 4429,
  /** Frame larger than MAX_MESSAGE_BYTES. */
  MessageTooBig: 1009,
  /** Malformed message: not binary, not y-websocket, or not a valid update. */
  InvalidMessage: 1007,
  /** Too much sent before the document was ready, or another abuse of the protocol. */
  PolicyViolation: 1008,
  /** Unexpected server-side failure (for example the store refused a write). */
  InternalError: 1011,
  /** The server is restarting; reconnect. */
  ServiceRestart: 1012,
  /** The server is going away; reconnect. */
  GoingAway: 1001,
  /** The client did not read what we sent (too much buffered); reconnect and resync. */
  TooSlow: 1013,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const closeReasons: Record<CloseCode, string> = {
  [CloseCode.Unauthorized]: "no valid token",
  [CloseCode.Forbidden]: "not allowed on this document",
  [CloseCode.NotFound]: "no such workshop or document",
  [CloseCode.Gone]: "workshop deleted",
  [CloseCode.DocumentFull]: "document is full",
  [CloseCode.TooManyConnections]: "too many connections for this token",
  [CloseCode.MessageTooBig]: "message too big",
  [CloseCode.InvalidMessage]: "malformed message",
  [CloseCode.PolicyViolation]: "policy violation",
  [CloseCode.InternalError]: "internal error",
  [CloseCode.ServiceRestart]: "server restarting",
  [CloseCode.GoingAway]: "server going away",
  [CloseCode.TooSlow]: "reader too slow",
};

/** Refusals the client must not retry. */
export function isFinalClose(code: number): boolean {
  return code >= 4400 && code <= 4499;
}
