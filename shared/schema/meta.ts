/**
 * The meta document `<workshopId>/meta`: the workshop's settings and live state (active round,
 * writing, reveal, timer, dot voting), its rounds, tables and perspectives. DESIGN.md §4, docs/schema.md.
 *
 * Readers never throw and never return Y types: any peer with write access may have stored junk,
 * so every field is checked and replaced by a safe default when it is wrong.
 */
import * as Y from "yjs";
import {
  type Brand,
  isId,
  newId,
  type PerspectiveId,
  type PromptId,
  type RoundId,
  type TableId,
  type WorkshopId,
} from "../ids.ts";
import { DEFAULT_LANGUAGE, defaultPrompts, isLanguage, type Language } from "./language.ts";

export const SCHEMA_VERSION = 1;
export const DEFAULT_DOTS_PER_TABLE = 3;
/** Upper bound for dots, so a garbled value cannot make a client draw a million of them. */
export const MAX_DOTS_PER_TABLE = 20;
export const MINUTE_MS = 60_000;

export interface Prompt {
  readonly id: PromptId;
  readonly label: string;
}

export interface Round {
  readonly id: RoundId;
  readonly title: string;
  readonly prompts: readonly Prompt[];
}

export interface TableInfo {
  readonly id: TableId;
  readonly name: string;
}

export interface Perspective {
  readonly id: PerspectiveId;
  readonly label: string;
}

/**
 * Running: `endsAt` set (ms since epoch, facilitator's clock). Paused: `remainingMs` set.
 * Idle: both null. Storing the end rather than a countdown means no one has to tick the document.
 */
export interface Timer {
  readonly endsAt: number | null;
  readonly remainingMs: number | null;
}

export type TimerStatus = "idle" | "running" | "paused" | "expired";

export const IDLE_TIMER: Timer = { endsAt: null, remainingMs: null };

export interface MetaState {
  /** 0 when the document has not been initialised (or the field is garbled). */
  readonly schemaVersion: number;
  readonly title: string;
  readonly language: Language;
  readonly createdAt: number;
  /** Always one of `rounds`' ids, or null. */
  readonly activeRoundId: RoundId | null;
  readonly writingOpen: boolean;
  readonly revealed: boolean;
  readonly timer: Timer;
  readonly dotsPerTable: number;
  /** Tables may put their dots on the active round's themes. */
  readonly votingOpen: boolean;
  /** The workshop this one follows up (a later meeting reopening its conclusions). */
  readonly followUpOf: WorkshopId | null;
  readonly rounds: readonly Round[];
  readonly tables: readonly TableInfo[];
  readonly perspectives: readonly Perspective[];
}

/** What the setup gives for an entry: the same fields, the id optional (generated when missing). */
export type Setup<T extends { readonly id: string }> = Omit<T, "id"> & { readonly id?: T["id"] };
export type PromptSetup = Setup<Prompt>;
export type TableSetup = Setup<TableInfo>;
export type PerspectiveSetup = Setup<Perspective>;

export interface RoundSetup {
  readonly id?: RoundId;
  readonly title: string;
  /** Omitted or empty: the language's two default prompts. */
  readonly prompts?: readonly (string | PromptSetup)[];
}

export interface WorkshopSetup {
  readonly title: string;
  readonly language: Language;
  readonly createdAt: number;
  readonly rounds: readonly RoundSetup[];
  readonly tables: readonly TableSetup[];
  readonly perspectives?: readonly PerspectiveSetup[];
  readonly dotsPerTable?: number;
  readonly followUpOf?: WorkshopId | null;
}

/** The root types, for observing (`observeDeep`) and for migrations. Values are unchecked. */
export interface MetaParts {
  readonly workshop: Y.Map<unknown>;
  readonly rounds: Y.Array<unknown>;
  readonly tables: Y.Array<unknown>;
  readonly perspectives: Y.Array<unknown>;
}

