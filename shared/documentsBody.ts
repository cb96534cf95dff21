import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { parseDocName } from "./docNames.ts";

/**
 * The body of `GET /api/workshops/:id/documents`: several documents' states in one binary
 * message, so a view can show a whole workshop after one request instead of one WebSocket per
 * document (docs/api.md).
 *
 * ```
 * varUint  format version (1)
 * varUint  number of documents
 * per document:
 *   varUint8Array  its name, UTF-8 (`<workshopId>/meta`, `…/synthesis`, `…/table/<tableId>`)
 *   varUint8Array  its whole state as one Yjs update (v1 encoding)
 * ```
 *
 * Pure (lib0 only), so the server, the web app and the tests share it.
 */
export const DOCUMENTS_CONTENT_TYPE = "application/octet-stream";
export const DOCUMENTS_FORMAT_VERSION = 1;

export interface DocumentState {
  readonly name: string;
  readonly update: Uint8Array;
}

/** A body that is not a well-formed documents body; the message says what and where. */
export class DocumentsBodyError extends Error {
  override readonly name = "DocumentsBodyError";
}

export function encodeDocuments(documents: readonly DocumentState[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, DOCUMENTS_FORMAT_VERSION);
  encoding.writeVarUint(encoder, documents.length);
  const utf8 = new TextEncoder();
  for (const { name, update } of documents) {
    encoding.writeVarUint8Array(encoder, utf8.encode(name));
    encoding.writeVarUint8Array(encoder, update);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Reads a documents body. Throws `DocumentsBodyError` for anything else: another version, a
 * truncated body, bytes after the last document, a name that is not a document's or comes twice.
 * The updates are views into `bytes`, not copies; whether they are sound Yjs is for Yjs to say.
 */
export function decodeDocuments(bytes: Uint8Array): DocumentState[] {
  const decoder = decoding.createDecoder(bytes);
  const version = read(decoder, "the format version", decoding.readVarUint);
  if (version !== DOCUMENTS_FORMAT_VERSION) {
    throw new DocumentsBodyError(`unsupported documents format version ${version}`);
  }
  const count = read(decoder, "the number of documents", decoding.readVarUint);
  // Every document takes at least two bytes: a count beyond that is garbage, not a promise.
  if (count > (bytes.length - decoder.pos) / 2) {
    throw new DocumentsBodyError(`the body is too short for ${count} documents`);
  }
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const documents: DocumentState[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const rawName = read(decoder, `document ${i + 1}'s name`, decoding.readVarUint8Array);
    let name: string;
    try {
      name = utf8.decode(rawName);
    } catch {
      throw new DocumentsBodyError(`document ${i + 1}'s name is not UTF-8`);
    }
    if (parseDocName(name) === null) {
      throw new DocumentsBodyError(`document ${i + 1}'s name is not a document name`);
    }
    if (seen.has(name)) throw new DocumentsBodyError(`document ${i + 1} (${name}) comes twice`);
    seen.add(name);
    const update = read(decoder, `document ${i + 1}'s state`, decoding.readVarUint8Array);
    documents.push({ name, update });
  }
  if (decoding.hasContent(decoder)) {
    throw new DocumentsBodyError(`${bytes.length - decoder.pos} bytes after the last document`);
  }
  return documents;
}

/** One read, with lib0's errors ("Unexpected end of array", "Integer out of Range") saying where. */
function read<T>(decoder: decoding.Decoder, what: string, reader: (decoder: decoding.Decoder) => T): T {
  try {
    return reader(decoder);
  } catch {
    throw new DocumentsBodyError(`the body is cut off or garbled in ${what}`);
  }
}
