/**
 * The archive: a whole workshop as one JSON file (`GET /api/workshops/:id/export.json`), enough to
 * rebuild it on another server (`POST /api/workshops/import`). docs/archive.md.
 *
 * Every document travels twice: as its Yjs state (base64 of `Y.encodeStateAsUpdate`), which is what
 * an import restores, and as readable JSON (what the schema readers return), so a person or another
 * tool can read it without Yjs. Secrets never travel: no join codes, no tokens.
 */
import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import { isId, type TableId, type WorkshopId } from "./ids.ts";
import { type MetaState, readMeta, SCHEMA_VERSION } from "./schema/meta.ts";
import {
  allInsights,
  allThemes,
  type InsightView,
  readSpotlight,
  type SpotlightTarget,
  type ThemeView,
} from "./schema/synthesis.ts";
import { allNotes, type NoteView, readVotes, type Votes } from "./schema/table.ts";

export const ARCHIVE_FORMAT = "samla-archive";
export const ARCHIVE_VERSION = 1;

export const ARCHIVE_LIMITS = {
  /** The largest archive the import route accepts (its body limit); a larger one gets 413. */
  maxBytes: 20 * 1024 * 1024,
  maxTables: 200,
  /** Characters of a table's name in the table list. */
  maxNameChars: 200,
  /** Characters of one document's base64 state. */
  maxStateChars: 20 * 1024 * 1024,
} as const;

export interface TableContent {
  /** Hidden notes included (`hidden: true`): the archive is lossless. */
  readonly notes: readonly NoteView[];
  readonly votes: Votes;
}

export interface SynthesisContent {
  readonly themes: readonly ThemeView[];
  readonly insights: readonly InsightView[];
  readonly spotlight: SpotlightTarget | null;
}

export interface ArchivedDoc<Content> {
  /** What the schema readers make of `state`; checked against it on import. */
  readonly content: Content;
  /** Base64 of `Y.encodeStateAsUpdate`: what an import restores. */
  readonly state: string;
}

export interface ArchivedTable extends ArchivedDoc<TableContent> {
  readonly id: TableId;
  readonly name: string;
}

export interface Archive {
  readonly format: typeof ARCHIVE_FORMAT;
  readonly version: typeof ARCHIVE_VERSION;
  /** ms since the Unix epoch, like every time in Samla. */
  readonly exportedAt: number;
  readonly schemaVersion: number;
  /** The exported workshop's server record; an import gets a new id and starts its own record. */
  readonly workshop: {
    readonly id: WorkshopId;
    readonly createdAt: number;
    readonly lastActivityAt: number;
  };
  readonly meta: ArchivedDoc<MetaState>;
  /** The workshop's tables in the server's order, each with its document. */
  readonly tables: readonly ArchivedTable[];
  readonly synthesis: ArchivedDoc<SynthesisContent>;
}

/** The documents' states after checking: decoded, applied to a fresh Y.Doc and re-encoded. */
export interface ArchiveStates {
  readonly meta: Uint8Array;
  readonly synthesis: Uint8Array;
  readonly tables: ReadonlyMap<TableId, Uint8Array>;
}

export type ParseResult =
  | { readonly ok: true; readonly archive: Archive; readonly states: ArchiveStates }
  | {
      readonly ok: false;
      /** True when it is a Samla archive of a version (or schema version) this build cannot read. */
      readonly unsupported: boolean;
      /** Each `"<path>: <what is wrong>"`, at most MAX_PROBLEMS. */
      readonly problems: readonly string[];
    };

const MAX_PROBLEMS = 20;

// ---------------------------------------------------------------------------------------------
// Rendering: the readable part of each document. Import compares these with the state.

export const metaContent: (doc: Y.Doc) => MetaState = readMeta;

export function tableContent(doc: Y.Doc): TableContent {
  return { notes: allNotes(doc, { includeHidden: true }), votes: readVotes(doc) };
}

export function synthesisContent(doc: Y.Doc): SynthesisContent {
  return { themes: allThemes(doc), insights: allInsights(doc), spotlight: readSpotlight(doc) };
}

export function archivedDoc<Content>(doc: Y.Doc, render: (doc: Y.Doc) => Content): ArchivedDoc<Content> {
  return { content: render(doc), state: toBase64(Y.encodeStateAsUpdate(doc)) };
}

