import { createHash } from "node:crypto";
import net from "node:net";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import { binaryFrame } from "../../server/http/wsFrame.ts";
import {
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  MessageType,
  SyncStep,
} from "../../server/relay/protocol.ts";

/**
 * The bare relay (`npm run bench -- --against bare`): a floor for what relaying Yjs updates costs,
 * not a server anyone should run. It does what every y-websocket relay must do per update and
 * nothing else: reads the writer's frame, applies it to the room's Y.Doc, and writes one frame,
 * built once, to each other client. Raw TCP with its own WebSocket handshake and framing (no `ws`,
 * no HTTP server), no storage, no tokens, no limits, no checks of what a client sends; awareness
 * frames are forwarded as they came. Whatever Samla spends beyond this is what its storing, checks
 * and stack cost.
 */

/** RFC 6455 §1.3: the key's suffix for `Sec-WebSocket-Accept`. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const Opcode = { Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

interface Client {
  readonly socket: net.Socket;
  readonly room: Room;
}

interface Room {
  readonly doc: Y.Doc;
  readonly clients: Set<Client>;
}

export interface BareRelay {
  readonly server: net.Server;
  /** Drops every client's socket, so that closing the server does not wait for them. */
  dropClients(): void;
}

export function createBareRelay(): BareRelay {
  const rooms = new Map<string, Room>();
  const sockets = new Set<net.Socket>();
  /** What the update being applied integrated (Yjs's update event), written after it returns. */
  let integrated: Uint8Array | null = null;

  const roomOf = (name: string): Room => {
    let room = rooms.get(name);
    if (room === undefined) {
      const doc = new Y.Doc();
      doc.on("update", (update: Uint8Array) => {
        integrated = update;
      });
      room = { doc, clients: new Set() };
      rooms.set(name, room);
    }
    return room;
  };

  const onMessage = (client: Client, message: Uint8Array): void => {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.Awareness) {
      broadcast(client, binaryFrame(message));
      return;
    }
    if (type !== MessageType.Sync) return;
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const { doc } = client.room;
    if (step === SyncStep.Step1) {
      client.socket.write(binaryFrame(encodeSyncStep2(Y.encodeStateAsUpdate(doc, payload))));
      return;
    }
    Y.applyUpdate(doc, payload, client);
    const update = integrated;
    integrated = null;
    // Outside Yjs's event, so that perf counts the writes as writing (cpuSampling.ts).
    if (update !== null) broadcast(client, binaryFrame(encodeUpdate(update)));
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let client: Client | null = null;
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (client === null) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        client = upgrade(socket, pending.subarray(0, end).toString("latin1"), roomOf);
        pending = pending.subarray(end + 4);
        if (client === null) return;
      }
      const joined = client;
      pending = readFrames(pending, (opcode, payload) => {
        if (opcode === Opcode.Binary) onMessage(joined, payload);
        else if (opcode === Opcode.Ping) socket.write(controlFrame(Opcode.Pong, payload));
        else if (opcode === Opcode.Close) socket.end(controlFrame(Opcode.Close, payload.subarray(0, 2)));
      });
    });
    socket.on("close", () => {
      sockets.delete(socket);
      client?.room.clients.delete(client);
    });
    socket.on("error", () => socket.destroy());
  });
  const dropClients = () => {
    for (const socket of sockets) socket.destroy();
  };
  return { server, dropClients };
}

/** Answers the upgrade request and joins the room its path names; null (and closed) if it is no upgrade. */
function upgrade(socket: net.Socket, head: string, roomOf: (name: string) => Room): Client | null {
  const key = /\r\nsec-websocket-key:[ \t]*(\S+)/i.exec(head)?.[1];
  const target = /^GET (\S+) HTTP\/1\.1/.exec(head)?.[1];
  if (key === undefined || target === undefined) {
    socket.end("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    return null;
  }
  const accept = createHash("sha1")
    .update(key + ACCEPT_GUID)
    .digest("base64");
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
  );
  const room = roomOf(decodeURIComponent(target.slice(1).split("?")[0] ?? ""));
  const client: Client = { socket, room };
  room.clients.add(client);
  // As the reference greets a client: our state vector, so that it sends what we lack.
  socket.write(binaryFrame(encodeSyncStep1(Y.encodeStateVector(room.doc))));
  return client;
}

/** Every other client of the writer's room gets the same frame. */
function broadcast(from: Client, frame: Buffer): void {
  for (const client of from.room.clients) if (client !== from) client.socket.write(frame);
}

/**
 * Reads the complete client frames at the start of `bytes` (RFC 6455 §5.2: always masked; no
 * fragmentation, which the bench's clients never send) and returns what is left of an incomplete one.
 */
export function readFrames(bytes: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let offset = 0;
  while (bytes.length - offset >= 2) {
    const opcode = (bytes[offset] ?? 0) & 0x0f;
    let length = (bytes[offset + 1] ?? 0) & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (bytes.length < at + 2) break;
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      if (bytes.length < at + 8) break;
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (bytes.length < at + 4 + length) break;
    const payload = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) {
      payload[i] = (bytes[at + 4 + i] ?? 0) ^ (bytes[at + (i & 3)] ?? 0);
    }
    offset = at + 4 + length;
    onFrame(opcode, payload);
  }
  return bytes.subarray(offset);
}

/** A control frame (a pong, a close): at most 125 bytes of payload (RFC 6455 §5.5). */
function controlFrame(opcode: number, payload: Uint8Array): Buffer {
  const body = payload.subarray(0, 125);
  return Buffer.concat([Buffer.from([0x80 | opcode, body.byteLength]), body]);
}
