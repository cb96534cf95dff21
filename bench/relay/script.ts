import * as Y from "yjs";
import { asId, type NoteId } from "../../shared/ids.ts";
import { addInsight } from "../../shared/schema/synthesis.ts";
import { createNote, noteText as liveNoteText, NOTE_COLORS } from "../../shared/schema/table.ts";
import { ByteList } from "./inbox.ts";
import { mixSeed, noteText, pick, type Rng, seededRng, typingStream } from "./prng.ts";

/** Fixed ids, so that the bytes a writer sends do not depend on which server it talks to. */
export const ROUND_ID = asId<"RoundId">("bench-round-1");
export const PROMPT_ID = asId<"PromptId">("bench-prompt-1");
const CREATED_AT = 1_767_261_600_000;

/** The root map of the document kind a script writes into. */
export type RootName = "notes" | "insights";

/**
 * What one writer sends, produced once and replayed to every server: its first update creates
 * its note (or insight), every later one is one keystroke, a one-character insert into that
 * note's text (mostly at the end, sometimes earlier, as when correcting a word).
 *
 * Every keystroke takes exactly one Yjs clock of the writer's client id, which is how a reader
 * knows which keystrokes an update carries, whichever way a server re-encodes or merges them.
 */
export class Script {
  /** The updates, in order (packed: see `ByteList`). */
  readonly ops = new ByteList();
  /** The writer's clock at which each op starts; strictly increasing. */
  readonly startClocks: number[] = [];
  /** The writer's clock after each op. */
  readonly endClocks: number[] = [];
  private readonly doc = new Y.Doc({ gc: true });
  private readonly text: Y.Text;
  private readonly rng: Rng;
  private readonly nextChar: () => string;

  constructor(
    readonly clientId: number,
    readonly root: RootName,
    seed: number,
  ) {
    this.doc.clientID = clientId;
    this.rng = seededRng(mixSeed(seed, clientId));
    this.nextChar = typingStream(this.rng);
    this.doc.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
      this.ops.push(update);
      this.startClocks.push(tr.beforeState.get(clientId) ?? 0);
      this.endClocks.push(tr.afterState.get(clientId) ?? 0);
    });
    const id = `w${clientId}`;
    if (root === "notes") {
      createNote(this.doc, {
        id: asId<"NoteId">(id),
        roundId: ROUND_ID,
        promptId: PROMPT_ID,
        text: "",
        color: pick(this.rng, NOTE_COLORS),
        createdAt: CREATED_AT,
      });
      const text = liveNoteText(this.doc, id as NoteId);
      if (text === null) throw new Error("note without text");
      this.text = text;
    } else {
      addInsight(this.doc, {
        id: asId<"InsightId">(id),
        roundId: ROUND_ID,
        kind: "insight",
        text: "",
        createdAt: CREATED_AT,
      });
      const insight = this.doc.getMap<unknown>("insights").get(id);
      const text = insight instanceof Y.Map ? insight.get("text") : null;
      if (!(text instanceof Y.Text)) throw new Error("insight without text");
      this.text = text;
    }
  }

  /** Appends `count` keystrokes to the script. */
  type(count: number): void {
    for (let i = 0; i < count; i++) {
      const length = this.text.length;
      const at = this.rng() < 0.85 ? length : Math.floor(this.rng() * (length + 1));
      this.text.insert(at, this.nextChar());
    }
  }

  /** Makes sure the script holds at least `count` ops. */
  ensure(count: number): void {
    if (this.ops.length < count) this.type(count - this.ops.length);
  }

  /** The op that starts at `clock`, or -1. */
  opAt(clock: number, hint: number): number {
    if (this.startClocks[hint] === clock) return hint;
    let low = 0;
    let high = this.startClocks.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const start = this.startClocks[mid] ?? 0;
      if (start === clock) return mid;
      if (start < clock) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The first op that ends after `clock` (ops.length if none). */
  firstOpEndingAfter(clock: number): number {
    let low = 0;
    let high = this.endClocks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.endClocks[mid] ?? 0) <= clock) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/**
 * A document's starting content, as one update of a seed client: `notes` notes of 1-12 words
 * each, as a table's board looks after a day's rounds.
 */
export function seedTableUpdate(seed: number, notes: number): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  doc.clientID = mixSeed(seed, 0x5eed) % 0x7fff_ffff;
  const rng = seededRng(seed);
  doc.transact(() => {
    for (let i = 0; i < notes; i++) {
      createNote(doc, {
        id: asId<"NoteId">(`seed-${i}`),
        roundId: ROUND_ID,
        promptId: PROMPT_ID,
        text: noteText(rng),
        color: pick(rng, NOTE_COLORS),
        createdAt: CREATED_AT + i * 1000,
      });
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * A table document's day as `count` separate updates, the way clients send them: a note created
 * now and then (1 in 20), otherwise one keystroke, typed (5 in 6) or deleted (1 in 6).
 */
export function historyUpdates(seed: number, count: number): Uint8Array[] {
  const doc = new Y.Doc({ gc: true });
  doc.clientID = mixSeed(seed, 0x4157) % 0x7fff_ffff;
  const rng = seededRng(seed);
  const nextChar = typingStream(rng);
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => updates.push(update));
  const texts: Y.Text[] = [];
  while (updates.length < count) {
    if (texts.length === 0 || rng() < 0.05) {
      const id = asId<"NoteId">(`h-${texts.length}`);
      createNote(doc, {
        id,
        roundId: ROUND_ID,
        promptId: PROMPT_ID,
        text: "",
        color: pick(rng, NOTE_COLORS),
        createdAt: CREATED_AT + texts.length * 1000,
      });
      const text = liveNoteText(doc, id);
      if (text === null) throw new Error("note without text");
      texts.push(text);
      continue;
    }
    const text = pick(rng, texts);
    if (text.length > 0 && rng() < 1 / 6) text.delete(Math.floor(rng() * text.length), 1);
    else text.insert(rng() < 0.85 ? text.length : Math.floor(rng() * (text.length + 1)), nextChar());
  }
  doc.destroy();
  return updates;
}