// ---------------------------------------------------------------------------------------------
// Validation

const TOP_KEYS = "format version exportedAt schemaVersion workshop meta tables synthesis".split(" ");
const TIME = "not a time (whole ms since the Unix epoch)";

/**
 * Checks an archive strictly (nothing is repaired): its envelope, every field's type and size, that
 * each state is strict base64 of a Yjs update that applies to a fresh Y.Doc with no missing
 * dependencies, that each readable part equals what the schema readers make of its state, and
 * that the meta document lists exactly the archive's tables.
 */
export function parseArchive(value: unknown): ParseResult {
  const problems: string[] = [];
  const fail = (unsupported = false): ParseResult => ({
    ok: false,
    unsupported,
    problems: problems.slice(0, MAX_PROBLEMS),
  });
  const need = (field: unknown, path: string, ok: (field: unknown) => boolean, problem: string) => {
    if (field === undefined) problems.push(`${path}: missing`);
    else if (!ok(field)) problems.push(`${path}: ${problem}`);
  };
  if (!isRecord(value)) return { ok: false, unsupported: false, problems: ["archive: not a JSON object"] };
  if (value.format !== ARCHIVE_FORMAT) {
    return { ok: false, unsupported: false, problems: [`format: not "${ARCHIVE_FORMAT}"`] };
  }
  const { version, schemaVersion, workshop, tables } = value;
  need(version, "version", isCount, "not a whole number");
  if (isCount(version) && version !== ARCHIVE_VERSION) {
    problems.push(`version: ${version} is not supported (this server reads version ${ARCHIVE_VERSION})`);
    return fail(true);
  }
  need(schemaVersion, "schemaVersion", isCount, "not a whole number");
  if (isCount(schemaVersion) && schemaVersion !== SCHEMA_VERSION) {
    problems.push(`schemaVersion: ${schemaVersion} is not supported (this server has ${SCHEMA_VERSION})`);
    return fail(true);
  }
  unknownKeys(value, TOP_KEYS, "archive", problems);
  need(value.exportedAt, "exportedAt", isCount, TIME);
  need(workshop, "workshop", isRecord, "not an object");
  if (isRecord(workshop)) {
    unknownKeys(workshop, ["id", "createdAt", "lastActivityAt"], "workshop", problems);
    need(workshop.id, "workshop.id", isId, "not an id");
    need(workshop.createdAt, "workshop.createdAt", isCount, TIME);
    need(workshop.lastActivityAt, "workshop.lastActivityAt", isCount, TIME);
  }
  const checkDoc = (slot: unknown, path: string, extra: readonly string[] = []) => {
    need(slot, path, isRecord, "not an object");
    if (!isRecord(slot)) return;
    unknownKeys(slot, [...extra, "content", "state"], path, problems);
    need(slot.content, `${path}.content`, () => true, "");
    need(slot.state, `${path}.state`, isString, "not a string");
    if (isString(slot.state) && slot.state.length > ARCHIVE_LIMITS.maxStateChars) {
      problems.push(`${path}.state: longer than ${ARCHIVE_LIMITS.maxStateChars} characters`);
    }
  };
  checkDoc(value.meta, "meta");
  checkDoc(value.synthesis, "synthesis");
  const ids = new Set<string>();
  need(tables, "tables", Array.isArray, "not an array");
  if (Array.isArray(tables) && tables.length > ARCHIVE_LIMITS.maxTables) {
    problems.push(`tables: ${tables.length} tables, more than ${ARCHIVE_LIMITS.maxTables}`);
  } else if (Array.isArray(tables)) {
    tables.forEach((table: unknown, i: number) => {
      const path = `tables[${i}]`;
      checkDoc(table, path, ["id", "name"]);
      if (!isRecord(table)) return;
      need(table.id, `${path}.id`, isId, "not an id");
      if (isId(table.id) && ids.has(table.id)) problems.push(`${path}.id: ${table.id} appears twice`);
      if (isId(table.id)) ids.add(table.id);
      need(table.name, `${path}.name`, isString, "not a string");
      if (isString(table.name) && table.name.length > ARCHIVE_LIMITS.maxNameChars) {
        problems.push(`${path}.name: longer than ${ARCHIVE_LIMITS.maxNameChars} characters`);
      }
    });
  }
  // Only a well-formed envelope is worth decoding.
  if (problems.length > 0 || !Array.isArray(tables)) return fail();

  const meta = loadDoc(value.meta, "meta", metaContent, problems);
  const synthesis = loadDoc(value.synthesis, "synthesis", synthesisContent, problems);
  const tableStates = new Map<TableId, Uint8Array>();
  tables.forEach((table: unknown, i: number) => {
    const loaded = loadDoc(table, `tables[${i}]`, tableContent, problems);
    if (loaded !== null && isRecord(table) && isId(table.id))
      tableStates.set(table.id as TableId, loaded.state);
  });
  if (meta !== null) {
    const { content } = meta;
    if (content.schemaVersion !== schemaVersion) {
      problems.push(
        `meta: the meta document has schema version ${content.schemaVersion}, not ${schemaVersion}`,
      );
    }
    const listed: readonly string[] = content.tables.map((t) => t.id);
    const missing = [...ids].filter((id) => !listed.includes(id));
    const extra = listed.filter((id) => !ids.has(id));
    if (missing.length > 0)
      problems.push(`meta: the meta document does not list table(s) ${missing.join(", ")}`);
    if (extra.length > 0)
      problems.push(`meta: the meta document lists table(s) not in tables: ${extra.join(", ")}`);
  }
  if (problems.length > 0 || meta === null || synthesis === null) return fail();
  // Every field was checked above, against the readers' own output: the value is an Archive.
  const states = { meta: meta.state, synthesis: synthesis.state, tables: tableStates };
  return { ok: true, archive: value as unknown as Archive, states };
}

