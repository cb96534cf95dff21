import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { onTestFinished } from "vitest";
import WebSocket from "ws";
import { type ClientMessage, decodeMessage, encodeSyncStep1 } from "../../server/relay/protocol.ts";
import { eventually } from "./eventually.ts";
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
  /** `ws` client options, e.g. `{ autoPong: false }` for a peer that stopped answering pings. */
  options?: WebSocket.ClientOptions,
): RawSocket {
  const ws = new WebSocket(`${server.syncUrl}/${docName}?token=${encodeURIComponent(token)}`, options);
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

/**
 * Resolves once the server let the socket into its document's room: it answered the empty sync
 * step 1 sent here (a client with nothing). Works whether the document was loaded or cold.
 */
export async function awaitAdmitted(raw: RawSocket, timeoutMs = 5_000): Promise<void> {
  await raw.opened;
  raw.send(encodeSyncStep1(new Uint8Array([0])));
  await eventually(() => {
    if (!raw.received.some((m) => m.type === "sync-step2")) throw new Error("no sync step 2 yet");
  }, timeoutMs);
}

/**
 * A plain TCP socket to the server's host and port, destroyed when the test finishes: for clients
 * that misbehave below HTTP (sending headers a byte at a time, or nothing at all).
 */
export async function openTcpSocket(server: Pick<TestServer, "url">): Promise<Socket> {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  onTestFinished(() => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/**
 * Upgrades a TCP socket to a sync WebSocket by hand, so a test can then write any bytes at any pace
 * (a frame a byte at a time). Resolves once the server answered 101.
 */
export async function upgradeByHand(
  server: Pick<TestServer, "url">,
  docName: string,
  token: string,
): Promise<Socket> {
  const socket = await openTcpSocket(server);
  const { host } = new URL(server.url);
  socket.write(
    [
      `GET /sync/${docName}?token=${encodeURIComponent(token)} HTTP/1.1`,
      `Host: ${host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n"),
  );
  const head = await new Promise<string>((resolve, reject) => {
    let received = "";
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      resolve(received.slice(0, end));
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed during the upgrade: ${JSON.stringify(received)}`)));
  });
  if (!head.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
  // Whatever the server sends from now on is read and dropped: this client only writes.
  socket.on("data", () => {});
  return socket;
}

/** One binary WebSocket frame as a client must send it (masked), payload up to 64 KiB. */
export function clientFrame(payload: Uint8Array): Uint8Array {
  if (payload.byteLength > 0xffff) throw new Error("payload too long for this helper");
  const header =
    payload.byteLength < 126
      ? [0x82, 0x80 | payload.byteLength]
      : [0x82, 0x80 | 126, payload.byteLength >> 8, payload.byteLength & 0xff];
  const mask = randomBytes(4);
  const masked = payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0));
  return new Uint8Array([...header, ...mask, ...masked]);
}
