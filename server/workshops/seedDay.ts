/**
 * Seeds a whole workshop day (test/fixtures/praktikerdialog.json and files like it) into a store:
 * the workshop with its join codes and tokens, every table's notes, and the facilitator's synthesis.
 * Used by `npm run demo` and by tests that need a realistic, full board.
 *
 * It goes through the `Store` interface only, so it works with the server running or not: the
 * new workshop's documents are not loaded anywhere until someone opens them.
 */
import * as Y from "yjs";
import type { CreateWorkshopResponse } from "../../shared/api.ts";
import { docName, metaDoc, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { NoteId, PerspectiveId, PromptId, RoundId, TableId } from "../../shared/ids.ts";
import { type MetaState, readMeta } from "../../shared/schema/meta.ts";
import { addInsight, addNoteToTheme, createTheme } from "../../shared/schema/synthesis.ts";
import { createNote, NOTE_COLORS, noteRef } from "../../shared/schema/table.ts";
import { replayUpdates } from "../store/replay.ts";
import type { Store } from "../store/store.ts";
import { createWorkshop } from "./createWorkshop.ts";
import { type DayFixture, parseDate, parseDayFixture } from "./dayFixture.ts";

// The fixture format lives in dayFixture.ts; callers may import it from here too.
export { type DayFixture, DayFixtureError, parseDayFixture, readDayFixture } from "./dayFixture.ts";

// ---------------------------------------------------------------------------------------------
// Seeding

export interface SeededDay extends CreateWorkshopResponse {
  readonly title: string;
  readonly counts: {
    readonly rounds: number;
    readonly tables: number;
    readonly notes: number;
    readonly themes: number;
    readonly insights: number;
  };
}

const MINUTE_MS = 60_000;
/** A round lasts this long on the seeded day; the second prompt starts part-way through. */
const ROUND_MS = 90 * MINUTE_MS;
const PROMPT_MS = 40 * MINUTE_MS;

/**
 * Creates the day's workshop and writes its notes, themes and insights. Each document is written
 * as one update (one log entry), the way a client's first sync would arrive.
 *
 * `now` is when the workshop itself is created (and so when retention counts from); the notes are
 * dated on the fixture's day, in fixture order.
 */
export async function seedDay(
  store: Store,
  publicUrl: string,
  /** Parsed JSON of a day; checked here (a `DayFixture` passes unchanged). */
  fixture: unknown,
  now: number = Date.now(),
): Promise<SeededDay> {
  const day = parseDayFixture(fixture);
  const created = await createWorkshop(
    store,
    publicUrl,
    {
      title: day.title,
      language: day.language,
      tables: day.tables,
      rounds: day.rounds,
      perspectives: day.perspectives,
    },
    now,
  );

  // The generated ids live in the meta document; read them back the way a client would.
  const metaDocument = replayUpdates(await store.loadDoc(docName(metaDoc(created.workshopId))));
  const meta = readMeta(metaDocument);
  metaDocument.destroy();
  const ids = idsFrom(meta, day);

  // Notes: one Y.Doc per table, dated in fixture order from 09:00 on the day.
  const dayStart = parseDate(day.date) ?? now;
  const tableDocs = new Map<string, Y.Doc>();
  const noteIds: NoteId[] = [];
  let previous = -Infinity;
  for (const note of day.notes) {
    // Later rounds and prompts start later; within a prompt, a minute between notes.
    const createdAt = Math.max(
      previous + MINUTE_MS,
      dayStart + note.round * ROUND_MS + note.prompt * PROMPT_MS,
    );
    previous = createdAt;
    let doc = tableDocs.get(note.table);
    if (doc === undefined) {
      doc = new Y.Doc();
      tableDocs.set(note.table, doc);
    }
    const round = ids.rounds[note.round];
    const promptId = round?.prompts[note.prompt];
    if (round === undefined || promptId === undefined)
      throw new Error(`round ${note.round} is not in the meta document`);
    const position = doc.getMap("notes").size;
    noteIds.push(
      createNote(doc, {
        roundId: round.id,
        promptId,
        text: note.text,
        // Varied per table, so neighbouring notes differ; the same on every run.
        color: NOTE_COLORS[position % NOTE_COLORS.length],
        perspectiveId: note.perspective === null ? null : ids.perspective(note.perspective),
        createdAt,
      }),
    );
  }
  for (const [name, doc] of tableDocs) {
    await store.appendUpdates(docName(tableDoc(created.workshopId, ids.table(name))), [
      Y.encodeStateAsUpdate(doc),
    ]);
    doc.destroy();
  }

  // The facilitator's synthesis: themes per round in fixture order, then insights.
  const synthesis = new Y.Doc();
  for (const theme of day.themes) {
    const themeId = createTheme(synthesis, { roundId: ids.roundId(theme.round), title: theme.title });
    for (const [table, index] of theme.notes) {
      const noteId = noteIds[index];
      if (noteId === undefined) throw new Error(`note ${index} was not written`);
      if (!addNoteToTheme(synthesis, themeId, noteRef(ids.table(table), noteId))) {
        throw new Error(`could not put note ${index} into theme ${JSON.stringify(theme.title)}`);
      }
    }
  }
  const lastNoteAt = Number.isFinite(previous) ? previous : dayStart;
  day.insights.forEach((insight, i) => {
    addInsight(synthesis, {
      roundId: insight.round === null ? null : ids.roundId(insight.round),
      kind: insight.kind,
      text: insight.text,
      // After the day's last note, in fixture order (insights are listed oldest first).
      createdAt: lastNoteAt + (i + 1) * MINUTE_MS,
    });
  });
  if (day.themes.length > 0 || day.insights.length > 0) {
    await store.appendUpdates(docName(synthesisDoc(created.workshopId)), [Y.encodeStateAsUpdate(synthesis)]);
  }
  synthesis.destroy();

  // The fixture's `followUp` (a second, linked workshop weeks later) is left for a later issue.
  return {
    ...created,
    title: day.title,
    counts: {
      rounds: day.rounds.length,
      tables: day.tables.length,
      notes: day.notes.length,
      themes: day.themes.length,
      insights: day.insights.length,
    },
  };
}

interface DayIds {
  readonly rounds: readonly { readonly id: RoundId; readonly prompts: readonly PromptId[] }[];
  roundId(index: number): RoundId;
  table(name: string): TableId;
  perspective(label: string): PerspectiveId;
}

/** Maps the fixture's indices and names to the ids createWorkshop generated. */
function idsFrom(meta: MetaState, day: DayFixture): DayIds {
  if (meta.rounds.length !== day.rounds.length || meta.tables.length !== day.tables.length) {
    throw new Error("the meta document does not hold the rounds and tables just created");
  }
  const rounds = meta.rounds.map((round) => ({ id: round.id, prompts: round.prompts.map((p) => p.id) }));
  const tables = new Map(meta.tables.map((t) => [t.name, t.id]));
  const perspectives = new Map(meta.perspectives.map((p) => [p.label, p.id]));
  return {
    rounds,
    roundId(index) {
      const round = rounds[index];
      if (round === undefined) throw new Error(`round ${index} is not in the meta document`);
      return round.id;
    },
    table(name) {
      const id = tables.get(name.trim());
      if (id === undefined) throw new Error(`table ${JSON.stringify(name)} is not in the meta document`);
      return id;
    },
    perspective(label) {
      const id = perspectives.get(label.trim());
      if (id === undefined)
        throw new Error(`perspective ${JSON.stringify(label)} is not in the meta document`);
      return id;
    },
  };
}
