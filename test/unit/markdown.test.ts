import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Parser } from "commonmark";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { openSqliteStore } from "../../server/store/sqlite.ts";
import { readWorkshop } from "../../server/workshops/readWorkshop.ts";
import { readDayFixture, seedDay } from "../../server/workshops/seedDay.ts";
import { renderMarkdown, reportInputFromDocs } from "../../shared/export/markdown.ts";
import type {
  InsightId,
  NoteId,
  PerspectiveId,
  PromptId,
  RoundId,
  TableId,
  ThemeId,
} from "../../shared/ids.ts";
import type { Language } from "../../shared/schema/language.ts";
import { initMeta } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme, type InsightKind } from "../../shared/schema/synthesis.ts";
import { createNote, noteRef, setNoteHidden, setVotes } from "../../shared/schema/table.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/praktikerdialog.json", import.meta.url));
const GOLDEN = fileURLToPath(new URL("../fixtures/praktikerdialog.report.md", import.meta.url));
/** When the fixture day's workshop was created: the report's date. */
const CREATED_AT = Date.UTC(2024, 1, 6, 7, 30);

/** The fixture day seeded into an in-memory store, read back and rendered, as the route does. */
async function renderDay(language?: Language): Promise<string> {
  const day = readDayFixture(FIXTURE);
  const store = openSqliteStore({ file: ":memory:" });
  try {
    const seeded = await seedDay(
      store,
      "http://samla.test",
      { ...day, language: language ?? day.language },
      CREATED_AT,
    );
    const docs = await readWorkshop(store, seeded.workshopId);
    if (docs === null) throw new Error("the seeded workshop is not in the store");
    try {
      return renderMarkdown(reportInputFromDocs(docs.meta, docs.synthesis, docs.tables));
    } finally {
      docs.destroy();
    }
  } finally {
    await store.close();
  }
}

