import { describe, expect, it } from "vitest";
import { bearerToken, hashToken, looksLikeToken, newToken } from "../../server/auth/tokens.ts";

describe("newToken", () => {
  it("is 43 URL-safe characters (256 bits, base64url without padding)", () => {
    for (let i = 0; i < 200; i++) {
      const token = newToken();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      expect(looksLikeToken(token)).toBe(true);
    }
  });

  it("never repeats (10,000 tokens)", () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => newToken()));
    expect(tokens.size).toBe(10_000);
  });

  it("uses the whole alphabet, '-' and '_' included", () => {
    const seen = new Set(Array.from({ length: 2_000 }, () => newToken()).join(""));
    expect(seen.size).toBe(64);
  });
});

describe("hashToken", () => {
  it.each([
    // SHA-256 test vectors (FIPS 180-2).
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ])("hashes %j to its SHA-256 in hex", (input, hex) => {
    expect(hashToken(input)).toBe(hex);
  });

  it("is stable, lower-case hex of 64 characters, and differs per token", () => {
    const token = newToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(newToken()));
    expect(hashToken(token)).not.toContain(token);
  });

  it("hashes UTF-8, so non-ASCII input is hashed by its bytes", () => {
    expect(hashToken("å")).not.toBe(hashToken("a"));
    expect(hashToken("å")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("looksLikeToken", () => {
  const valid = `${"A".repeat(40)}_-9`;
  const CASES: readonly (readonly [string, unknown, boolean])[] = [
    ["43 URL-safe characters", valid, true],
    ["42 characters", valid.slice(1), false],
    ["44 characters", `${valid}A`, false],
    ["standard base64 '+'", `${"A".repeat(42)}+`, false],
    ["standard base64 '/'", `${"A".repeat(42)}/`, false],
    ["padding '='", `${"A".repeat(42)}=`, false],
    ["a space inside", `${"A".repeat(21)} ${"A".repeat(21)}`, false],
    ["a trailing newline", `${valid}\n`, false],
    ["non-ASCII", `${"A".repeat(42)}å`, false],
    ["empty", "", false],
    ["null", null, false],
    ["undefined", undefined, false],
    ["a number", 1234, false],
    ["an array holding a token", [valid], false],
  ];

  it.each(CASES)("%s: %s", (_label, value, expected) => {
    expect(looksLikeToken(value)).toBe(expected);
  });
});

describe("bearerToken", () => {
  const CASES: readonly (readonly [string | undefined, string | null])[] = [
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["BeArEr abc", "abc"],
    ["Bearer   abc", "abc"],
    ["Bearer abc   ", "abc"],
    ["Bearer\tabc", "abc"],
    ["Bearer abc-_.~+/=", "abc-_.~+/="],
    [undefined, null],
    ["", null],
    ["Bearer", null],
    ["Bearer ", null],
    ["Bearerabc", null],
    ["Basic YWxhZGRpbjpvcGVuc2VzYW1l", null],
    ["Token abc", null],
    ["abc", null],
    [" Bearer abc", null],
    ["Bearer abc def", null],
    ["Bearer abc, Bearer def", null],
  ];

  it.each(CASES)("%j → %j", (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
