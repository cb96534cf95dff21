import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * The y-websocket wire protocol (what the stock `WebsocketProvider` speaks), decoded into a
 * typed union so the relay decides what to do with each message before anything is applied.
 */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;

export type ClientMessage =
  | { readonly type: "sync-step1"; readonly stateVector: Uint8Array }
  | { readonly type: "sync-step2"; readonly update: Uint8Array }
  | { readonly type: "update"; readonly update: Uint8Array }
  | { readonly type: "awareness"; readonly update: Uint8Array }
  | { readonly type: "query-awareness" };

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/** Decodes one frame. Throws `ProtocolError` for anything that is not exactly one known message. */
export function decodeMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame);
    const message = readMessage(decoder);
    if (decoding.hasContent(decoder)) throw new ProtocolError("trailing bytes after message");
    return message;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    // lib0 throws plain Errors on truncated varints and buffers.
    throw new ProtocolError("truncated or malformed message");
  }
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.Sync: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SyncStep.Step1) return { type: "sync-step1", stateVector: payload };
      if (step === SyncStep.Step2) return { type: "sync-step2", update: payload };
      if (step === SyncStep.Update) return { type: "update", update: payload };
      throw new ProtocolError(`unknown sync step ${step}`);
    }
    case MessageType.Awareness:
      return { type: "awareness", update: decoding.readVarUint8Array(decoder) };
    case MessageType.QueryAwareness:
      return { type: "query-awareness" };
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return syncMessage(SyncStep.Step1, stateVector);
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return syncMessage(SyncStep.Step2, update);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return syncMessage(SyncStep.Update, update);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

const MAX_CLIENT_ID = 0xffff_ffff;

export interface AwarenessEntry {
  readonly clientId: number;
  readonly clock: number;
  /** The state as JSON text; "null" means the client left. */
  readonly state: string;
}

/** Decodes an awareness update into its entries; throws `ProtocolError` when malformed. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      // Yjs client ids are 32-bit; a larger one would lose precision as a JS number.
      if (clientId > MAX_CLIENT_ID || clock > Number.MAX_SAFE_INTEGER) {
        throw new ProtocolError("awareness client id out of range");
      }
      const state = decoding.readVarString(decoder);
      entries.push({ clientId, clock, state });
    }
    if (decoding.hasContent(decoder)) throw new ProtocolError("trailing bytes after awareness update");
    return entries;
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError("malformed awareness update");
  }
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}
