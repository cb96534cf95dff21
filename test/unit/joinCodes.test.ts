import { describe, expect, it } from "vitest";
import {
  formatJoinCode,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  newJoinCode,
  normalizeJoinCode,
} from "../../shared/joinCodes.ts";

/** The documented alphabet (docs/api.md), written out: no O/0, I/1/L, no U. */
const ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

describe("the join code alphabet", () => {
  it("is the documented one, without look-alikes", () => {
    expect(JOIN_CODE_ALPHABET).toBe(ALPHABET);
    expect(JOIN_CODE_LENGTH).toBe(6);
    for (const ambiguous of ["O", "0", "I", "1", "L", "U"])
      expect(JOIN_CODE_ALPHABET).not.toContain(ambiguous);
    expect(new Set(JOIN_CODE_ALPHABET).size).toBe(JOIN_CODE_ALPHABET.length);
  });
});

describe("newJoinCode", () => {
  it("makes valid codes that normalise to themselves", () => {
    for (let i = 0; i < 1_000; i++) {
      const code = newJoinCode();
      expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{6}$/);
      expect(normalizeJoinCode(code)).toBe(code);
      expect(normalizeJoinCode(formatJoinCode(code))).toBe(code);
    }
  });

  it("uses every symbol of the alphabet, roughly evenly, and nothing else (20,000 codes)", () => {
    const counts = new Map<string, number>();
    const codes = new Set<string>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const code = newJoinCode();
      expect(code).toHaveLength(6);
      codes.add(code);
      for (const char of code) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join("")).toBe([...ALPHABET].sort().join(""));
    // 120,000 symbols over 29: about 4,138 each, standard deviation about 63. ±15% is > 9 sigma.
    const expected = (n * 6) / ALPHABET.length;
    for (const [char, count] of counts) {
      expect(count, char).toBeGreaterThan(expected * 0.85);
      expect(count, char).toBeLessThan(expected * 1.15);
    }
    // 29^6 ≈ 595 million codes: 20,000 draws collide about 0.34 times on average.
    expect(codes.size).toBeGreaterThan(n - 5);
  });
});

describe("normalizeJoinCode", () => {
  const ACCEPTED: readonly (readonly [string, string])[] = [
    ["ABCDEF", "ABCDEF"],
    ["abcdef", "ABCDEF"],
    ["AbCdEf", "ABCDEF"],
    ["ABC DEF", "ABCDEF"],
    ["abc-def", "ABCDEF"],
    ["  abc def  ", "ABCDEF"],
    ["A-B-C-D-E-F", "ABCDEF"],
    ["a b c d e f", "ABCDEF"],
    ["ABC\tDEF", "ABCDEF"],
    ["ABC\nDEF", "ABCDEF"],
    ["ABC\u00a0DEF", "ABCDEF"],
    ["234-789", "234789"],
    ["xyz 9zz", "XYZ9ZZ"],
  ];

  it.each(ACCEPTED)("accepts %j as %s", (input, code) => {
    expect(normalizeJoinCode(input)).toBe(code);
  });

  const REFUSED: readonly string[] = [
    "",
    "   ",
    "------",
    "ABCDE",
    "ABCDEFG",
    "ABC DE",
    "ABC DEFG",
    // Look-alikes are never part of a code.
    "ABCDE0",
    "ABCDEO",
    "ABCDEI",
    "ABCDE1",
    "ABCDEL",
    "ABCDEU",
    "abcdeo",
    "abcdel",
    "abcdei",
    // Other separators and symbols are not ignored.
    "ABC_DEF",
    "ABC.DEF",
    "ABC/DEF",
    "ABC–DEF",
    // Non-ASCII letters must not turn into code letters when upper-cased ("ß" → "SS", "ſ" → "S").
    "ABCDß",
    "ABCDEſ",
    "ÅÄÖABC",
    "ＡＢＣＤＥＦ",
  ];

  it.each(REFUSED)("refuses %j", (input) => {
    expect(normalizeJoinCode(input)).toBeNull();
  });
});

describe("formatJoinCode", () => {
  it.each([
    ["ABCDEF", "ABC DEF"],
    ["Y5D69R", "Y5D 69R"],
    ["234789", "234 789"],
  ])("formats %s as %s", (code, shown) => {
    expect(formatJoinCode(code)).toBe(shown);
    expect(normalizeJoinCode(shown)).toBe(code);
  });
});
