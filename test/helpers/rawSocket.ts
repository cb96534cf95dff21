import { onTestFinished } from "vitest";
import WebSocket from "ws";
import { type ClientMessage, decodeMessage } from "../../server/relay/protocol.ts";
import type { TestServer } from "./server.ts";

export interface RawSocket {
  readonly ws: WebSocket;
  /** Every message the server sent, decoded, in order. */
  readonly received: ClientMessage[];
  /** Resolves once the socket is open. */
  readonly opened: Promise<void>;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array | string): void;
}

/**
 * A bare WebSocket on `/sync/<docName>`: for sending exactly the bytes a test wants,
 * malformed ones included. Closed when the test finishes.
 */
export function openRawSocket(
  server: Pick<TestServer, "syncUrl">,
  docName: string,
  token: string,
): RawSocket {
  const ws = new WebSocket(`${server.syncUrl}/${docName}?token=${encodeURIComponent(token)}`);
  ws.binaryType = "nodebuffer";
  const received: ClientMessage[] = [];
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) received.push(decodeMessage(new Uint8Array(data)));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  opened.catch(() => {});
  onTestFinished(() => ws.terminate());
  return {
    ws,
    received,
    opened,
    closed,
    send: (frame) => ws.send(frame),
  };
}
