import { useId, useRef } from "react";
import type * as Y from "yjs";
import type { NoteId, PromptId, RoundId } from "../../../shared/ids.ts";
import type { Perspective } from "../../../shared/schema/meta.ts";
import { createNote, notesFor, tableParts } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import { shallowArrayEqual, useYValue } from "../sync/hooks.ts";
import { NoteCard } from "./NoteCard.tsx";

interface PromptColumnProps {
  readonly doc: Y.Doc;
  readonly roundId: RoundId;
  readonly promptId: PromptId;
  readonly prompt: string;
  /** The workshop's language: its own text is marked with it when the interface speaks another. */
  readonly contentLanguage: string;
  readonly canWrite: boolean;
  readonly perspectives: readonly Perspective[];
  readonly editorsByNote: ReadonlyMap<NoteId, readonly string[]>;
  readonly onEditing: (noteId: NoteId | null) => void;
}

/** One question of the round, with its notes in the order they were written. */
export function PromptColumn(props: PromptColumnProps) {
  const { doc, roundId, promptId, prompt, canWrite } = props;
  const t = useT();
  const headingId = useId();
  const focusNote = useAppStore((state) => state.focusNote);
  const addButton = useRef<HTMLButtonElement>(null);
  // Only the list of ids: a card re-renders itself when its own note changes.
  const noteIds = useYValue(
    tableParts(doc).notes,
    () => notesFor(doc, roundId, promptId).map((note) => note.id),
    shallowArrayEqual,
    [roundId, promptId],
  );

  function addNote() {
    const id = createNote(doc, { roundId, promptId, text: "", createdAt: Date.now() });
    focusNote(id);
  }

  return (
    <section className="prompt-column" aria-labelledby={headingId}>
      <h3 id={headingId} lang={props.contentLanguage}>
        {prompt}
      </h3>
      <button
        ref={addButton}
        type="button"
        className="button button--primary button--add"
        onClick={addNote}
        disabled={!canWrite}
        aria-label={t("addNoteUnder", { prompt })}
      >
        <span aria-hidden="true">+ </span>
        {t("addNote")}
      </button>
      {noteIds.length === 0 ? (
        <p className="empty">{t("noNotesYet")}</p>
      ) : (
        <ul className="notes">
          {noteIds.map((noteId, index) => (
            <NoteCard
              key={noteId}
              doc={doc}
              noteId={noteId}
              label={t("noteLabel", { n: index + 1, prompt })}
              contentLanguage={props.contentLanguage}
              canWrite={canWrite}
              perspectives={props.perspectives}
              editors={props.editorsByNote.get(noteId) ?? []}
              onEditing={props.onEditing}
              onDeleted={() => addButton.current?.focus()}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
