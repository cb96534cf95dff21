/**
 * The Markdown report of a workshop (DESIGN.md "Markdown export"): a pure function from plain data
 * to text. Same input, same bytes: no clock, no locale, and every list is sorted by stored values
 * with ties broken by id, never by the order a map happened to iterate in.
 *
 * Layout: `# title`, a short list (date, language, tables, perspectives); per round `## title`,
 * its themes (`### title`, dot total, notes with table and perspective), its conclusions, insights
 * and actions, then per prompt (`### prompt`) the notes in no theme, grouped by table; at the end
 * the entries about the whole workshop. How text is made inert: `escape.ts`.
 */
import type { PerspectiveId, RoundId, TableId, ThemeId } from "../ids.ts";
import { INSIGHT_KINDS } from "../schema/synthesis.ts";
import { type NoteRef, noteRef } from "../schema/table.ts";
import { compareIds } from "../schema/values.ts";
import { escapeLine, markdownLines, singleLine, textLines } from "./escape.ts";
import { REPORT_LABELS, type ReportLabels } from "./labels.ts";
import type { ReportInput, ReportInsight, ReportNote, ReportTheme } from "./reportInput.ts";

export type { ReportInput, ReportInsight, ReportNote, ReportTable, ReportTheme } from "./reportInput.ts";
export { reportInputFromDocs } from "./reportInput.ts";

/** A visible note with the table it sits at. */
interface PlacedNote {
  readonly note: ReportNote;
  readonly tableId: TableId;
  readonly lines: readonly string[];
}

/** Everything the sections share, computed once. */
interface Context {
  readonly input: ReportInput;
  readonly labels: ReportLabels;
  readonly tableNames: ReadonlyMap<TableId, string>;
  readonly perspectives: ReadonlyMap<PerspectiveId, string>;
  readonly themeTitles: ReadonlyMap<ThemeId, string>;
  /** Each theme's notes: each note in at most one theme (the first in theme order). */
  readonly themeNotes: ReadonlyMap<ThemeId, readonly PlacedNote[]>;
  /** Notes in no theme, oldest first (then by id). */
  readonly loose: readonly PlacedNote[];
}

export function renderMarkdown(input: ReportInput): string {
  const context = buildContext(input);
  const { labels } = context;
  const roundIds = new Set<RoundId>(input.rounds.map((round) => round.id));
  const blocks = [
    heading(1, input.title, labels.untitledWorkshop),
    summary(context),
    ...startingPointBlocks(context),
  ];
  for (const round of input.rounds) blocks.push(...roundBlocks(context, round));

  // Nothing typed is lost: notes and entries whose round is gone still make it into the report.
  const orphans = context.loose.filter((placed) => !roundIds.has(placed.note.roundId));
  if (orphans.length > 0)
    blocks.push(heading(2, labels.notesWithoutRound, ""), tableGroups(context, orphans));
  const general = sortedInsights(input).filter((i) => i.roundId === null || !roundIds.has(i.roundId));
  if (general.length > 0)
    blocks.push(heading(2, labels.wholeWorkshop, ""), ...insightBlocks(context, general));
  return `${blocks.filter((block) => block !== "").join("\n\n")}\n`;
}