export function metaParts(doc: Y.Doc): MetaParts {
  const workshop = doc.getMap<unknown>("workshop");
  const rounds = doc.getArray<unknown>("rounds");
  return { workshop, rounds, tables: doc.getArray("tables"), perspectives: doc.getArray("perspectives") };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a new workshop in one transaction: the first round is active, writing is open, nothing
 * is revealed, voting is closed, the timer is idle. Returns what was written, with the generated ids.
 * Throws if the document already holds a workshop (initialising twice would duplicate rounds).
 */
export function initMeta(doc: Y.Doc, setup: WorkshopSetup): MetaState {
  const { workshop, rounds, tables, perspectives } = metaParts(doc);
  if (workshop.has("schemaVersion")) throw new Error("meta document is already initialised");
  doc.transact(() => {
    const newRounds = setup.rounds.map((round) => roundEntry(round, setup.language));
    workshop.set("schemaVersion", SCHEMA_VERSION);
    workshop.set("title", setup.title);
    workshop.set("language", setup.language);
    workshop.set("createdAt", setup.createdAt);
    workshop.set("activeRoundId", newRounds[0]?.id ?? null);
    workshop.set("writingOpen", true);
    workshop.set("revealed", false);
    workshop.set("timer", { ...IDLE_TIMER });
    workshop.set("dotsPerTable", clampDots(setup.dotsPerTable ?? DEFAULT_DOTS_PER_TABLE));
    workshop.set("votingOpen", false);
    workshop.set("followUpOf", setup.followUpOf ?? null);
    rounds.push(newRounds.map((r) => r.map));
    tables.push(setup.tables.map((t) => tableEntry(t).map));
    perspectives.push(
      (setup.perspectives ?? []).map((p) => ({ id: p.id ?? newId<"PerspectiveId">(), label: p.label })),
    );
  });
  return readMeta(doc);
}

/** Returns false (and writes nothing) when `roundId` is not one of the workshop's rounds. */
export function setActiveRound(doc: Y.Doc, roundId: RoundId | null): boolean {
  if (roundId !== null && findById(metaParts(doc).rounds, roundId) === null) return false;
  doc.transact(() => metaParts(doc).workshop.set("activeRoundId", roundId));
  return true;
}

export function setWritingOpen(doc: Y.Doc, open: boolean): void {
  doc.transact(() => metaParts(doc).workshop.set("writingOpen", open));
}

export function setRevealed(doc: Y.Doc, revealed: boolean): void {
  doc.transact(() => metaParts(doc).workshop.set("revealed", revealed));
}

/** Stores a timer computed with `startTimer`, `pauseTimer`, `resumeTimer`, `extendTimer`. */
export function setTimer(doc: Y.Doc, timer: Timer): void {
  const value = readTimer(timer);
  doc.transact(() => metaParts(doc).workshop.set("timer", { ...value }));
}

export function setDotsPerTable(doc: Y.Doc, dots: number): void {
  doc.transact(() => metaParts(doc).workshop.set("dotsPerTable", clampDots(dots)));
}

export function setVotingOpen(doc: Y.Doc, open: boolean): void {
  doc.transact(() => metaParts(doc).workshop.set("votingOpen", open));
}

/** Appends a table; throws if its id is taken. */
export function addTable(doc: Y.Doc, table: TableSetup): TableId {
  return append(doc, metaParts(doc).tables, tableEntry(table));
}

export function renameTable(doc: Y.Doc, tableId: TableId, name: string): boolean {
  return setOn(doc, metaParts(doc).tables, tableId, "name", name);
}

/** Appends a round; prompts default to the workshop language's two questions. Throws on a taken id. */
export function addRound(doc: Y.Doc, round: RoundSetup): RoundId {
  return append(doc, metaParts(doc).rounds, roundEntry(round, readMeta(doc).language));
}

export function renameRound(doc: Y.Doc, roundId: RoundId, title: string): boolean {
  return setOn(doc, metaParts(doc).rounds, roundId, "title", title);
}

// A prelim (not yet pushed) map cannot be read back, so the id travels beside it.
interface Entry<Id> {
  readonly id: Id;
  readonly map: Y.Map<unknown>;
}

function roundEntry(round: RoundSetup, language: Language): Entry<RoundId> {
  const given = round.prompts ?? [];
  const prompts: Prompt[] = (given.length > 0 ? given : defaultPrompts(language)).map((p) =>
    typeof p === "string" ? { id: newId<"PromptId">(), label: p } : { id: p.id ?? newId(), label: p.label },
  );
  const id = round.id ?? newId<"RoundId">();
  return { id, map: new Y.Map<unknown>(Object.entries({ id, title: round.title, prompts })) };
}

function tableEntry(table: TableSetup): Entry<TableId> {
  const id = table.id ?? newId<"TableId">();
  return { id, map: new Y.Map<unknown>(Object.entries({ id, name: table.name })) };
}

/** Throws if the id is taken: the server keys join codes by table id, and ids must stay unique. */
function append<Id extends string>(doc: Y.Doc, array: Y.Array<unknown>, entry: Entry<Id>): Id {
  if (findById(array, entry.id) !== null) throw new Error(`${entry.id} already exists`);
  doc.transact(() => array.push([entry.map]));
  return entry.id;
}

function findById(array: Y.Array<unknown>, id: string): Y.Map<unknown> | null {
  for (const item of array) if (item instanceof Y.Map && item.get("id") === id) return item;
  return null;
}

function setOn(doc: Y.Doc, array: Y.Array<unknown>, id: string, key: string, value: string): boolean {
  const map = findById(array, id);
  if (map === null) return false;
  doc.transact(() => map.set(key, value));
  return true;
}

function clampDots(dots: number): number {
  if (!Number.isFinite(dots)) return DEFAULT_DOTS_PER_TABLE;
  return Math.min(MAX_DOTS_PER_TABLE, Math.max(0, Math.round(dots)));
}

// ---------------------------------------------------------------------------------------------
// Timer values (pure: the caller passes `now`, so tests and clients with a clock offset agree)

export function startTimer(now: number, durationMs: number): Timer {
  return { endsAt: now + Math.max(0, durationMs), remainingMs: null };
}

/** Keeps what is left; pausing a timer that is not running changes nothing. */
export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.endsAt === null) return timer;
  return { endsAt: null, remainingMs: Math.max(0, timer.endsAt - now) };
}

