/**
 * Join codes are typed by people at a table from a printed card: short, case-insensitive,
 * and without look-alikes (no O/0, I/1/L, no U to avoid accidental words).
 */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789";
export const JOIN_CODE_LENGTH = 6;

/** A random code; 29^6 ≈ 595 million of them. */
export function newJoinCode(): string {
  const bytes = new Uint8Array(JOIN_CODE_LENGTH * 2);
  globalThis.crypto.getRandomValues(bytes);
  let code = "";
  for (let i = 0; code.length < JOIN_CODE_LENGTH && i < bytes.length; i += 2) {
    // Two bytes per symbol keeps the modulo bias negligible (65536 % 29 is tiny against 65536).
    const value = ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    code += JOIN_CODE_ALPHABET[value % JOIN_CODE_ALPHABET.length];
  }
  return code;
}

/** Upper case, without spaces and dashes; `null` if what remains cannot be a join code. */
export function normalizeJoinCode(input: string): string | null {
  // Only ASCII letters are upper-cased: `toUpperCase` would turn "ß" into "SS" and "ſ" into "S".
  const code = input.replace(/[\s-]/g, "").replace(/[a-z]/g, (char) => char.toUpperCase());
  if (code.length !== JOIN_CODE_LENGTH) return null;
  for (const char of code) if (!JOIN_CODE_ALPHABET.includes(char)) return null;
  return code;
}

/** "ABC DEF": easier to read aloud and to type. */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