/** The format is versioned: a field it does not define is refused, not silently ignored. */
function unknownKeys(
  value: Record<string, unknown>,
  keys: readonly string[],
  path: string,
  problems: string[],
) {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) problems.push(`${path}: unknown field ${JSON.stringify(key.slice(0, 40))}`);
  }
}

/**
 * Decodes and applies a checked slot's state; compares its readable content with the readers'
 * output. Returns that content and the state re-encoded (trailing junk after a valid update is
 * dropped), or null.
 */
function loadDoc<Content>(
  slot: unknown,
  path: string,
  render: (doc: Y.Doc) => Content,
  problems: string[],
): { readonly state: Uint8Array; readonly content: Content } | null {
  if (!isRecord(slot) || typeof slot.state !== "string") return null;
  if (!isBase64(slot.state)) {
    problems.push(`${path}.state: not valid base64`);
    return null;
  }
  const doc = new Y.Doc();
  try {
    try {
      Y.applyUpdate(doc, fromBase64(slot.state));
    } catch {
      problems.push(`${path}.state: not a Yjs update`);
      return null;
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      problems.push(`${path}.state: depends on updates the archive does not hold`);
      return null;
    }
    const content = render(doc);
    // Compared as the exporter writes it: through JSON.
    const mismatch = difference(slot.content, JSON.parse(JSON.stringify(content)), `${path}.content`);
    if (mismatch !== null) {
      problems.push(`${mismatch}: does not match the document's Yjs state`);
      return null;
    }
    return { state: Y.encodeStateAsUpdate(doc), content };
  } finally {
    doc.destroy();
  }
}

/**
 * The path of the first place where `given` (untrusted JSON) differs from `expected` (plain data
 * from a reader), or null when they are equal. Walks `expected`, so hostile nesting costs nothing.
 */
function difference(given: unknown, expected: unknown, path: string): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(given) || given.length !== expected.length) return path;
    for (let i = 0; i < expected.length; i++) {
      const found = difference(given[i], expected[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (isRecord(expected)) {
    if (!isRecord(given)) return path;
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(given, key)) return `${path}.${key}`;
      const found = difference(given[key], expected[key], `${path}.${key}`);
      if (found !== null) return found;
    }
    const extra = Object.keys(given).find((key) => !Object.hasOwn(expected, key));
    return extra === undefined ? null : `${path}.${extra.slice(0, 40)}`;
  }
  return given === expected ? null : path;
}

/**
 * Strict base64: Node's decoder skips any character it does not know instead of refusing. No
 * anchored `(…{4})*` pattern: on megabytes, V8 runs out of stack backtracking through it.
 */
function isBase64(text: string): boolean {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return text.length % 4 === 0 && !/[^A-Za-z0-9+/]/.test(text.slice(0, text.length - padding));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}
