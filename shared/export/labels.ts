/**
 * The Markdown report's own words, in the workshop's language (not the reader's: the report is a
 * document of that day). Wording follows the facilitator console and the screen.
 */
import type { Language } from "../schema/language.ts";
import type { InsightKind } from "../schema/synthesis.ts";

export interface ReportLabels {
  readonly date: string;
  readonly language: string;
  /** The workshop's language, named in itself. */
  readonly languageName: string;
  readonly tables: string;
  readonly perspectives: string;
  /** Section headings for each kind of synthesis entry. */
  readonly kinds: Readonly<Record<InsightKind, string>>;
  /** Before the themes an insight links to: one theme, several themes. */
  readonly theme: string;
  readonly themes: string;
  readonly dots: (n: number) => string;
  /** Heading of the insights that belong to no round. */
  readonly wholeWorkshop: string;
  readonly emptyRound: string;
  readonly noNotes: string;
  readonly allNotesInThemes: string;
  /** Notes whose prompt is not one of their round's, and notes whose round is gone. */
  readonly otherNotes: string;
  readonly notesWithoutRound: string;
  readonly untitledWorkshop: string;
  readonly untitledRound: string;
  readonly untitledTheme: string;
  readonly untitledPrompt: string;
  readonly unnamedTable: string;
  /** A follow-up's section with the earlier day's conclusions, and the line naming that day. */
  readonly startingPoint: string;
  readonly followUpOf: string;
}

const sv: ReportLabels = {
  date: "Datum",
  language: "Språk",
  languageName: "svenska",
  tables: "Bord",
  perspectives: "Perspektiv",
  kinds: { conclusion: "Slutsatser", insight: "Insikter", action: "Åtgärder" },
  theme: "Tema",
  themes: "Teman",
  dots: (n) => (n === 1 ? "1 prick" : `${n} prickar`),
  wholeWorkshop: "Hela workshoppen",
  startingPoint: "Utgångspunkt",
  followUpOf: "Uppföljning av",
  emptyRound: "Inga lappar eller teman i den här rundan.",
  noNotes: "Inga lappar.",
  allNotesInThemes: "Alla lappar finns i teman ovan.",
  otherNotes: "Övriga lappar",
  notesWithoutRound: "Lappar utan runda",
  untitledWorkshop: "Workshop utan namn",
  untitledRound: "Runda utan namn",
  untitledTheme: "Tema utan namn",
  untitledPrompt: "Fråga utan text",
  unnamedTable: "Bord utan namn",
};

const en: ReportLabels = {
  date: "Date",
  language: "Language",
  languageName: "English",
  tables: "Tables",
  perspectives: "Perspectives",
  kinds: { conclusion: "Conclusions", insight: "Insights", action: "Actions" },
  theme: "Theme",
  themes: "Themes",
  dots: (n) => (n === 1 ? "1 dot" : `${n} dots`),
  wholeWorkshop: "The whole workshop",
  startingPoint: "Starting point",
  followUpOf: "A follow-up of",
  emptyRound: "No notes or themes in this round.",
  noNotes: "No notes.",
  allNotesInThemes: "All notes are in the themes above.",
  otherNotes: "Other notes",
  notesWithoutRound: "Notes without a round",
  untitledWorkshop: "Untitled workshop",
  untitledRound: "Untitled round",
  untitledTheme: "Untitled theme",
  untitledPrompt: "Untitled question",
  unnamedTable: "Unnamed table",
};

export const REPORT_LABELS: Readonly<Record<Language, ReportLabels>> = { sv, en };