export function resumeTimer(timer: Timer, now: number): Timer {
  if (timer.endsAt !== null || timer.remainingMs === null) return timer;
  return { endsAt: now + timer.remainingMs, remainingMs: null };
}

/**
 * Adds (or with a negative value, takes away) time. An expired timer restarts from now, an idle
 * one starts: "two more minutes" should always mean two minutes from the moment it is asked for.
 */
export function extendTimer(timer: Timer, now: number, ms: number): Timer {
  if (timer.endsAt !== null) {
    return { endsAt: Math.max(now, Math.max(timer.endsAt, now) + ms), remainingMs: null };
  }
  if (timer.remainingMs !== null) return { endsAt: null, remainingMs: Math.max(0, timer.remainingMs + ms) };
  return ms > 0 ? startTimer(now, ms) : IDLE_TIMER;
}

/** Milliseconds left (never negative), or null when idle. */
export function timerRemainingMs(timer: Timer, now: number): number | null {
  if (timer.endsAt !== null) return Math.max(0, timer.endsAt - now);
  return timer.remainingMs;
}

export function timerStatus(timer: Timer, now: number): TimerStatus {
  if (timer.endsAt !== null) return timer.endsAt > now ? "running" : "expired";
  return timer.remainingMs === null ? "idle" : "paused";
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The server checks this on every table-to-table connection; only a literal `true` reveals. */
export function isRevealed(doc: Y.Doc): boolean {
  return metaParts(doc).workshop.get("revealed") === true;
}

export function readMeta(doc: Y.Doc): MetaState {
  const parts = metaParts(doc);
  const w = parts.workshop;
  const rounds = uniqueById(parts.rounds.toArray().map(readRound));
  const activeRoundId = w.get("activeRoundId");
  const schemaVersion = w.get("schemaVersion");
  const dots = w.get("dotsPerTable");
  const language = w.get("language");
  return {
    schemaVersion: Number.isInteger(schemaVersion) ? finiteOr(schemaVersion, 0) : 0,
    title: stringOr(w.get("title"), ""),
    language: isLanguage(language) ? language : DEFAULT_LANGUAGE,
    createdAt: finiteOr(w.get("createdAt"), 0),
    activeRoundId: rounds.find((r) => r.id === activeRoundId)?.id ?? null,
    writingOpen: w.get("writingOpen") === true,
    revealed: w.get("revealed") === true,
    timer: readTimer(w.get("timer")),
    dotsPerTable:
      Number.isInteger(dots) && clampDots(finiteOr(dots, -1)) === dots ? dots : DEFAULT_DOTS_PER_TABLE,
    // As with reveal, only a literal true counts: a garbled value must not open voting on every tablet.
    votingOpen: w.get("votingOpen") === true,
    followUpOf: brandedId<"WorkshopId">(w.get("followUpOf")),
    rounds,
    tables: uniqueById(parts.tables.toArray().map(readTable)),
    perspectives: uniqueById(parts.perspectives.toArray().map(readLabelled<"PerspectiveId">)),
  };
}

function readRound(value: unknown): Round | null {
  if (!(value instanceof Y.Map)) return null;
  const id = brandedId<"RoundId">(value.get("id"));
  if (id === null) return null;
  const prompts = value.get("prompts");
  const list = Array.isArray(prompts) ? prompts.map(readLabelled<"PromptId">) : [];
  return { id, title: stringOr(value.get("title"), ""), prompts: uniqueById(list) };
}

/** A plain `{ id, label }` value: a prompt or a perspective. */
function readLabelled<T extends string>(value: unknown): { id: Brand<string, T>; label: string } | null {
  if (!isRecord(value)) return null;
  const id = brandedId<T>(value.id);
  return id === null ? null : { id, label: stringOr(value.label, "") };
}

function readTable(value: unknown): TableInfo | null {
  if (!(value instanceof Y.Map)) return null;
  const id = brandedId<"TableId">(value.get("id"));
  return id === null ? null : { id, name: stringOr(value.get("name"), "") };
}

/** Normalises any value to one of the three timer shapes; a running end wins over a remainder. */
function readTimer(value: unknown): Timer {
  if (!isRecord(value)) return IDLE_TIMER;
  const { endsAt, remainingMs } = value;
  if (Number.isFinite(endsAt)) return { endsAt: finiteOr(endsAt, 0), remainingMs: null };
  if (Number.isFinite(remainingMs))
    return { endsAt: null, remainingMs: Math.max(0, finiteOr(remainingMs, 0)) };
  return IDLE_TIMER;
}

/** Drops unreadable entries and later duplicates of an id (concurrent or junk writes). */
function uniqueById<T extends { readonly id: string }>(items: readonly (T | null)[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    if (item === null || seen.has(item.id)) continue;
    seen.add(item.id);
    out.push(item);
  }
  return out;
}

function brandedId<T extends string>(value: unknown): Brand<string, T> | null {
  return isId(value) ? (value as Brand<string, T>) : null;
}

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