describe("the fixture day's report", () => {
  it("is exactly the golden file (Swedish)", async () => {
    const report = await renderDay();
    // UPDATE_GOLDEN=1 rewrites it; read the diff before committing.
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, report);
    expect(report).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("shows every visible note of the day exactly once, and parses as plain lists and headings", async () => {
    const report = await renderDay();
    for (const note of readDayFixture(FIXTURE).notes) {
      expect(report.split(note.text).length - 1, note.text).toBe(1);
    }
    const types = new Set<string>();
    const walker = new Parser().parse(report).walker();
    for (let event = walker.next(); event !== null; event = walker.next()) types.add(event.node.type);
    expect([...types].sort()).toEqual(["document", "heading", "item", "list", "paragraph", "text"]);
  });

  it.each<[Language, readonly string[]]>([
    [
      "sv",
      ["- Datum: 2024-02-06", "- Språk: svenska", "- Bord: Bord 1,", "### Slutsatser", "## Hela workshoppen"],
    ],
    [
      "en",
      [
        "- Date: 2024-02-06",
        "- Language: English",
        "- Tables: Bord 1,",
        "### Conclusions",
        "## The whole workshop",
      ],
    ],
  ])("speaks the workshop's language (%s)", async (language, lines) => {
    const report = await renderDay(language);
    for (const line of lines) expect(report).toContain(`\n${line}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Small workshops built by hand

interface NoteSpec {
  readonly table: string;
  readonly id: string;
  readonly text: string;
  readonly at: number;
  readonly round?: string;
  readonly prompt?: string;
  readonly perspective?: string;
  readonly hidden?: boolean;
}

interface Spec {
  readonly language?: Language;
  readonly createdAt?: number;
  readonly rounds?: readonly { id: string; title: string; prompts: readonly [string, string][] }[];
  readonly notes?: readonly NoteSpec[];
  readonly themes?: readonly { id: string; title: string; order: number; round?: string; notes: string[] }[];
  readonly insights?: readonly {
    id: string;
    kind: InsightKind;
    text: string;
    at: number;
    round?: string | null;
    themes?: string[];
  }[];
  readonly votes?: readonly { table: string; theme: string; dots: number }[];
}

const ROUND = {
  id: "r1",
  title: "Samverkan",
  prompts: [
    ["p1", "Hur ser det ut i dag?"],
    ["p2", "Hur kan vi nå förändring?"],
  ] as [string, string][],
};

/** Builds the three kinds of documents; `order` permutes the order things are written in. */
function build(spec: Spec, order: <T>(items: readonly T[]) => readonly T[] = (items) => items) {
  const meta = new Y.Doc();
  initMeta(meta, {
    title: "Testdag",
    language: spec.language ?? "sv",
    createdAt: spec.createdAt ?? CREATED_AT,
    rounds: (spec.rounds ?? [ROUND]).map((round) => ({
      id: round.id as RoundId,
      title: round.title,
      prompts: round.prompts.map(([id, label]) => ({ id: id as PromptId, label })),
    })),
    tables: [
      { id: "t1" as TableId, name: "Bord 1" },
      { id: "t2" as TableId, name: "Bord 2" },
    ],
    perspectives: [
      { id: "soc" as PerspectiveId, label: "Socialtjänst" },
      { id: "pol" as PerspectiveId, label: "Polis" },
    ],
  });
  const tables = new Map<TableId, Y.Doc>(order(["t1", "t2"]).map((id) => [id as TableId, new Y.Doc()]));
  const table = (id: string) => tables.get(id as TableId) ?? new Y.Doc();
  for (const note of order(spec.notes ?? [])) {
    const doc = table(note.table);
    createNote(doc, {
      id: note.id as NoteId,
      roundId: (note.round ?? "r1") as RoundId,
      promptId: (note.prompt ?? "p1") as PromptId,
      text: note.text,
      perspectiveId: (note.perspective ?? null) as PerspectiveId | null,
      createdAt: note.at,
    });
    if (note.hidden === true) setNoteHidden(doc, note.id as NoteId, true);
  }
  for (const vote of order(spec.votes ?? [])) setVotes(table(vote.table), vote.theme as ThemeId, vote.dots);
  const synthesis = new Y.Doc();
  for (const theme of order(spec.themes ?? [])) {
    const id = createTheme(synthesis, {
      id: theme.id as ThemeId,
      roundId: (theme.round ?? "r1") as RoundId,
      title: theme.title,
      order: theme.order,
    });
    for (const ref of theme.notes) {
      const [tableId, noteId] = ref.split("/") as [TableId, NoteId];
      addNoteToTheme(synthesis, id, noteRef(tableId, noteId));
    }
  }
  for (const insight of order(spec.insights ?? [])) {
    addInsight(synthesis, {
      id: insight.id as InsightId,
      roundId: (insight.round === undefined ? "r1" : insight.round) as RoundId | null,
      kind: insight.kind,
      text: insight.text,
      themeIds: (insight.themes ?? []) as ThemeId[],
      createdAt: insight.at,
    });
  }
  return { meta, synthesis, tables };
}

function render(spec: Spec, order?: <T>(items: readonly T[]) => readonly T[]): string {
  const { meta, synthesis, tables } = build(spec, order);
  return renderMarkdown(reportInputFromDocs(meta, synthesis, tables));
}

/** The report after its title and summary: from the first round heading on. */
function body(report: string): string {
  const at = report.indexOf("\n## ");
  if (at < 0) throw new Error(`no round heading in:\n${report}`);
  return report.slice(at + 1);
}

/** A seeded shuffle (mulberry32), so a failing order can be replayed. */
function shuffler(seed: number) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return <T>(items: readonly T[]): readonly T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
}

const n = (table: string, id: string, at: number, extra: Partial<NoteSpec> = {}): NoteSpec => ({
  table,
  id,
  at,
  text: `Lapp ${id}`,
  ...extra,
});

const PROMPTS = "### Hur ser det ut i dag?\n\n";
const CHANGE = "### Hur kan vi nå förändring?\n\n";

describe("renderMarkdown", () => {
  it.each<[string, Spec, string]>([
    [
      "hidden notes are left out, in prompt lists and inside themes",
      {
        notes: [n("t1", "a", 1), n("t1", "b", 2, { hidden: true }), n("t2", "c", 3, { hidden: true })],
        themes: [{ id: "th", title: "Tema", order: 0, notes: ["t2/c"] }],
      },
      `## Samverkan\n\n### Tema\n\nInga lappar.\n\n${PROMPTS}- Bord 1\n  - Lapp a\n\n${CHANGE}Inga lappar.\n`,
    ],
    [
      "a note in a theme shows under the theme, with table and perspective, and not again under its prompt",
      {
        notes: [n("t1", "a", 1, { perspective: "soc" }), n("t2", "b", 2), n("t2", "c", 3, { prompt: "p2" })],
        themes: [{ id: "th", title: "Tema", order: 0, notes: ["t1/a"] }],
      },
      "## Samverkan\n\n### Tema\n\n- Lapp a — Bord 1 · Socialtjänst\n\n" +
        `${PROMPTS}- Bord 2\n  - Lapp b\n\n${CHANGE}- Bord 2\n  - Lapp c\n`,
    ],
    [
      "themes come in `order`, then by id; notes in a theme in the facilitator's order",
      {
        notes: [n("t1", "a", 1), n("t1", "b", 2), n("t2", "c", 3)],
        themes: [
          { id: "z", title: "Andra", order: 1, notes: ["t2/c", "t1/a"] },
          { id: "y", title: "Tredje", order: 2, notes: [] },
          { id: "x", title: "Första", order: 0, notes: ["t1/b"] },
          { id: "w", title: "Också andra, men id w", order: 1, notes: [] },
        ],
      },
      "## Samverkan\n\n### Första\n\n- Lapp b — Bord 1\n\n### Också andra, men id w\n\nInga lappar.\n\n" +
        "### Andra\n\n- Lapp c — Bord 2\n- Lapp a — Bord 1\n\n### Tredje\n\nInga lappar.\n\n" +
        `${PROMPTS}Alla lappar finns i teman ovan.\n\n${CHANGE}Inga lappar.\n`,
    ],
    [
      "vote totals are summed over tables and shown only for themes with dots",
      {
        themes: [
          { id: "x", title: "Tre prickar", order: 0, notes: [] },
          { id: "y", title: "En prick", order: 1, notes: [] },
          { id: "z", title: "Inga prickar", order: 2, notes: [] },
        ],
        votes: [
          { table: "t1", theme: "x", dots: 2 },
          { table: "t2", theme: "x", dots: 1 },
          { table: "t2", theme: "y", dots: 1 },
        ],
      },
      "## Samverkan\n\n### Tre prickar\n\n3 prickar\n\nInga lappar.\n\n### En prick\n\n1 prick\n\n" +
        `Inga lappar.\n\n### Inga prickar\n\nInga lappar.\n\n${PROMPTS}Inga lappar.\n\n${CHANGE}Inga lappar.\n`,
    ],
    [
      "notes of a prompt: tables in the workshop's order, notes by time then id",
      { notes: [n("t2", "d", 5), n("t1", "b", 7), n("t1", "a", 7), n("t2", "c", 1), n("t1", "e", 3)] },
      `## Samverkan\n\n${PROMPTS}- Bord 1\n  - Lapp e\n  - Lapp a\n  - Lapp b\n- Bord 2\n  - Lapp c\n` +
        `  - Lapp d\n\n${CHANGE}Inga lappar.\n`,
    ],
    [
      "conclusions, insights and actions after the themes, each with the themes it links to",
      {
        themes: [
          { id: "x", title: "Stuprör", order: 0, notes: [] },
          { id: "y", title: "Språk", order: 1, notes: [] },
        ],
        insights: [
          { id: "i3", kind: "action", text: "Boka möte", at: 3, themes: ["y", "x"] },
          { id: "i1", kind: "conclusion", text: "Skriv in samverkan", at: 1, themes: ["x"] },
          { id: "i2", kind: "conclusion", text: "Ett språk", at: 2 },
          { id: "i0", kind: "insight", text: "Hela dagen", at: 0, round: null },
        ],
      },
      "## Samverkan\n\n### Stuprör\n\nInga lappar.\n\n### Språk\n\nInga lappar.\n\n" +
        "### Slutsatser\n\n- Skriv in samverkan — Tema: Stuprör\n- Ett språk\n\n" +
        "### Åtgärder\n\n- Boka möte — Teman: Språk, Stuprör\n\n" +
        `${PROMPTS}Inga lappar.\n\n${CHANGE}Inga lappar.\n\n## Hela workshoppen\n\n### Insikter\n\n- Hela dagen\n`,
    ],
    [
      "an empty round says so in one sentence",
      {
        rounds: [ROUND, { id: "r2", title: "Tom runda", prompts: [["q", "Fråga"]] }],
        notes: [n("t1", "a", 1)],
      },
      `## Samverkan\n\n${PROMPTS}- Bord 1\n  - Lapp a\n\n${CHANGE}Inga lappar.\n\n` +
        "## Tom runda\n\nInga lappar eller teman i den här rundan.\n",
    ],
    [
      "an empty round in English",
      { language: "en", rounds: [{ id: "r1", title: "Empty", prompts: [["q", "Question"]] }] },
      "## Empty\n\nNo notes or themes in this round.\n",
    ],
    [
      "a line break in a note is a hard break inside the same item",
      { notes: [n("t1", "a", 1, { text: "Första raden\r\nandra raden", perspective: "pol" })] },
      `## Samverkan\n\n${PROMPTS}- Bord 1\n  - Första raden\\\n    andra raden — Polis\n\n${CHANGE}Inga lappar.\n`,
    ],
    [
      "notes whose prompt or round is gone are kept, at the end of their round or of the report",
      { notes: [n("t1", "a", 1, { prompt: "gone" }), n("t2", "b", 2, { round: "gone" })] },
      `## Samverkan\n\n${PROMPTS}Inga lappar.\n\n${CHANGE}Inga lappar.\n\n### Övriga lappar\n\n` +
        "- Bord 1\n  - Lapp a\n\n## Lappar utan runda\n\n- Bord 2\n  - Lapp b\n",
    ],
    [
      "a note with nothing visible is left out",
      { notes: [n("t1", "a", 1, { text: " \n\t\u200b " }), n("t1", "b", 2)] },
      `## Samverkan\n\n${PROMPTS}- Bord 1\n  - Lapp b\n\n${CHANGE}Inga lappar.\n`,
    ],
  ])("%s", (_name, spec, expected) => {
    expect(body(render(spec))).toBe(expected);
  });

  it.each<[string, Spec, string]>([
    ["date from createdAt, in UTC", { createdAt: Date.UTC(2024, 11, 31, 23, 59) }, "- Datum: 2024-12-31\n"],
    ["no date when it is unknown", { createdAt: 0 }, "# Testdag\n\n- Språk: svenska\n"],
    ["the tables and perspectives", {}, "- Bord: Bord 1, Bord 2\n- Perspektiv: Socialtjänst, Polis\n"],
  ])("the summary: %s", (_name, spec, expected) => {
    expect(render(spec)).toContain(expected);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "gives the same bytes whatever order things were written in (seed %i)",
    (seed) => {
      const spec: Spec = {
        rounds: [ROUND, { id: "r2", title: "Insatser", prompts: [["q1", "Fråga"]] }],
        notes: [
          ...Array.from({ length: 12 }, (_, i) =>
            n(i % 2 === 0 ? "t1" : "t2", `n${i}`, 100 + (i % 4), {
              prompt: i % 3 === 0 ? "p2" : "p1",
              perspective: i % 5 === 0 ? "soc" : undefined,
            }),
          ),
          n("t1", "m1", 50, { round: "r2", prompt: "q1" }),
          n("t2", "m2", 50, { round: "r2", prompt: "q1" }),
        ],
        themes: [
          { id: "th-b", title: "B", order: 1, notes: ["t2/n1", "t1/n4"] },
          { id: "th-a", title: "A", order: 1, notes: ["t1/n0"] },
          { id: "th-c", title: "C", order: 0, round: "r2", notes: ["t2/m2"] },
        ],
        insights: [
          { id: "i2", kind: "conclusion", text: "Två", at: 5, themes: ["th-b", "th-a"] },
          { id: "i1", kind: "conclusion", text: "Ett", at: 5 },
          { id: "i3", kind: "action", text: "Tre", at: 1, round: null },
        ],
        votes: [
          { table: "t1", theme: "th-a", dots: 2 },
          { table: "t2", theme: "th-a", dots: 1 },
        ],
      };
      expect(render(spec, shuffler(seed))).toBe(render(spec));
    },
  );
});
