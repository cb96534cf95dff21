import { describe, expect, it } from "vitest";
import {
  decodeLog,
  encodeHeader,
  encodeRecords,
  HEADER_BYTES,
  type LoggedUpdate,
} from "../../server/store/appendLog.ts";
import { mulberry32 } from "../helpers/random.ts";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function file(generation: number, records: readonly LoggedUpdate[]): Buffer {
  return Buffer.concat([encodeHeader(generation), encodeRecords(records)]);
}

describe("append log file format", () => {
  it.each<[string, LoggedUpdate[]]>([
    ["no records", []],
    ["one record", [{ name: "w1/table/t1", update: bytes(1, 2, 3) }]],
    ["an empty update", [{ name: "w1/meta", update: bytes() }]],
    [
      "several documents, non-ASCII names",
      [
        { name: "w1/table/t1", update: bytes(0, 0) },
        { name: "w1/table/bord-å", update: new Uint8Array(300).fill(9) },
        { name: "w1/table/t1", update: bytes(255) },
      ],
    ],
  ])("round-trips %s", (_, records) => {
    const decoded = decodeLog(file(7, records));
    expect(decoded.generation).toBe(7);
    expect(decoded.records).toEqual(records);
    expect(decoded.validBytes).toBe(HEADER_BYTES + encodeRecords(records).byteLength);
  });

  it("keeps the complete records before a torn last record, cut at any byte", () => {
    const whole = [
      { name: "w1/table/t1", update: bytes(1, 2, 3) },
      { name: "w1/table/t2", update: bytes(4, 5) },
    ];
    const last = { name: "w1/table/t3", update: bytes(6, 7, 8, 9) };
    const complete = file(3, whole);
    const full = Buffer.concat([complete, encodeRecords([last])]);
    for (let cut = complete.byteLength; cut < full.byteLength; cut++) {
      const decoded = decodeLog(full.subarray(0, cut));
      expect(decoded.records, `cut at ${cut}`).toEqual(whole);
      expect(decoded.validBytes).toBe(complete.byteLength);
    }
    expect(decodeLog(full).records).toEqual([...whole, last]);
  });

  it("stops at the first record whose bytes were changed (seed 5)", () => {
    const random = mulberry32(5);
    const records = Array.from({ length: 6 }, (_, i) => ({
      name: `w1/table/t${i}`,
      update: new Uint8Array(1 + Math.floor(random() * 40)).map(() => Math.floor(random() * 256)),
    }));
    const original = file(1, records);
    for (let trial = 0; trial < 50; trial++) {
      const damaged = Buffer.from(original);
      const at = HEADER_BYTES + Math.floor(random() * (damaged.byteLength - HEADER_BYTES));
      damaged[at] = (damaged[at] ?? 0) ^ (1 + Math.floor(random() * 255));
      // The record holding byte `at`: every record before it survives, none from it on.
      let end = HEADER_BYTES;
      let index = 0;
      while (end + encodeRecords([records[index] as LoggedUpdate]).byteLength <= at) {
        end += encodeRecords([records[index] as LoggedUpdate]).byteLength;
        index++;
      }
      expect(decodeLog(damaged).records, `byte ${at}`).toEqual(records.slice(0, index));
    }
  });

  it("reads a file shorter than its header as empty and refuses one that is not an append log", () => {
    expect(decodeLog(encodeHeader(4).subarray(0, 10))).toEqual({ generation: 0, records: [], validBytes: 0 });
    const foreign = Buffer.from("SQLite format 3\u0000 and more bytes", "latin1");
    expect(() => decodeLog(foreign)).toThrow(/not a Samla append log/);
  });
});
