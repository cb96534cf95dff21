import type { CreateWorkshopRequest } from "../../../shared/api.ts";
import { DEFAULT_PROMPTS, type Language } from "../../../shared/schema/language.ts";
import { STRINGS, type StringKey } from "../i18n/strings.ts";
import { SUGGESTED_PERSPECTIVES } from "./perspectives.ts";

/** The server's limits (server/routes/schemas.ts), checked here first so errors come in words. */
export const LIMITS = {
  title: 200,
  roundTitle: 300,
  prompt: 300,
  rounds: 30,
  prompts: 10,
  tables: 100,
  tableName: 80,
  perspectives: 50,
  perspective: 120,
} as const;

export const DEFAULT_TABLE_COUNT = 4;

/** One line of a list the facilitator edits; `key` keeps React's rows and the field ids stable. */
export interface Item {
  readonly key: number;
  readonly text: string;
}

export interface RoundDraft {
  readonly key: number;
  readonly title: string;
  readonly prompts: readonly Item[];
}

export interface SetupDraft {
  readonly title: string;
  readonly language: Language;
  readonly rounds: readonly RoundDraft[];
  readonly tableMode: "count" | "names";
  /** As typed, so a half-typed number is not lost. */
  readonly tableCount: string;
  readonly tableNames: readonly Item[];
  readonly perspectives: readonly Item[];
}

let nextKey = 1;
export function newKey(): number {
  return nextKey++;
}

export function item(text = ""): Item {
  return { key: newKey(), text };
}

export function newRound(language: Language): RoundDraft {
  return { key: newKey(), title: "", prompts: DEFAULT_PROMPTS[language].map((text) => item(text)) };
}

export function initialDraft(language: Language): SetupDraft {
  return {
    title: "",
    language,
    rounds: [newRound(language)],
    tableMode: "count",
    tableCount: String(DEFAULT_TABLE_COUNT),
    tableNames: [],
    perspectives: [],
  };
}

/** The workshop's words ("Bord", "Runda"): they end up in its documents, not in the interface. */
export function word(language: Language, key: "setupTableWord" | "setupRoundWord"): string {
  return STRINGS[language][key];
}

/** `text` in the other language when it is one of `from`'s entries, else unchanged. */
function translated(text: string, from: readonly string[], to: readonly string[]): string {
  const i = from.indexOf(text);
  return i === -1 ? text : (to[i] ?? text);
}

/**
 * Another workshop language: prompts still reading as the old language's defaults become the
 * new language's (and so do picked suggestions and default table names), so the facilitator
 * never retypes them. Anything they wrote themselves stays as written.
 */
export function switchLanguage(draft: SetupDraft, language: Language): SetupDraft {
  const prompts = [DEFAULT_PROMPTS[draft.language], DEFAULT_PROMPTS[language]] as const;
  const perspectives = [SUGGESTED_PERSPECTIVES[draft.language], SUGGESTED_PERSPECTIVES[language]] as const;
  const tableWords = [word(draft.language, "setupTableWord"), word(language, "setupTableWord")] as const;
  return {
    ...draft,
    language,
    rounds: draft.rounds.map((round) => ({
      ...round,
      prompts: round.prompts.map((p) => ({ ...p, text: translated(p.text, ...prompts) })),
    })),
    tableNames: draft.tableNames.map((table) => ({
      ...table,
      text: table.text.replace(new RegExp(`^${tableWords[0]} (\\d+)$`), `${tableWords[1]} $1`),
    })),
    perspectives: draft.perspectives.map((p) => ({ ...p, text: translated(p.text, ...perspectives) })),
  };
}

/** Ids of the fields, so an error can link to its field. */
export const fieldId = {
  title: "setup-title",
  roundTitle: (round: number) => `setup-round-${round}-title`,
  prompt: (round: number, prompt: number) => `setup-round-${round}-prompt-${prompt}`,
  addPrompt: (round: number) => `setup-round-${round}-add-prompt`,
  addRound: "setup-add-round",
  tableCount: "setup-table-count",
  tableName: (key: number) => `setup-table-${key}`,
  addTable: "setup-add-table",
  perspective: (key: number) => `setup-perspective-${key}`,
  addPerspective: "setup-add-perspective",
} as const;