function buildContext(input: ReportInput): Context {
  const labels = REPORT_LABELS[input.language];
  const placed = new Map<NoteRef, PlacedNote>();
  for (const table of input.tables) {
    for (const note of table.notes) {
      const lines = textLines(note.text);
      // A note with nothing visible in it says nothing in a report.
      if (lines.length > 0) placed.set(noteRef(table.id, note.id), { note, tableId: table.id, lines });
    }
  }
  const roundIds = new Set<RoundId>(input.rounds.map((round) => round.id));
  const themeNotes = new Map<ThemeId, PlacedNote[]>();
  const themed = new Set<NoteRef>();
  // Only themes of existing rounds are shown, so only they take notes out of the prompt lists.
  for (const theme of sortedThemes(input).filter((t) => roundIds.has(t.roundId))) {
    const notes: PlacedNote[] = [];
    for (const ref of theme.notes) {
      const note = placed.get(ref);
      if (note === undefined || themed.has(ref)) continue;
      themed.add(ref);
      notes.push(note);
    }
    themeNotes.set(theme.id, notes);
  }
  const loose = [...placed.entries()]
    .filter(([ref]) => !themed.has(ref))
    .map(([, note]) => note)
    .sort((a, b) => a.note.createdAt - b.note.createdAt || compareIds(a.note.id, b.note.id));
  return {
    input,
    labels,
    tableNames: new Map(input.tables.map((table) => [table.id, table.name])),
    perspectives: new Map(input.perspectives.map((p) => [p.id, p.label])),
    themeTitles: new Map(input.themes.map((theme) => [theme.id, theme.title])),
    themeNotes,
    loose,
  };
}

function summary({ input, labels }: Context): string {
  const items: string[] = [];
  const date = isoDate(input.createdAt);
  if (date !== null) items.push(`${labels.date}: ${date}`);
  items.push(`${labels.language}: ${labels.languageName}`);
  const tables = input.tables.map((table) => inline(table.name, labels.unnamedTable));
  if (tables.length > 0) items.push(`${labels.tables}: ${tables.join(", ")}`);
  const perspectives = input.perspectives.map((p) => inline(p.label, "")).filter((p) => p !== "");
  if (perspectives.length > 0) items.push(`${labels.perspectives}: ${perspectives.join(", ")}`);
  return items.map((item) => `- ${item}`).join("\n");
}

function roundBlocks(context: Context, round: ReportInput["rounds"][number]): string[] {
  const { input, labels } = context;
  const blocks = [heading(2, round.title, labels.untitledRound)];
  const themes = sortedThemes(input).filter((theme) => theme.roundId === round.id);
  const insights = sortedInsights(input).filter((insight) => insight.roundId === round.id);
  const loose = context.loose.filter((placed) => placed.note.roundId === round.id);
  const themed = [...context.themeNotes.values()].flat().filter((p) => p.note.roundId === round.id);
  if (themes.length === 0 && insights.length === 0 && loose.length === 0) {
    return [...blocks, labels.emptyRound];
  }

  for (const theme of themes) {
    blocks.push(heading(3, theme.title, labels.untitledTheme));
    if (theme.dots > 0) blocks.push(labels.dots(theme.dots));
    const notes = context.themeNotes.get(theme.id) ?? [];
    blocks.push(notes.length === 0 ? labels.noNotes : notes.map((p) => themedItem(context, p)).join("\n"));
  }
  blocks.push(...insightBlocks(context, insights));

  const promptIds = new Set(round.prompts.map((prompt) => prompt.id));
  for (const prompt of round.prompts) {
    blocks.push(heading(3, prompt.label, labels.untitledPrompt));
    const notes = loose.filter((placed) => placed.note.promptId === prompt.id);
    // "Nothing was written" and "everything was sorted into themes" are different news.
    const sorted = themed.some((placed) => placed.note.promptId === prompt.id);
    const empty = sorted ? labels.allNotesInThemes : labels.noNotes;
    blocks.push(notes.length === 0 ? empty : tableGroups(context, notes));
  }
  const other = loose.filter((placed) => !promptIds.has(placed.note.promptId));
  if (other.length > 0) blocks.push(heading(3, labels.otherNotes, ""), tableGroups(context, other));
  return blocks;
}

/** A heading for each kind present, its entries oldest first, each with the themes it links to. */
function insightBlocks(context: Context, insights: readonly ReportInsight[]): string[] {
  const { labels } = context;
  const blocks: string[] = [];
  for (const kind of INSIGHT_KINDS) {
    const items = insights
      .filter((insight) => insight.kind === kind)
      .map((insight) => {
        const lines = textLines(insight.text);
        if (lines.length === 0) return "";
        const themes = insight.themeIds
          .filter((id) => context.themeTitles.has(id))
          .map((id) => inline(context.themeTitles.get(id) ?? "", labels.untitledTheme));
        const label = themes.length === 1 ? labels.theme : labels.themes;
        return item(lines, themes.length === 0 ? [] : [`${label}: ${themes.join(", ")}`], 0);
      })
      .filter((text) => text !== "");
    if (items.length > 0) blocks.push(heading(3, labels.kinds[kind], ""), items.join("\n"));
  }
  return blocks;
}

