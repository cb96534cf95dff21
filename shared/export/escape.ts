/**
 * Turning what people typed into inert Markdown text. The rules apply to every note, insight, title,
 * table name and label that reaches the report:
 *
 * Normalisation (the only changes to the text itself):
 * - line breaks are `\r\n`, `\r`, `\n`, U+0085, U+2028 and U+2029; each becomes one line break;
 * - other control characters (C0, DEL, C1) and bidirectional overrides/isolates (U+202A–U+202E,
 *   U+2066–U+2069, which could make the attribution after a note read backwards) are dropped;
 * - a tab becomes a space; spaces at the start and end of each line are dropped, and so are
 *   empty lines at the start and end of the text (Markdown would drop them anyway);
 * - a line a spreadsheet would read as a formula (first character `=`, `+`, `-` or `@`) gets a
 *   leading apostrophe, so pasting the rendered report into a spreadsheet stays inert;
 * - in a title (a heading) the lines are joined with a space: a heading is one line;
 * - a text with nothing visible (only spaces and invisible format characters) is nothing: the
 *   report leaves such a note out and gives a title its fallback ("Tema utan namn").
 *
 * Escaping (changes the Markdown, never the text a parser reads back):
 * - `&`, `<`, `>` become the entities `&amp;`, `&lt;`, `&gt;`: no raw `<` anywhere in the report,
 *   also for old renderers that do not honour `\<`;
 * - always backslash-escaped: `` \ ` * _ [ ] ! # $ + = { } | ~ ^ @ `` (emphasis, code, links,
 *   images, headings, math, tables, strikethrough, footnotes, mentions and e-mail autolinks);
 * - the first visible character of a line, if it is ASCII punctuation (no list item, quote,
 *   thematic break, setext underline, fence or definition can start), and the `.` or `)` after
 *   digits at the start of a line (no ordered list);
 * - `.` and `:` unless followed by a space or the end of the line, and `/` after `:`: no GFM or
 *   linkify autolink (`www.x`, `x.se`, `http://…`, `mailto:…`); the report never contains `://`.
 * Everything else (letters, å ä ö, digits, `,` `;` `?` `"` `'` `(` `%`, a sentence's final `.`)
 * is left as typed, so the raw file stays readable.
 *
 * A line break inside a note is a backslash at the end of the line (a hard line break); the caller
 * indents the next line to the item's content, so it stays in the item by indentation rather than
 * by lazy continuation. An empty line inside a note is a line holding only that backslash. No
 * HTML, not even `<br>`.
 */

const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const DROPPED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const FORMULA_START = /^[=+\-@]/;
const NOTHING_VISIBLE = /^[\s\p{Cf}]*$/u;
const INVISIBLE_PREFIX = /^[\s\p{Cf}]*/u;
const ORDERED_MARKER = /^\d+[.)]/;

const ENTITIES: ReadonlyMap<string, string> = new Map([
  ["&", "&amp;"],
  ["<", "&lt;"],
  [">", "&gt;"],
]);
const ALWAYS_ESCAPED = new Set("\\`*_[]!#$+={}|~^@");
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/** The text's lines after normalisation; empty when nothing visible is left. */
export function textLines(text: string): string[] {
  if (NOTHING_VISIBLE.test(text.replace(DROPPED, ""))) return [];
  const lines = cleanLines(text).map(inertInSpreadsheet);
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === "") start++;
  while (end > start && lines[end - 1] === "") end--;
  return lines.slice(start, end);
}

/** A title or name as one normalised line; "" when nothing visible is left. */
export function singleLine(text: string): string {
  if (NOTHING_VISIBLE.test(text.replace(DROPPED, ""))) return "";
  return inertInSpreadsheet(
    cleanLines(text)
      .filter((line) => line !== "")
      .join(" "),
  );
}

/**
 * Markdown for normalised lines: each line escaped, joined by hard line breaks, every line after
 * the first indented by `indent` spaces. An empty line inside a note keeps its place as a line
 * holding only the hard break.
 */
export function markdownLines(lines: readonly string[], indent: number): string {
  return lines.map(escapeLine).join(`\\\n${" ".repeat(indent)}`);
}

/** Escapes one line (no line breaks in it) so that any Markdown parser reads it as plain text. */
export function escapeLine(line: string): string {
  const lead = INVISIBLE_PREFIX.exec(line)?.[0].length ?? 0;
  const marker = ORDERED_MARKER.exec(line.slice(lead));
  const markerAt = marker === null ? -1 : lead + marker[0].length - 1;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    const next = line.charAt(i + 1);
    const entity = ENTITIES.get(char);
    if (entity !== undefined) out += entity;
    else if (
      ALWAYS_ESCAPED.has(char) ||
      (i === lead && ASCII_PUNCTUATION.test(char)) ||
      i === markerAt ||
      ((char === "." || char === ":") && next !== "" && next !== " ") ||
      (char === "/" && line.charAt(i - 1) === ":")
    )
      out += `\\${char}`;
    else out += char;
  }
  return out;
}

function cleanLines(text: string): string[] {
  return text
    .replace(LINE_BREAK, "\n")
    .replace(DROPPED, "")
    .replace(/\t/g, " ")
    .split("\n")
    .map((line) => line.replace(/^ +| +$/g, ""));
}

function inertInSpreadsheet(line: string): string {
  return FORMULA_START.test(line) ? `'${line}` : line;
}
