/**
 * Small value helpers for the schema accessors: reading and editing Y.Text, ordering ids,
 * editing child maps in a transaction. Nothing here knows about notes or themes.
 */
import * as Y from "yjs";
import { type Brand, isId } from "../ids.ts";

/** A Y.Text (or, from a junk writer, a plain string) as a string. */
export function readText(value: unknown): string {
  if (value instanceof Y.Text) return value.toString();
  return typeof value === "string" ? value : "";
}

/** Sets the map's text field to `text`, editing the Y.Text in place (see `replaceText`). */
export function writeText(map: Y.Map<unknown>, key: string, text: string): void {
  const current = map.get(key);
  if (current instanceof Y.Text) replaceText(current, text);
  else map.set(key, new Y.Text(text));
}

/**
 * Rewrites a Y.Text to `next` with one delete and one insert between the common prefix and suffix.
 * Call inside a transaction. Never splits a surrogate pair (an emoji), which Yjs would mangle.
 */
export function replaceText(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  const max = Math.min(prev.length, next.length);
  let start = 0;
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
  let end = 0;
  while (
    end < max - start &&
    prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)
  ) {
    end++;
  }
  if (end > 0 && isLowSurrogate(prev.charCodeAt(prev.length - end))) end--;
  const removed = prev.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted.length > 0) text.insert(start, inserted);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Code-unit order, not localeCompare: sorting must not depend on the machine's locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function childMap(parent: Y.Map<unknown>, key: string): Y.Map<unknown> | null {
  const value = parent.get(key);
  return value instanceof Y.Map ? value : null;
}

/** Runs `write` in a transaction on the child map; false (writing nothing) when there is none. */
export function edit(doc: Y.Doc, parent: YMap, key: string, write: (map: YMap) => void): boolean {
  const map = childMap(parent, key);
  if (map === null) return false;
  doc.transact(() => write(map));
  return true;
}

type YMap = Y.Map<unknown>;

export function brandedId<T extends string>(value: unknown): Brand<string, T> | null {
  return isId(value) ? (value as Brand<string, T>) : null;
}
