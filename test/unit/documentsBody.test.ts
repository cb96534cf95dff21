import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  DOCUMENTS_FORMAT_VERSION,
  type DocumentState,
  DocumentsBodyError,
  decodeDocuments,
  encodeDocuments,
} from "../../shared/documentsBody.ts";

function stateWith(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

const META: DocumentState = { name: "w1/meta", update: stateWith("meta") };
const SYNTHESIS: DocumentState = { name: "w1/synthesis", update: Y.mergeUpdates([]) };
const TABLE: DocumentState = { name: "w1/table/t1", update: stateWith("x".repeat(20_000)) };

/** A body written by hand, for shapes `encodeDocuments` never writes. */
function body(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function entry(encoder: encoding.Encoder, name: Uint8Array | string, update: Uint8Array): void {
  encoding.writeVarUint8Array(encoder, typeof name === "string" ? new TextEncoder().encode(name) : name);
  encoding.writeVarUint8Array(encoder, update);
}

describe("documents body", () => {
  it.each([
    ["no documents", []],
    ["one document", [META]],
    ["an empty document", [SYNTHESIS]],
    ["a whole workshop, a long state included", [META, SYNTHESIS, TABLE]],
  ] as [string, DocumentState[]][])("round-trips %s", (_what, documents) => {
    const decoded = decodeDocuments(encodeDocuments(documents));
    expect(decoded.map(({ name, update }) => ({ name, update: [...update] }))).toEqual(
      documents.map(({ name, update }) => ({ name, update: [...update] })),
    );
  });

  it("reads a body that is a view into a larger buffer, and nothing beyond it", () => {
    const bytes = encodeDocuments([META, TABLE]);
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    expect(decodeDocuments(padded.subarray(5, 5 + bytes.length)).map((d) => d.name)).toEqual([
      META.name,
      TABLE.name,
    ]);
    expect(() => decodeDocuments(padded.subarray(5, 5 + bytes.length - 1))).toThrow(DocumentsBodyError);
  });

  it("refuses every truncation with a DocumentsBodyError", () => {
    const bytes = encodeDocuments([META, SYNTHESIS, { name: "w1/table/t1", update: stateWith("kort") }]);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeDocuments(bytes.subarray(0, length)), `first ${length} bytes`).toThrow(
        DocumentsBodyError,
      );
    }
  });

  it.each([
    ["another version", body((e) => encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION + 1)), /version 2/],
    ["an empty body", new Uint8Array(0), /format version/],
    [
      "more documents than bytes",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 1_000_000);
      }),
      /too short for 1000000 documents/,
    ],
    [
      "a length past the end",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 2 ** 40);
      }),
      /document 1's name/,
    ],
    [
      "a runaway number",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        for (let i = 0; i < 12; i++) encoding.writeUint8(e, 0xff);
      }),
      /number of documents/,
    ],
    [
      "bytes after the last document",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 1);
        entry(e, META.name, META.update);
        encoding.writeUint8(e, 0);
      }),
      /1 bytes after the last document/,
    ],
    [
      "a name that is not a document's",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 1);
        entry(e, "w1/../etc", META.update);
      }),
      /not a document name/,
    ],
    [
      "a name that is not UTF-8",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 1);
        entry(e, new Uint8Array([0x77, 0xff, 0xfe]), META.update);
      }),
      /not UTF-8/,
    ],
    [
      "a document twice",
      body((e) => {
        encoding.writeVarUint(e, DOCUMENTS_FORMAT_VERSION);
        encoding.writeVarUint(e, 2);
        entry(e, META.name, META.update);
        entry(e, META.name, META.update);
      }),
      /comes twice/,
    ],
  ] as [string, Uint8Array, RegExp][])("refuses %s", (_what, bytes, message) => {
    expect(() => decodeDocuments(bytes)).toThrow(DocumentsBodyError);
    expect(() => decodeDocuments(bytes)).toThrow(message);
  });

  it("refuses random garbage with a DocumentsBodyError, never another error", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let run = 0; run < 500; run++) {
      const bytes = Uint8Array.from({ length: next() % 64 }, () => next() % 256);
      try {
        decodeDocuments(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(DocumentsBodyError);
      }
    }
  });
});
