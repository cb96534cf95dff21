/**
 * The workshop-day fixture format (test/fixtures/praktikerdialog.json and files like it), and a
 * parser that refuses a malformed file with the field it rejects.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_LANGUAGE, isLanguage, type Language } from "../../shared/schema/language.ts";
import { type InsightKind, isInsightKind } from "../../shared/schema/synthesis.ts";

// ---------------------------------------------------------------------------------------------
// The fixture format

export interface DayFixture {
  readonly title: string;
  readonly language: Language;
  /** `YYYY-MM-DD`: notes are dated this day, from 09:00 local time. */
  readonly date: string;
  readonly rounds: readonly { readonly title: string; readonly prompts: readonly string[] }[];
  readonly tables: readonly string[];
  readonly perspectives: readonly string[];
  readonly notes: readonly DayNote[];
  readonly themes: readonly DayTheme[];
  readonly insights: readonly DayInsight[];
}

export interface DayNote {
  /** A name from `tables`. */
  readonly table: string;
  /** Indices into `rounds` and that round's `prompts`. */
  readonly round: number;
  readonly prompt: number;
  /** A label from `perspectives`, or null. */
  readonly perspective: string | null;
  readonly text: string;
}

export interface DayTheme {
  readonly round: number;
  readonly title: string;
  /** `[table name, index into the fixture's notes]`: the table is repeated as a check. */
  readonly notes: readonly (readonly [string, number])[];
}

export interface DayInsight {
  /** null: about the whole day. */
  readonly round: number | null;
  readonly kind: InsightKind;
  readonly text: string;
}

/** The fixture is not a workshop day; the message names the offending field. */
export class DayFixtureError extends Error {
  override readonly name = "DayFixtureError";
}

/**
 * Checks a parsed JSON value field by field, cross-references included (a note's table, round,
 * prompt and perspective, a theme's notes), and returns it typed. Unknown fields are ignored:
 * `followUp` (the meeting weeks later) belongs to a later issue and is not seeded yet.
 */
export function parseDayFixture(value: unknown): DayFixture {
  const day = record(value, "the fixture");
  const title = text(day.title, "title");
  const language = day.language ?? DEFAULT_LANGUAGE;
  if (!isLanguage(language)) throw new DayFixtureError(`language: must be "sv" or "en"`);
  const date = text(day.date, "date");
  if (parseDate(date) === null) {
    throw new DayFixtureError(`date: must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }

  const rounds = list(day.rounds, "rounds", 1).map((item, r) => {
    const round = record(item, `rounds[${r}]`);
    return {
      title: text(round.title, `rounds[${r}].title`),
      prompts: list(round.prompts, `rounds[${r}].prompts`, 1).map((p, i) =>
        text(p, `rounds[${r}].prompts[${i}]`),
      ),
    };
  });
  const tables = unique(
    list(day.tables, "tables", 1).map((t, i) => text(t, `tables[${i}]`)),
    "tables",
  );
  const perspectives = unique(
    list(day.perspectives ?? [], "perspectives").map((p, i) => text(p, `perspectives[${i}]`)),
    "perspectives",
  );

  const notes = list(day.notes ?? [], "notes").map((item, i): DayNote => {
    const at = `notes[${i}]`;
    const note = record(item, at);
    const table = oneOf(text(note.table, `${at}.table`), tables, `${at}.table`);
    const round = index(note.round, rounds.length, `${at}.round`);
    const prompt = index(note.prompt, rounds[round]?.prompts.length ?? 0, `${at}.prompt`);
    const perspective =
      note.perspective === undefined || note.perspective === null
        ? null
        : oneOf(text(note.perspective, `${at}.perspective`), perspectives, `${at}.perspective`);
    return { table, round, prompt, perspective, text: text(note.text, `${at}.text`) };
  });

  const themes = list(day.themes ?? [], "themes").map((item, t): DayTheme => {
    const at = `themes[${t}]`;
    const theme = record(item, at);
    const refs = list(theme.notes ?? [], `${at}.notes`).map((pair, n): readonly [string, number] => {
      const where = `${at}.notes[${n}]`;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new DayFixtureError(`${where}: must be [table name, note index]`);
      }
      const [tableValue, indexValue]: unknown[] = pair;
      const table = text(tableValue, `${where}[0]`);
      const noteIndex = index(indexValue, notes.length, `${where}[1]`);
      const target = notes[noteIndex];
      if (target?.table !== table) {
        throw new DayFixtureError(
          `${where}: notes[${noteIndex}] belongs to ${JSON.stringify(target?.table)}, not ${JSON.stringify(table)}`,
        );
      }
      return [table, noteIndex];
    });
    return {
      round: index(theme.round, rounds.length, `${at}.round`),
      title: text(theme.title, `${at}.title`),
      notes: refs,
    };
  });

  const insights = list(day.insights ?? [], "insights").map((item, i): DayInsight => {
    const at = `insights[${i}]`;
    const insight = record(item, at);
    const kind = insight.kind;
    if (!isInsightKind(kind)) throw new DayFixtureError(`${at}.kind: must be conclusion, insight or action`);
    const round =
      insight.round === null || insight.round === undefined
        ? null
        : index(insight.round, rounds.length, `${at}.round`);
    return { round, kind, text: text(insight.text, `${at}.text`) };
  });

  return { title, language, date, rounds, tables, perspectives, notes, themes, insights };
}

/** Reads and checks a fixture file; errors name the file. */
export function readDayFixture(file: string): DayFixture {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DayFixtureError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseDayFixture(raw);
  } catch (error) {
    if (error instanceof DayFixtureError) throw new DayFixtureError(`${file}: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Small checks, each naming the field it rejects

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DayFixtureError(`${at}: must be an object`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, at: string, min = 0): unknown[] {
  if (!Array.isArray(value)) throw new DayFixtureError(`${at}: must be an array`);
  if (value.length < min)
    throw new DayFixtureError(`${at}: needs at least ${min} entr${min === 1 ? "y" : "ies"}`);
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new DayFixtureError(`${at}: must be a non-empty string`);
  }
  return value.trim();
}

function index(value: unknown, length: number, at: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= length) {
    throw new DayFixtureError(
      `${at}: must be a whole number from 0 to ${length - 1}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function oneOf(value: string, allowed: readonly string[], at: string): string {
  if (!allowed.includes(value)) {
    throw new DayFixtureError(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}`);
  }
  return value;
}

/** Names and labels are looked up by text, so each must be unique. */
function unique(values: string[], at: string): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new DayFixtureError(`${at}: ${JSON.stringify(value)} appears twice`);
    seen.add(value);
  }
  return values;
}

/** 09:00 local time on a `YYYY-MM-DD` day, or null if it is not a real date. */
export function parseDate(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(year, month - 1, day, 9, 0, 0, 0);
  // Date rolls 2024-02-31 over into March; a real date comes back unchanged.
  if (at.getFullYear() !== year || at.getMonth() !== month - 1 || at.getDate() !== day) return null;
  return at.getTime();
}
