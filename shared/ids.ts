/**
 * Ids that cross the wire are branded so a table id can never be passed where a
 * workshop id is expected. All ids are URL-safe: `[A-Za-z0-9_-]{1,64}`.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type WorkshopId = Brand<string, "WorkshopId">;
export type TableId = Brand<string, "TableId">;
export type RoundId = Brand<string, "RoundId">;
export type PromptId = Brand<string, "PromptId">;
export type PerspectiveId = Brand<string, "PerspectiveId">;
export type NoteId = Brand<string, "NoteId">;
export type ThemeId = Brand<string, "ThemeId">;
export type InsightId = Brand<string, "InsightId">;

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ID_PATTERN_SOURCE = "^[A-Za-z0-9_-]{1,64}$";

export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/**
 * A random URL-safe id. 16 characters of a 64-symbol alphabet is 96 bits:
 * unguessable, and short enough for a URL. Works in Node and in browsers.
 */
export function newId<T extends string>(length = 16): Brand<string, T> {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = "";
  // The first character is a letter or digit, so an id never looks like a command-line flag.
  for (const byte of bytes) id += id === "" ? ALPHABET[byte % 62] : ALPHABET[byte & 63];
  return id as Brand<string, T>;
}

/** Narrows a checked string to a branded id; throws on anything else. */
export function asId<T extends string>(value: string): Brand<string, T> {
  if (!ID_PATTERN.test(value)) throw new Error(`not a valid id: ${JSON.stringify(value.slice(0, 80))}`);
  return value as Brand<string, T>;
}
