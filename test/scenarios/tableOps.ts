/**
 * Random edits of a table document through the schema accessors (shared/schema/table.ts), the
 * way tablets make them: notes added, typed into, moved, recoloured, hidden, deleted; dots set.
 */
import type * as Y from "yjs";
import {
  asId,
  type NoteId,
  type PerspectiveId,
  type PromptId,
  type RoundId,
  type ThemeId,
} from "../../shared/ids.ts";
import {
  createNote,
  deleteNote,
  moveNote,
  NOTE_COLORS,
  noteText,
  setNoteColor,
  setNoteHidden,
  setNotePerspective,
  setNoteText,
  setVotes,
  tableParts,
} from "../../shared/schema/table.ts";
import { mulberry32 } from "../helpers/random.ts";

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  /** A key chosen by weight. */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let at = this.next() * total;
    for (const [key, weight] of entries) {
      at -= weight;
      if (at < 0) return key;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new Error("no weights");
    return last[0];
  }
}

export const OP_KINDS = [
  "create",
  "recreate",
  "type",
  "erase",
  "setText",
  "move",
  "color",
  "perspective",
  "hide",
  "delete",
  "vote",
] as const;
export type OpKind = (typeof OP_KINDS)[number];
export type OpWeights = Readonly<Partial<Record<OpKind, number>>>;

const ROUNDS = ["r1", "r2"].map((id) => asId<"RoundId">(id));
const PROMPTS = ["p1", "p2", "p3"].map((id) => asId<"PromptId">(id));
const PERSPECTIVES = ["skola", "soc", "vard"].map((id) => asId<"PerspectiveId">(id));
const THEMES = ["t1", "t2", "t3", "t4"].map((id) => asId<"ThemeId">(id));
const LETTERS = "abcdefghijklmnopqrstuvwxyzåäö ";
const WORDS = ["stuprör", "lägesbild", "tillit", "samverkan", "ansvar", "mandat", "tid", "🙂"];

function word(rng: Rng): string {
  return rng.pick(WORDS);
}

function someNote(doc: Y.Doc, rng: Rng): NoteId | null {
  // Sorted, so that the choice depends on the seed and the content, not on arrival order.
  const ids = [...tableParts(doc).notes.keys()].sort();
  return ids.length === 0 ? null : asId<"NoteId">(rng.pick(ids));
}

/**
 * Makes one random edit on `doc` and returns what it did. Notes are capped at `maxNotes`;
 * without notes, every edit of one becomes "create".
 */
export function randomTableOp(doc: Y.Doc, rng: Rng, weights: OpWeights, maxNotes: number): OpKind {
  let kind = rng.weighted(weights);
  const notes = tableParts(doc).notes;
  if ((kind === "create" || kind === "recreate") && notes.size >= maxNotes) kind = "type";
  const id = someNote(doc, rng);
  if (id === null && kind !== "vote" && kind !== "recreate") kind = "create";
  switch (kind) {
    case "create":
    case "recreate": {
      // "recreate" draws from a small pool of ids, so peers offline at once create the same note.
      const noteId = asId<"NoteId">(
        kind === "recreate" ? `c${rng.int(4)}` : `n${rng.int(2 ** 30).toString(36)}`,
      );
      if (notes.has(noteId)) return kind;
      createNote(doc, {
        id: noteId,
        roundId: rng.pick<RoundId>(ROUNDS),
        promptId: rng.pick<PromptId>(PROMPTS),
        text: word(rng),
        color: rng.pick(NOTE_COLORS),
        perspectiveId: rng.chance(0.5) ? rng.pick<PerspectiveId>(PERSPECTIVES) : null,
        createdAt: rng.int(1_000_000),
      });
      return kind;
    }
    case "type": {
      const text = id && noteText(doc, id);
      if (text) text.insert(rng.int(text.length + 1), LETTERS[rng.int(LETTERS.length)] ?? "x");
      return kind;
    }
    case "erase": {
      const text = id && noteText(doc, id);
      if (text && text.length > 0) {
        const at = rng.int(text.length);
        text.delete(at, Math.min(text.length - at, rng.between(1, 3)));
      }
      return kind;
    }
    case "setText":
      if (id) setNoteText(doc, id, `${word(rng)} ${word(rng)}`);
      return kind;
    case "move":
      if (id) moveNote(doc, id, { roundId: rng.pick(ROUNDS), promptId: rng.pick(PROMPTS) });
      return kind;
    case "color":
      if (id) setNoteColor(doc, id, rng.pick(NOTE_COLORS));
      return kind;
    case "perspective":
      if (id) setNotePerspective(doc, id, rng.chance(0.3) ? null : rng.pick(PERSPECTIVES));
      return kind;
    case "hide":
      if (id) setNoteHidden(doc, id, rng.chance(0.5));
      return kind;
    case "delete":
      if (id) deleteNote(doc, id);
      return kind;
    case "vote":
      setVotes(doc, rng.pick<ThemeId>(THEMES), rng.int(4));
      return kind;
  }
}

/** What a table document says, for comparing peers: every note with its text, and the dots. */
export function tableContent(doc: Y.Doc): unknown {
  const { notes, votes } = tableParts(doc);
  return { notes: notes.toJSON(), votes: votes.toJSON() };
}
