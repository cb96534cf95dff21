/**
 * What the Markdown report is made from: plain data (no Y types), so `renderMarkdown` is a pure
 * function and tests can build an input by hand. `reportInputFromDocs` reads it from a workshop's
 * documents through the schema readers, which already distrust whatever a peer stored.
 */

import type * as Y from "yjs";
import type { InsightId, NoteId, PerspectiveId, PromptId, RoundId, TableId, ThemeId } from "../ids.ts";
import type { Language } from "../schema/language.ts";
import { type Perspective, type Round, readMeta } from "../schema/meta.ts";
import { readStartingPoint, type StartingPoint } from "../schema/startingPoint.ts";
import { allInsights, allThemes, type InsightKind } from "../schema/synthesis.ts";
import { allNotes, type NoteRef, readVotes } from "../schema/table.ts";
import { compareIds } from "../schema/values.ts";
import { voteTotals } from "../schema/votes.ts";

export interface ReportNote {
  readonly id: NoteId;
  readonly roundId: RoundId;
  readonly promptId: PromptId;
  readonly text: string;
  readonly perspectiveId: PerspectiveId | null;
  readonly createdAt: number;
}

export interface ReportTable {
  readonly id: TableId;
  readonly name: string;
  /** Visible notes only: hidden ones never reach the report. */
  readonly notes: readonly ReportNote[];
}

export interface ReportTheme {
  readonly id: ThemeId;
  readonly roundId: RoundId;
  readonly title: string;
  readonly order: number;
  /** In the facilitator's order. */
  readonly notes: readonly NoteRef[];
  /** Dots from every table. */
  readonly dots: number;
}

export interface ReportInsight {
  readonly id: InsightId;
  /** null: about the whole workshop. */
  readonly roundId: RoundId | null;
  readonly kind: InsightKind;
  readonly text: string;
  readonly themeIds: readonly ThemeId[];
  readonly createdAt: number;
}

export interface ReportInput {
  readonly title: string;
  /** The report's headings and labels follow the workshop's language. */
  readonly language: Language;
  /** ms since the epoch; the report shows its UTC date. */
  readonly createdAt: number;
  readonly rounds: readonly Round[];
  readonly perspectives: readonly Perspective[];
  /** In the workshop's order. */
  readonly tables: readonly ReportTable[];
  readonly themes: readonly ReportTheme[];
  readonly insights: readonly ReportInsight[];
  /** A follow-up's starting point: the earlier day's conclusions (copied into its meta). */
  readonly startingPoint?: StartingPoint | null;
}

/**
 * Reads the report's input from a workshop's documents. Tables come in the meta document's order;
 * a table document the meta document does not list (yet) comes after them, by id, so its notes are
 * not lost.
 */
export function reportInputFromDocs(
  meta: Y.Doc,
  synthesis: Y.Doc,
  tables: ReadonlyMap<TableId, Y.Doc>,
): ReportInput {
  const workshop = readMeta(meta);
  const listed = new Set<TableId>(workshop.tables.map((table) => table.id));
  const unlisted = [...tables.keys()].filter((id) => !listed.has(id)).sort(compareIds);
  const reportTables = [...workshop.tables, ...unlisted.map((id) => ({ id, name: "" }))].map(
    ({ id, name }): ReportTable => {
      const doc = tables.get(id);
      const notes = doc === undefined ? [] : allNotes(doc, { includeHidden: false });
      return {
        id,
        name,
        notes: notes.map(({ id: noteId, roundId, promptId, text, perspectiveId, createdAt }) => ({
          id: noteId,
          roundId,
          promptId,
          text,
          perspectiveId,
          createdAt,
        })),
      };
    },
  );
  const themes = allThemes(synthesis);
  const dots = voteTotals(
    [...tables.values()].map((doc) => readVotes(doc)),
    themes.map((theme) => theme.id),
  );
  return {
    title: workshop.title,
    language: workshop.language,
    createdAt: workshop.createdAt,
    rounds: workshop.rounds,
    perspectives: workshop.perspectives,
    tables: reportTables,
    themes: themes.map((theme) => ({ ...theme, dots: dots[theme.id] ?? 0 })),
    insights: allInsights(synthesis),
    startingPoint: readStartingPoint(meta),
  };
}
