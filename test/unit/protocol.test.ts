import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  type AwarenessEntry,
  type ClientMessage,
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
} from "../../server/relay/protocol.ts";
import { mulberry32 } from "../helpers/random.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

function realUpdate(): { stateVector: Uint8Array; update: Uint8Array } {
  const doc = new Y.Doc();
  doc.getMap("notes").set("n1", "Hur ser det ut i dag? åäö");
  doc.getText("t").insert(0, "x".repeat(300));
  const result = { stateVector: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc) };
  doc.destroy();
  return result;
}

describe("encode → decode round trips", () => {
  const { stateVector, update } = realUpdate();
  const big = new Uint8Array(70_000).map((_, i) => i % 251);

  const CASES: readonly (readonly [string, Uint8Array, ClientMessage])[] = [
    ["sync step 1", encodeSyncStep1(stateVector), { type: "sync-step1", stateVector }],
    [
      "sync step 1, empty vector",
      encodeSyncStep1(new Uint8Array()),
      { type: "sync-step1", stateVector: bytes() },
    ],
    ["sync step 2", encodeSyncStep2(update), { type: "sync-step2", update }],
    ["update", encodeUpdate(update), { type: "update", update }],
    ["update with a payload needing a 3-byte length", encodeUpdate(big), { type: "update", update: big }],
    ["awareness", encodeAwareness(bytes(1, 2, 3)), { type: "awareness", update: bytes(1, 2, 3) }],
    ["query awareness", bytes(3), { type: "query-awareness" }],
  ];

  it.each(CASES)("%s", (_label, frame, expected) => {
    expect(decodeMessage(frame)).toEqual(expected);
  });

  it("writes the y-websocket framing byte for byte", () => {
    expect(encodeSyncStep1(bytes(9))).toEqual(bytes(0, 0, 1, 9));
    expect(encodeSyncStep2(bytes(9, 8))).toEqual(bytes(0, 1, 2, 9, 8));
    expect(encodeUpdate(bytes())).toEqual(bytes(0, 2, 0));
    expect(encodeAwareness(bytes(7))).toEqual(bytes(1, 1, 7));
  });

  it("decodes a frame that is a view into a larger buffer without reading past it", () => {
    const backing = new Uint8Array([0xff, 0, 2, 2, 5, 6, 0xaa, 0xbb]);
    expect(decodeMessage(backing.subarray(1, 6))).toEqual({ type: "update", update: bytes(5, 6) });
    // The length says 4, the view has 2 bytes left: the bytes after the view must not be read.
    const lying = new Uint8Array([0, 2, 4, 5, 6, 0xaa, 0xbb]);
    expect(() => decodeMessage(lying.subarray(0, 5))).toThrow(ProtocolError);
  });
});

describe("decodeMessage refuses", () => {
  const REFUSED: readonly (readonly [string, Uint8Array])[] = [
    ["an empty frame", bytes()],
    ["an unknown type 7", bytes(7, 0)],
    ["an unknown type 4", bytes(4)],
    ["auth (type 2), which only servers send", bytes(2, 0, 0)],
    ["auth (type 2) alone", bytes(2)],
    ["an unknown sync step 3", bytes(0, 3, 0)],
    ["a sync step without payload", bytes(0, 0)],
    ["a sync message without step", bytes(0)],
    ["a truncated varint", bytes(0x80)],
    ["a truncated varint after the type", bytes(0, 0x80)],
    ["a truncated payload length", bytes(0, 2, 0x80)],
    ["a payload length larger than the frame", bytes(0, 2, 5, 1, 2)],
    ["a huge payload length", bytes(0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1)],
    [
      "a varint beyond the safe integer range",
      bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
    ],
    ["trailing bytes after an update", bytes(0, 2, 1, 9, 9)],
    ["trailing bytes after sync step 1", bytes(0, 0, 0, 0)],
    ["trailing bytes after query awareness", bytes(3, 0)],
    ["trailing bytes after awareness", bytes(1, 1, 7, 7)],
    ["an awareness message without payload", bytes(1)],
  ];

  it.each(REFUSED)("%s", (_label, frame) => {
    expect(() => decodeMessage(frame)).toThrow(ProtocolError);
  });

  it("says why in the error message", () => {
    expect(() => decodeMessage(bytes(7))).toThrow(/unknown message type 7/);
    expect(() => decodeMessage(bytes(0, 3, 0))).toThrow(/unknown sync step 3/);
    expect(() => decodeMessage(bytes(0, 2, 0, 1))).toThrow(/trailing/);
  });
});

describe("decodeMessage on random bytes", () => {
  it("either returns a well-formed message or throws ProtocolError, never anything else (5,000 frames)", () => {
    const random = mulberry32(0x5a3b1a);
    const int = (below: number) => Math.floor(random() * below);
    const outcomes = { decoded: 0, refused: 0 };
    for (let i = 0; i < 5_000; i++) {
      const frame = i % 2 === 0 ? randomFrame(int) : mutatedFrame(int);
      const label = `frame ${i}: [${Array.from(frame).join(",")}]`;
      let message: ClientMessage | null = null;
      let thrown: unknown = null;
      try {
        message = decodeMessage(frame);
      } catch (error) {
        thrown = error;
      }
      if (message === null) {
        expect(thrown, label).toBeInstanceOf(ProtocolError);
        outcomes.refused++;
        continue;
      }
      outcomes.decoded++;
      expect(["sync-step1", "sync-step2", "update", "awareness", "query-awareness"], label).toContain(
        message.type,
      );
      if (message.type !== "query-awareness") {
        const payload = message.type === "sync-step1" ? message.stateVector : message.update;
        expect(payload, label).toBeInstanceOf(Uint8Array);
        expect(payload.byteLength, label).toBeLessThan(frame.byteLength);
      }
      // What was decoded survives a round trip unchanged (varints may have been non-minimal).
      expect(decodeMessage(reencode(message)), label).toEqual(message);
    }
    // The generator must exercise both paths, or the loop proves nothing.
    expect(outcomes.decoded).toBeGreaterThan(500);
    expect(outcomes.refused).toBeGreaterThan(500);
  });
});

