import { describe, expect, it } from "vitest";
import { Receiver } from "ws";
import { binaryFrame } from "../../server/http/wsFrame.ts";

/** Feeds frames to `ws`'s own parser (as a client would read them) and collects the messages. */
function parse(bytes: Buffer): Promise<{ data: Buffer; isBinary: boolean }[]> {
  return new Promise((resolve, reject) => {
    const messages: { data: Buffer; isBinary: boolean }[] = [];
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    receiver.on("message", (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
    receiver.on("error", reject);
    receiver.write(bytes, () => resolve(messages));
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
    const messages = await parse(Buffer.concat(payloads.map(binaryFrame)));
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
