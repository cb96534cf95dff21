/**
 * Note text is text: whatever a participant (or a facilitator, in a title) typed, a real CommonMark
 * parser reads the report back as the same plain text, in the same single list item or heading.
 * The raw text is also checked for what GFM-style renderers would turn into tables or links.
 */
import { type Node, Parser } from "commonmark";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { renderMarkdown, reportInputFromDocs } from "../../shared/export/markdown.ts";
import type { NoteId, PerspectiveId, PromptId, RoundId, TableId, ThemeId } from "../../shared/ids.ts";
import { initMeta } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme } from "../../shared/schema/synthesis.ts";
import { createNote, noteRef } from "../../shared/schema/table.ts";

const CORPUS: readonly string[] = [
  "# Rubrik",
  "## Två\n### Tre",
  "   # indragen rubrik",
  "* stjärna",
  "- streck",
  "+ plus",
  "1. ett\n2. två",
  "1) ett",
  "2024. Ett år att minnas",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "a | b\n--- | ---\nc | d",
  "| ensam pipe",
  "[klicka](javascript:alert(1))",
  "![](http://evil.example/x.png)",
  "[länk]\n\n[länk]: http://example.com",
  '[x]: http://example.com "titel"',
  "<img src=x onerror=alert(1)>",
  "<!-- kommentar -->",
  "<script>alert('x')</script>",
  "<div>\n\n*block*\n\n</div>",
  '<details open ontoggle="alert(1)">',
  "`kod`",
  "``dubbla `backticks` ``",
  "```\nkod\n```",
  "~~~js\nalert(1)\n~~~",
  "\\",
  "slut med backslash \\",
  "\\*inte kursiv\\* \\# inte rubrik \\[inte länk\\]",
  "*emph* och **strong** och ***båda***",
  "_u_ och __dubbel__ och snake_case_ord",
  "&amp; &lt; &#x3C; &#60; &copy; &#0;",
  "<http://example.com>\n<mailto:a@b.se>",
  "www.example.com/path. Och WWW.EXEMPEL.SE",
  "http://example.com/path?q=1&r=2",
  "mejla ola@example.se eller ring",
  "foo.bar:8080/x och 192.168.0.1",
  "javascript:alert(1)",
  "Rubrik\n---",
  "Rubrik\n===",
  "***\n---\n___",
  "\tindraget med tabb\toch tabb i mitten",
  "    fyra mellanslag\n        åtta mellanslag",
  "rad ett\nrad två",
  "rad ett\r\nrad två\r\n",
  "rad ett\rrad två",
  "Första raden\n\n\nefter tomma rader",
  "\n\n  inledande tomrader  \n\n",
  "a  \nb med två mellanslag före radbrytningen",
  "> citat\n>> nästlat",
  '=HYPERLINK("http://evil.example","klicka")',
  "+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "Summa:\n=1+1\n+2\n-3\n@4",
  "rad ett\u2028rad två\u2029rad tre\u0085rad fyra",
  "noll\u200bbredd\u200c tecken\u200d och\ufeff bom",
  "\u200b# rubrik efter nollbredd\n\u00a0- lista efter nbsp",
  "a\u202eb\u202c c\u2066d\u2069",
  "text\u0000med\u0007kontroll\u001btecken\u007f",
  "- [ ] uppgift\n- [x] klar",
  "~~struken~~ och ~enkel~",
  "$$\\frac{1}{2}$$ och $x$",
  "[^1]: fotnot\ntext[^1]",
  "{: .class} {#id}",
  "Notering :smile: @here #123",
  ": definition\n:: mer",
  "Kl. 10:30 – mötet, t.ex. i rum 3.5",
  "Åsa, Östen & Ärla: <b>fet</b> räksmörgås på *svenska*",
  "é med e\u0301 och emoji 👨‍👩‍👧 🏳️‍🌈",
  "<http://a.se>](http://b.se)[",
  "![bild](data:image/png;base64,AAAA) [a]: <x>",
  "\\\n- ny punkt efter backslash\n  - indragen",
];

/** The documented normalisation (shared/export/escape.ts), written out again independently. */
function cleaned(typed: string): string[] {
  return (
    typed
      .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the normalisation drops them.
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "")
      .replace(/\t/g, " ")
      .split("\n")
      .map((line) => line.replace(/^ +| +$/g, ""))
  );
}

const formulaSafe = (line: string) => (/^[=+\-@]/.test(line) ? `'${line}` : line);

/** A note's lines: empty lines kept inside, dropped at both ends; each line formula-safe. */
function normalised(typed: string): string[] {
  const lines = cleaned(typed).map(formulaSafe);
  while (lines[0] === "") lines.shift();
  while (lines.at(-1) === "") lines.pop();
  return lines;
}

/** A title: one line, its lines joined by spaces. */
function normalisedTitle(typed: string): string {
  return formulaSafe(
    cleaned(typed)
      .filter((line) => line !== "")
      .join(" "),
  );
}

interface Variant {
  readonly workshop?: string;
  readonly round?: string;
  readonly prompt?: string;
  readonly theme?: string;
  readonly note?: string;
  readonly conclusion?: string;
  readonly table?: string;
}

