/**
 * A follow-up workshop starts from the earlier one's conclusions: copied into the follow-up's
 * meta document (`workshop.startingPoint`, a plain JSON value), so they stay readable even if
 * the earlier workshop is deleted later. Read-only by convention: nothing edits it after setup.
 */
import type * as Y from "yjs";
import { isId, type WorkshopId } from "../ids.ts";
import { metaParts } from "./meta.ts";
import { type InsightKind, isInsightKind } from "./synthesis.ts";

export interface StartingPointItem {
  readonly kind: InsightKind;
  readonly text: string;
  /** Titles of the themes the item was linked to, for context. */
  readonly themes: readonly string[];
}

export interface StartingPoint {
  readonly workshopId: WorkshopId;
  readonly title: string;
  /** When the earlier workshop was held (its createdAt, ms). */
  readonly date: number;
  readonly items: readonly StartingPointItem[];
}

export function writeStartingPoint(doc: Y.Doc, startingPoint: StartingPoint): void {
  doc.transact(() => metaParts(doc).workshop.set("startingPoint", startingPoint));
}

/** The starting point, or null; junk written by a misbehaving client reads as null or is skipped. */
export function readStartingPoint(doc: Y.Doc): StartingPoint | null {
  const value: unknown = metaParts(doc).workshop.get("startingPoint");
  if (typeof value !== "object" || value === null) return null;
  const { workshopId, title, date, items } = value as Record<string, unknown>;
  if (!isId(workshopId) || typeof title !== "string" || typeof date !== "number" || !Array.isArray(items)) {
    return null;
  }
  return { workshopId: workshopId as WorkshopId, title, date, items: items.flatMap(readItem) };
}

function readItem(value: unknown): StartingPointItem[] {
  if (typeof value !== "object" || value === null) return [];
  const { kind, text, themes } = value as Record<string, unknown>;
  if (!isInsightKind(kind) || typeof text !== "string") return [];
  const titles = Array.isArray(themes)
    ? themes.filter((theme): theme is string => typeof theme === "string")
    : [];
  return [{ kind, text, themes: titles }];
}
