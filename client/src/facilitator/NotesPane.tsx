import { memo, useId, useMemo } from "react";
import type * as Y from "yjs";
import type { PerspectiveId, PromptId, TableId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import type { ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import { useLanguage, useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { NoteItem } from "./NoteItem.tsx";
import type { PlacedNote, RoundNotes } from "./useRoundNotes.ts";

interface NotesPaneProps {
  readonly meta: MetaState;
  readonly round: MetaState["rounds"][number];
  readonly notes: RoundNotes;
  readonly tables: ReadonlyMap<TableId, SyncedDoc>;
  readonly synthesisDoc: Y.Doc;
  readonly themeByRef: ReadonlyMap<NoteRef, ThemeView>;
  /** The note on the screen, if the spotlight is on a note. */
  readonly spotlightRef: NoteRef | null;
}

/**
 * All notes of the round from every table, side by side per question, filterable. Each table's
 * notes under a question are one memoised group, so a note arriving at one table renders that
 * table's groups (and the new note) only.
 */
export function NotesPane({
  meta,
  round,
  notes,
  tables,
  synthesisDoc,
  themeByRef,
  spotlightRef,
}: NotesPaneProps) {
  const t = useT();
  const language = useLanguage();
  const headingId = useId();
  const tableFilter = useAppStore((state) => state.tableFilter);
  const perspectiveFilter = useAppStore((state) => state.perspectiveFilter);
  const tableNames = useMemo(
    () => new Map(meta.tables.map((table) => [table.id, table.name])),
    [meta.tables],
  );
  const perspectives = useMemo(
    () => new Map(meta.perspectives.map((perspective) => [perspective.id, perspective.label])),
    [meta.perspectives],
  );

  return (
    <section className="notes-pane" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("notesHeading")}</h3>
      <NoteFilters tables={meta.tables} perspectives={meta.perspectives} />
      {notes.count === 0 && <p className="empty">{t("noNotesInRound")}</p>}
      <div className="notes-pane__columns">
        {round.prompts.map((prompt) => (
          <section key={prompt.id} className="notes-pane__column" aria-label={prompt.label}>
            <h4 lang={meta.language}>{prompt.label}</h4>
            <div className="synth-notes">
              {[...notes.byTable].map(([tableId, tableNotes]) =>
                tableFilter === null || tableFilter === tableId ? (
                  <TableNotes
                    key={tableId}
                    notes={tableNotes}
                    promptId={prompt.id}
                    perspectiveFilter={perspectiveFilter}
                    tableName={tableNames.get(tableId) ?? ""}
                    perspectives={perspectives}
                    tableDoc={tables.get(tableId)?.doc ?? null}
                    synthesisDoc={synthesisDoc}
                    themeByRef={themeByRef}
                    spotlightRef={spotlightRef}
                    contentLanguage={meta.language === language ? undefined : meta.language}
                  />
                ) : null,
              )}
            </div>
          </section>
        ))}
      </div>
    </section>
  );
}

/** Which table's and which perspective's notes to show; on their own, so a note arriving leaves them be. */
const NoteFilters = memo(function NoteFilters({
  tables,
  perspectives,
}: {
  tables: MetaState["tables"];
  perspectives: MetaState["perspectives"];
}) {
  const t = useT();
  const tableFilterId = useId();
  const perspectiveFilterId = useId();
  const tableFilter = useAppStore((state) => state.tableFilter);
  const perspectiveFilter = useAppStore((state) => state.perspectiveFilter);
  const setTableFilter = useAppStore((state) => state.setTableFilter);
  const setPerspectiveFilter = useAppStore((state) => state.setPerspectiveFilter);
  return (
    <div className="filters">
      <label htmlFor={tableFilterId}>{t("filterTable")}</label>
      <select
        id={tableFilterId}
        value={tableFilter ?? ""}
        onChange={(event) =>
          setTableFilter(event.target.value === "" ? null : (event.target.value as TableId))
        }
      >
        <option value="">{t("filterAll")}</option>
        {tables.map((table) => (
          <option key={table.id} value={table.id}>
            {table.name}
          </option>
        ))}
      </select>
      {perspectives.length > 0 && (
        <>
          <label htmlFor={perspectiveFilterId}>{t("filterPerspective")}</label>
          <select
            id={perspectiveFilterId}
            value={perspectiveFilter ?? ""}
            onChange={(event) =>
              setPerspectiveFilter(event.target.value === "" ? null : (event.target.value as PerspectiveId))
            }
          >
            <option value="">{t("filterAll")}</option>
            {perspectives.map((perspective) => (
              <option key={perspective.id} value={perspective.id}>
                {perspective.label}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
});

interface TableNotesProps {
  /** The table's notes of the round (all questions). */
  readonly notes: readonly PlacedNote[];
  readonly promptId: PromptId;
  readonly perspectiveFilter: PerspectiveId | null;
  readonly tableName: string;
  readonly perspectives: ReadonlyMap<PerspectiveId, string>;
  readonly tableDoc: Y.Doc | null;
  readonly synthesisDoc: Y.Doc;
  readonly themeByRef: ReadonlyMap<NoteRef, ThemeView>;
  readonly spotlightRef: NoteRef | null;
  /** The notes' language where it is not the page's (`lang` of the page), else undefined: inherited. */
  readonly contentLanguage: string | undefined;
}

/**
 * One table's notes under one question: a list of its own, named by the table. Notes of tables
 * out of view skip layout and paint (`content-visibility`), so a note arriving among 2,000 costs
 * about what the visible part of the page costs.
 */
const TableNotes = memo(function TableNotes(props: TableNotesProps) {
  const { perspectiveFilter, perspectives } = props;
  const t = useT();
  const selectedNotes = useAppStore((state) => state.selectedNotes);
  const toggleNote = useAppStore((state) => state.toggleNote);
  const shown = props.notes.filter(
    (note) =>
      note.promptId === props.promptId &&
      (perspectiveFilter === null || note.perspectiveId === perspectiveFilter),
  );
  if (shown.length === 0) return null;
  return (
    <ul className="synth-notes synth-notes__table" aria-label={props.tableName}>
      {shown.map((note) => (
        <NoteItem
          key={note.ref}
          note={note}
          tableName={props.tableName}
          perspective={note.perspectiveId === null ? null : (perspectives.get(note.perspectiveId) ?? null)}
          theme={props.themeByRef.get(note.ref) ?? null}
          onScreen={props.spotlightRef === note.ref}
          contentLanguage={props.contentLanguage}
          tableDoc={props.tableDoc}
          synthesisDoc={props.synthesisDoc}
          selected={selectedNotes.includes(note.ref)}
          onToggle={toggleNote}
          t={t}
        />
      ))}
    </ul>
  );
});