const IDS = { round: "r1" as RoundId, prompt: "p1" as PromptId, theme: "th" as ThemeId };
const T1 = "t1" as TableId;
const T2 = "t2" as TableId;

/**
 * One round, one prompt, two tables. At Bord 1 the note sits between two plain ones in the prompt's
 * list; at Bord 2 the same text sits between two plain ones in a theme, which a conclusion links to.
 */
function report(variant: Variant): string {
  const meta = new Y.Doc();
  initMeta(meta, {
    title: variant.workshop ?? "Dagen",
    language: "sv",
    createdAt: Date.UTC(2024, 1, 6),
    rounds: [
      {
        id: IDS.round,
        title: variant.round ?? "Rundan",
        prompts: [{ id: IDS.prompt, label: variant.prompt ?? "Frågan" }],
      },
    ],
    tables: [
      { id: T1, name: "Bord 1" },
      { id: T2, name: variant.table ?? "Bord 2" },
    ],
    perspectives: [{ id: "soc" as PerspectiveId, label: "Socialtjänst" }],
  });
  const synthesis = new Y.Doc();
  createTheme(synthesis, { id: IDS.theme, roundId: IDS.round, title: variant.theme ?? "Temat", order: 0 });
  addInsight(synthesis, {
    roundId: IDS.round,
    kind: "conclusion",
    text: variant.conclusion ?? "Slutsatsen",
    themeIds: [IDS.theme],
    createdAt: 1,
  });
  const tables = new Map<TableId, Y.Doc>();
  for (const table of [T1, T2]) {
    const doc = new Y.Doc();
    tables.set(table, doc);
    const texts = ["Före", variant.note ?? "Mitten", "Efter"];
    texts.forEach((text, i) => {
      const id = `n${i}` as NoteId;
      const perspectiveId = i === 1 ? ("soc" as PerspectiveId) : null;
      createNote(doc, { id, roundId: IDS.round, promptId: IDS.prompt, text, perspectiveId, createdAt: i });
      if (table === T2) addNoteToTheme(synthesis, IDS.theme, noteRef(table, id));
    });
  }
  return renderMarkdown(reportInputFromDocs(meta, synthesis, tables));
}

// ---------------------------------------------------------------------------------------------
// Reading the parsed tree

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let child = node.firstChild; child !== null; child = child.next) out.push(child);
  return out;
}

/** Every node type below `node` (itself included). */
function types(node: Node): Set<string> {
  const found = new Set<string>();
  const walker = node.walker();
  for (let event = walker.next(); event !== null; event = walker.next()) found.add(event.node.type);
  return found;
}

/** The text a reader sees; line breaks as `\n`. */
function textOf(node: Node): string {
  let text = "";
  const walker = node.walker();
  for (let event = walker.next(); event !== null; event = walker.next()) {
    if (!event.entering) continue;
    const { type, literal } = event.node;
    if (type === "text") text += literal ?? "";
    else if (type === "softbreak" || type === "linebreak") text += "\n";
  }
  return text;
}

function headings(doc: Node): { level: number; text: string; node: Node }[] {
  return children(doc)
    .filter((node) => node.type === "heading")
    .map((node) => ({ level: node.level, text: textOf(node), node }));
}

/** The block right after the heading with this level and text. */
function blockAfter(doc: Node, level: number, text: string): Node {
  const found = headings(doc).filter((h) => h.level === level && h.text === text);
  expect(found, `one heading ${level} ${JSON.stringify(text)}`).toHaveLength(1);
  const next = found[0]?.node.next;
  if (next === null || next === undefined) throw new Error(`nothing after heading ${text}`);
  return next;
}

/**
 * A note's item: paragraphs of plain text only, nothing a renderer would turn into anything else.
 * Its continuation lines are indented to the item's content, not left to lazy continuation (which
 * renderers handle less alike).
 */
function expectPlainItem(item: Node, expected: string, raw: string): void {
  expect(item.type).toBe("item");
  const [[startLine, startColumn], [endLine]] = item.sourcepos;
  const indent = " ".repeat(startColumn - 1 + 2);
  for (const line of raw.split("\n").slice(startLine, endLine))
    expect(line.startsWith(indent), line).toBe(true);
  for (const paragraph of children(item)) expect(paragraph.type).toBe("paragraph");
  expect(
    [...types(item)].filter((t) => !["item", "paragraph", "text", "softbreak", "linebreak"].includes(t)),
  ).toEqual([]);
  expect(textOf(item)).toBe(expected);
}

/** Characters not preceded by an escaping backslash, with what follows each. */
function unescaped(raw: string): { char: string; rest: string }[] {
  const out: { char: string; rest: string }[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else out.push({ char: raw.charAt(i), rest: raw.slice(i + 1, i + 3) });
  }
  return out;
}

/**
 * What GFM and linkify renderers look for in raw text, beyond CommonMark. The rule: no `<` at all
 * (entities instead), no unescaped `|`, `@`, `~`, `*` or `_`, no `://` and no `www.` (a `.` or `:`
 * followed by anything but a space or the end of a line is escaped).
 */