export interface FieldError {
  /** The field's id; the error summary links to it. */
  readonly field: string;
  readonly message: StringKey;
  readonly params?: Readonly<Record<string, string | number>>;
  /** The field's name as shown, for the summary (`{field}` in the message). */
  readonly label?: { readonly key: StringKey; readonly params?: Readonly<Record<string, string | number>> };
}

/** Text with something visible in it (the server refuses blank or invisible-only text). */
export function hasText(text: string): boolean {
  return /[^\s\p{Cc}\p{Cf}]/u.test(text);
}

type Label = NonNullable<FieldError["label"]>;

function checkText(
  errors: FieldError[],
  field: string,
  text: string,
  max: number,
  label: Label,
  required = true,
): void {
  // UTF-16 units: never fewer than the server counts, so nothing passes here that it refuses.
  const length = text.trim().length;
  if (required && !hasText(text)) errors.push({ field, message: "setupErrorEmpty", label });
  else if (length > max) errors.push({ field, message: "setupErrorTooLong", label, params: { max, length } });
}

function checkList(
  errors: FieldError[],
  items: readonly Item[],
  max: number,
  id: (key: number) => string,
  labelKey: StringKey,
): void {
  const seen = new Set<string>();
  items.forEach((entry, i) => {
    const label: Label = { key: labelKey, params: { n: i + 1 } };
    const before = errors.length;
    checkText(errors, id(entry.key), entry.text, max, label);
    const normal = entry.text.trim().toLocaleLowerCase();
    if (errors.length === before && seen.has(normal)) {
      errors.push({
        field: id(entry.key),
        message: "setupErrorDuplicate",
        label,
        params: { text: entry.text.trim() },
      });
    }
    seen.add(normal);
  });
}

/** Every problem the server would refuse, in the order of the form. */
export function validate(draft: SetupDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (!hasText(draft.title)) errors.push({ field: fieldId.title, message: "setupErrorTitleMissing" });
  else checkText(errors, fieldId.title, draft.title, LIMITS.title, { key: "setupTitleLabel" });

  draft.rounds.forEach((round, r) => {
    const n = r + 1;
    checkText(
      errors,
      fieldId.roundTitle(round.key),
      round.title,
      LIMITS.roundTitle,
      {
        key: "setupRoundTitleLabel",
        params: { n },
      },
      false,
    );
    round.prompts.forEach((prompt, p) => {
      checkText(errors, fieldId.prompt(round.key, prompt.key), prompt.text, LIMITS.prompt, {
        key: "setupPromptLabel",
        params: { n, p: p + 1 },
      });
    });
  });

  if (draft.tableMode === "count") {
    const count = Number(draft.tableCount.trim());
    if (!/^\d+$/.test(draft.tableCount.trim()) || count < 1 || count > LIMITS.tables) {
      errors.push({
        field: fieldId.tableCount,
        message: "setupErrorTableCount",
        params: { max: LIMITS.tables },
      });
    }
  } else {
    checkList(errors, draft.tableNames, LIMITS.tableName, fieldId.tableName, "setupTableNameLabel");
  }
  checkList(errors, draft.perspectives, LIMITS.perspective, fieldId.perspective, "setupPerspectiveLabel");
  return errors;
}

/** The request for `POST /api/workshops`; call only when `validate` found nothing. */
export function toRequest(draft: SetupDraft): CreateWorkshopRequest {
  const roundWord = word(draft.language, "setupRoundWord");
  return {
    title: draft.title.trim(),
    language: draft.language,
    rounds: draft.rounds.map((round, r) => ({
      title: hasText(round.title) ? round.title.trim() : `${roundWord} ${r + 1}`,
      prompts: round.prompts.map((prompt) => prompt.text.trim()),
    })),
    tables:
      draft.tableMode === "count"
        ? Number(draft.tableCount.trim())
        : draft.tableNames.map((table) => table.text.trim()),
    perspectives: draft.perspectives.map((perspective) => perspective.text.trim()),
  };
}

/** Names for "name the tables", from the count chosen so far: the server's own defaults. */
export function defaultTableNames(draft: SetupDraft): Item[] {
  const count = Number(draft.tableCount.trim());
  const n = Number.isInteger(count) && count >= 1 && count <= LIMITS.tables ? count : DEFAULT_TABLE_COUNT;
  const tableWord = word(draft.language, "setupTableWord");
  return Array.from({ length: n }, (_, i) => item(`${tableWord} ${i + 1}`));
}