/** Random bytes, biased towards small values so that the framing is sometimes right. */
function randomFrame(int: (below: number) => number): Uint8Array {
  return new Uint8Array(int(24)).map(() => (int(10) < 6 ? int(4) : int(256)));
}

/** A valid frame, then maybe truncated, extended or with one byte changed. */
function mutatedFrame(int: (below: number) => number): Uint8Array {
  const payload = new Uint8Array(int(40)).map(() => int(256));
  const encoders = [encodeSyncStep1, encodeSyncStep2, encodeUpdate, encodeAwareness, () => bytes(3)];
  const frame = encoders[int(encoders.length)]!(payload);
  switch (int(4)) {
    case 0:
      return frame;
    case 1:
      return frame.slice(0, int(frame.length));
    case 2:
      return bytes(...frame, int(256));
    default: {
      const changed = frame.slice();
      changed[int(changed.length)] = int(256);
      return changed;
    }
  }
}

function reencode(message: ClientMessage): Uint8Array {
  switch (message.type) {
    case "sync-step1":
      return encodeSyncStep1(message.stateVector);
    case "sync-step2":
      return encodeSyncStep2(message.update);
    case "update":
      return encodeUpdate(message.update);
    case "awareness":
      return encodeAwareness(message.update);
    case "query-awareness":
      return bytes(3);
  }
}

describe("awareness updates", () => {
  const ROUND_TRIPS: readonly (readonly [string, AwarenessEntry[]])[] = [
    ["no entries", []],
    ["one entry", [{ clientId: 1, clock: 0, state: '{"name":"Bord 1"}' }]],
    ["a client leaving", [{ clientId: 42, clock: 7, state: "null" }]],
    [
      "several entries, large ids, Swedish text",
      [
        { clientId: 2 ** 32 - 1, clock: 2 ** 31, state: '{"user":{"name":"Åsa Öberg"}}' },
        { clientId: 0, clock: 1, state: "{}" },
      ],
    ],
    ["an empty state string", [{ clientId: 5, clock: 5, state: "" }]],
  ];

  it.each(ROUND_TRIPS)("round trips %s", (_label, entries) => {
    const update = encodeAwarenessUpdate(entries);
    expect(decodeAwarenessUpdate(update)).toEqual(entries);
    // And inside a y-websocket frame.
    const message = decodeMessage(encodeAwareness(update));
    expect(message).toEqual({ type: "awareness", update });
  });

  const MALFORMED: readonly (readonly [string, Uint8Array])[] = [
    ["empty", bytes()],
    ["a count with no entries", bytes(1)],
    ["an entry without clock", bytes(1, 5)],
    ["an entry without state", bytes(1, 5, 1)],
    ["a state longer than the update", bytes(1, 5, 1, 10, 0x7b)],
    ["fewer entries than counted", encodeWithCount(2, [{ clientId: 1, clock: 1, state: "{}" }])],
    ["trailing bytes", bytes(...encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: "{}" }]), 0)],
    ["a truncated client id varint", bytes(1, 0x80)],
    ["invalid UTF-8 in the state", bytes(1, 5, 1, 2, 0xc3, 0x28)],
    ["a lone continuation byte as state", bytes(1, 5, 1, 1, 0x80)],
    // 2^35 needs six varint bytes: far beyond Yjs's 32-bit client ids.
    ["a client id beyond 32 bits", bytes(1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 2, 0x7b, 0x7d)],
  ];

  it.each(MALFORMED)("refuses %s with ProtocolError", (_label, update) => {
    expect(() => decodeAwarenessUpdate(update)).toThrow(ProtocolError);
  });

  it("either decodes or throws ProtocolError on random bytes (2,000 updates)", () => {
    const random = mulberry32(20_240_611);
    let decoded = 0;
    for (let i = 0; i < 2_000; i++) {
      const update = new Uint8Array(Math.floor(random() * 16)).map(() =>
        random() < 0.7 ? Math.floor(random() * 4) : Math.floor(random() * 256),
      );
      const label = `update ${i}: [${Array.from(update).join(",")}]`;
      let entries: AwarenessEntry[] | null = null;
      let thrown: unknown = null;
      try {
        entries = decodeAwarenessUpdate(update);
      } catch (error) {
        thrown = error;
      }
      if (entries === null) {
        expect(thrown, label).toBeInstanceOf(ProtocolError);
        continue;
      }
      decoded++;
      for (const entry of entries) {
        expect(Number.isSafeInteger(entry.clientId) && entry.clientId >= 0, label).toBe(true);
        expect(Number.isSafeInteger(entry.clock) && entry.clock >= 0, label).toBe(true);
        expect(typeof entry.state, label).toBe("string");
      }
      expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries)), label).toEqual(entries);
    }
    expect(decoded).toBeGreaterThan(10);
  });
});

function encodeWithCount(count: number, entries: AwarenessEntry[]): Uint8Array {
  const encoded = encodeAwarenessUpdate(entries);
  // The count is the first varint; for these small values it is one byte.
  return bytes(count, ...encoded.subarray(1));
}
