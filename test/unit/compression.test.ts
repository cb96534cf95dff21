import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compress, Encoding, pickEncoding } from "../../server/http/compression.ts";

describe("pickEncoding", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["identity", null],
    ["gzip", "gzip"],
    ["gzip, deflate, br, zstd", "br"],
    ["BR", "br"],
    ["br;q=0, gzip", "gzip"],
    ["br; q=0.0, gzip;q=0.5", "gzip"],
    ["gzip;q=0, br;q=0", null],
    ["*", "br"],
    ["*;q=0", null],
    ["br;q=0, *", "gzip"],
    ["deflate", null],
    ["gzip;q=abc", null],
    [" , ,gzip ,", "gzip"],
  ] as const)("%j → %j", (header, expected) => {
    expect(pickEncoding(header)).toBe(expected);
  });
});

describe("compress", () => {
  const body = new TextEncoder().encode("Hur ser det ut i dag? ".repeat(200));
  it.each([
    [Encoding.Brotli, brotliDecompressSync],
    [Encoding.Gzip, gunzipSync],
  ] as const)("%s round-trips and is smaller", async (encoding, decompress) => {
    const compressed = await compress(body, encoding);
    expect(compressed.byteLength).toBeLessThan(body.byteLength / 10);
    expect(new Uint8Array(decompress(compressed))).toEqual(body);
  });
});