function expectInertForGfm(raw: string): void {
  // Whatever follows our own heading or list marker (or an item's indentation) starts as text:
  // no block syntax of any flavour (definition lists, pandoc's `%`, …) can begin there.
  for (const line of raw.split("\n")) {
    const content = line.replace(/^(#+ | *- | +)/, "");
    expect(/^[!-%'-/:-@[\]-`{-~]/.test(content), line).toBe(false);
  }
  expect(raw).not.toContain("<");
  expect(raw).not.toContain("://");
  expect(raw).not.toMatch(/www\./i);
  const bare = unescaped(raw);
  expect(bare.filter(({ char }) => "|@~*_[]`".includes(char))).toEqual([]);
  // A line's end may carry the hard break's backslash.
  const safeAfter = /^($| |\n|\\\n)/;
  expect(bare.filter(({ char, rest }) => (char === "." || char === ":") && !safeAfter.test(rest))).toEqual(
    [],
  );
}

/** The whole report keeps its shape: its five headings, and nothing but lists and plain text. */
function expectShape(
  doc: Node,
  titles: { workshop: string; round: string; theme: string; prompt: string },
): void {
  expect(headings(doc).map(({ level, text }) => [level, text])).toEqual([
    [1, titles.workshop],
    [2, titles.round],
    [3, titles.theme],
    [3, "Slutsatser"],
    [3, titles.prompt],
  ]);
  const bad = [
    "link",
    "image",
    "html_inline",
    "html_block",
    "code",
    "code_block",
    "emph",
    "strong",
    "block_quote",
    "thematic_break",
  ];
  expect([...types(doc)].filter((t) => bad.includes(t))).toEqual([]);
}

describe.each(CORPUS.map((text, i) => [i, JSON.stringify(text).slice(0, 60), text] as const))(
  "hostile text %i: %s",
  (_i, _label, text) => {
    const plain = { workshop: "Dagen", round: "Rundan", theme: "Temat", prompt: "Frågan" };

    it("as a note: exactly one list item of the same plain text, in a theme and in a prompt's list", () => {
      const raw = report({ note: text });
      const doc = new Parser().parse(raw);
      expectShape(doc, plain);
      const expected = `${normalised(text).join("\n")} — `;

      const themed = blockAfter(doc, 3, "Temat");
      expect(themed.type).toBe("list");
      const themedItems = children(themed);
      expect(themedItems).toHaveLength(3);
      expectPlainItem(themedItems[0]!, "Före — Bord 2", raw);
      expectPlainItem(themedItems[1]!, `${expected}Bord 2 · Socialtjänst`, raw);
      expectPlainItem(themedItems[2]!, "Efter — Bord 2", raw);

      const prompt = blockAfter(doc, 3, "Frågan");
      expect(prompt.type).toBe("list");
      const groups = children(prompt);
      expect(groups).toHaveLength(1);
      const [label, list, ...rest] = children(groups[0]!);
      expect(rest).toEqual([]);
      expect(label?.type === "paragraph" && textOf(label)).toBe("Bord 1");
      const items = children(list!);
      expect(items).toHaveLength(3);
      expectPlainItem(items[0]!, "Före", raw);
      expectPlainItem(items[1]!, `${expected}Socialtjänst`, raw);
      expectPlainItem(items[2]!, "Efter", raw);

      expectInertForGfm(raw);
    });

    it.each<[keyof Variant & keyof typeof plain]>([["workshop"], ["round"], ["theme"], ["prompt"]])(
      "as the %s's title: one heading with the literal title",
      (where) => {
        const raw = report({ [where]: text });
        const doc = new Parser().parse(raw);
        const title = normalisedTitle(text);
        expectShape(doc, { ...plain, [where]: title });
        for (const { node } of headings(doc)) {
          expect([...types(node)].filter((t) => t !== "heading" && t !== "text")).toEqual([]);
        }
        if (where === "theme") {
          const conclusions = blockAfter(doc, 3, "Slutsatser");
          expect(children(conclusions)).toHaveLength(1);
          expectPlainItem(children(conclusions)[0]!, `Slutsatsen — Tema: ${title}`, raw);
        }
        expectInertForGfm(raw);
      },
    );

    it("as a conclusion, and as a table's name: the same plain text in its item", () => {
      const raw = report({ conclusion: text, table: text });
      const doc = new Parser().parse(raw);
      expectShape(doc, plain);
      const conclusions = children(blockAfter(doc, 3, "Slutsatser"));
      expect(conclusions).toHaveLength(1);
      expectPlainItem(conclusions[0]!, `${normalised(text).join("\n")} — Tema: Temat`, raw);
      const themed = children(blockAfter(doc, 3, "Temat"));
      expect(themed).toHaveLength(3);
      expectPlainItem(themed[0]!, `Före — ${normalisedTitle(text)}`, raw);
      expectInertForGfm(raw);
    });
  },
);

describe("the corpus", () => {
  it("is big enough to mean something", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });
});
