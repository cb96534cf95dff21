import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { binaryFrame } from "../../server/http/wsFrame.ts";

/** RFC 6455 §1.3: the GUID the server's accept key is made with. */
const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Sends `bytes` as they are, right after a hand-made handshake, to a real `ws` client, and
 * resolves with the messages it read from them.
 */
async function readByClient(bytes: Buffer, expected: number): Promise<{ data: Buffer; isBinary: boolean }[]> {
  const server = createServer();
  server.on("upgrade", (request, socket) => {
    const accept = createHash("sha1")
      .update(`${request.headers["sec-websocket-key"]}${HANDSHAKE_GUID}`)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  onTestFinished(() => client.terminate());
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  return new Promise((resolve, reject) => {
    client.on("message", (data: Buffer, isBinary: boolean) => {
      messages.push({ data, isBinary });
      if (messages.length === expected) resolve(messages);
    });
    client.on("error", reject);
    client.on("close", (code) => reject(new Error(`closed with ${code} after ${messages.length} messages`)));
  });
}

function payload(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) % 256);
}

describe("binaryFrame", () => {
  it.each([
    // payload length → header bytes (RFC 6455 §5.2: 7-bit, 16-bit or 64-bit length)
    [0, [0x82, 0]],
    [1, [0x82, 1]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0, 126]],
    [65_535, [0x82, 126, 0xff, 0xff]],
    [65_536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    [70_000, [0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]],
  ])("frames %i bytes with the header %j, followed by the payload", (length, header) => {
    const data = payload(length);
    const frame = binaryFrame(data);
    expect([...frame.subarray(0, header.length)]).toEqual(header);
    expect(frame.byteLength).toBe(header.length + length);
    expect(frame.subarray(header.length).equals(data)).toBe(true);
  });

  it("is read back by a WebSocket client as the same binary messages, in order", async () => {
    const payloads = [0, 5, 125, 126, 4_000, 65_535, 65_536, 200_000].map(payload);
    const messages = await readByClient(Buffer.concat(payloads.map(binaryFrame)), payloads.length);
    expect(messages.map((m) => m.isBinary)).toEqual(payloads.map(() => true));
    expect(messages.map((m) => [...m.data])).toEqual(payloads.map((p) => [...p]));
  });

  it("copies the payload: changing it afterwards does not change the frame", () => {
    const data = payload(10);
    const frame = binaryFrame(data);
    data.fill(0);
    expect([...frame.subarray(2)]).toEqual([...payload(10)]);
  });
});