/** A follow-up's report opens with the earlier day's conclusions, naming that day. */
function startingPointBlocks({ input, labels }: Context): string[] {
  const point = input.startingPoint;
  if (!point || point.items.length === 0) return [];
  const date = isoDate(point.date);
  const from = `${labels.followUpOf} ${inline(point.title, labels.untitledWorkshop)}${date ? `, ${date}` : ""}`;
  const blocks = [heading(2, labels.startingPoint, ""), from];
  for (const kind of INSIGHT_KINDS) {
    const items = point.items
      .filter((entry) => entry.kind === kind)
      .flatMap((entry) => {
        const lines = textLines(entry.text);
        if (lines.length === 0) return [];
        const themes = entry.themes.map((title) => inline(title, labels.untitledTheme));
        const label = themes.length === 1 ? labels.theme : labels.themes;
        return [item(lines, themes.length === 0 ? [] : [`${label}: ${themes.join(", ")}`], 0)];
      });
    if (items.length > 0) blocks.push(heading(3, labels.kinds[kind], ""), items.join("\n"));
  }
  return blocks;
}

/** Notes grouped by table (in the workshop's table order): a list of tables, each with its notes. */
function tableGroups(context: Context, notes: readonly PlacedNote[]): string {
  const groups: string[] = [];
  for (const table of context.input.tables) {
    const own = notes.filter((placed) => placed.tableId === table.id);
    if (own.length === 0) continue;
    const items = own.map((placed) => item(placed.lines, perspective(context, placed), 1));
    groups.push([`- ${inline(table.name, context.labels.unnamedTable)}`, ...items].join("\n"));
  }
  return groups.join("\n");
}

function themedItem(context: Context, placed: PlacedNote): string {
  const table = inline(context.tableNames.get(placed.tableId) ?? "", context.labels.unnamedTable);
  return item(placed.lines, [table, ...perspective(context, placed)], 0);
}

function perspective(context: Context, placed: PlacedNote): string[] {
  const id = placed.note.perspectiveId;
  const label = id === null ? "" : inline(context.perspectives.get(id) ?? "", "");
  return label === "" ? [] : [label];
}

/**
 * One list item of literal text at `depth` (0: top level), its attribution (already escaped) after
 * a dash on the last line. Continuation lines are indented to the item's content.
 */
function item(lines: readonly string[], attribution: readonly string[], depth: number): string {
  const indent = "  ".repeat(depth);
  const suffix = attribution.length === 0 ? "" : ` — ${attribution.join(" · ")}`;
  return `${indent}- ${markdownLines(lines, indent.length + 2)}${suffix}`;
}

/** An ATX heading on one line; `fallback` when the title has nothing visible. */
function heading(level: number, title: string, fallback: string): string {
  return `${"#".repeat(level)} ${inline(title, fallback)}`;
}

/** A name or title as escaped text on one line. */
function inline(text: string, fallback: string): string {
  const line = singleLine(text);
  return escapeLine(line === "" ? fallback : line);
}

function sortedThemes(input: ReportInput): ReportTheme[] {
  return [...input.themes].sort((a, b) => a.order - b.order || compareIds(a.id, b.id));
}

function sortedInsights(input: ReportInput): ReportInsight[] {
  return [...input.insights].sort((a, b) => a.createdAt - b.createdAt || compareIds(a.id, b.id));
}

/** `YYYY-MM-DD` in UTC, by hand: toLocaleDateString would depend on the machine. */
function isoDate(ms: number): string | null {
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}
