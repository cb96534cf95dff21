import { useId } from "react";
import type * as Y from "yjs";
import type { PerspectiveId, TableId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import {
  removeNoteFromTheme,
  type SpotlightTarget,
  setSpotlight,
  type ThemeView,
} from "../../../shared/schema/synthesis.ts";
import { deleteNote, type NoteRef, setNoteHidden } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { NoteItem } from "./NoteItem.tsx";
import type { PlacedNote } from "./useRoundNotes.ts";

interface NotesPaneProps {
  readonly meta: MetaState;
  readonly round: MetaState["rounds"][number];
  readonly notes: ReadonlyMap<NoteRef, PlacedNote>;
  readonly tables: ReadonlyMap<TableId, SyncedDoc>;
  readonly synthesisDoc: Y.Doc;
  readonly themeByRef: ReadonlyMap<NoteRef, ThemeView>;
  readonly spotlight: SpotlightTarget | null;
}

/** All notes of the round from every table, side by side per question, filterable. */
export function NotesPane({
  meta,
  round,
  notes,
  tables,
  synthesisDoc,
  themeByRef,
  spotlight,
}: NotesPaneProps) {
  const t = useT();
  const headingId = useId();
  const tableFilterId = useId();
  const perspectiveFilterId = useId();
  const tableFilter = useAppStore((state) => state.tableFilter);
  const perspectiveFilter = useAppStore((state) => state.perspectiveFilter);
  const setTableFilter = useAppStore((state) => state.setTableFilter);
  const setPerspectiveFilter = useAppStore((state) => state.setPerspectiveFilter);
  const tableNames = new Map(meta.tables.map((table) => [table.id, table.name]));
  const visible = [...notes.values()].filter(
    (note) =>
      (tableFilter === null || note.tableId === tableFilter) &&
      (perspectiveFilter === null || note.perspectiveId === perspectiveFilter),
  );

  return (
    <section className="notes-pane" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("notesHeading")}</h3>
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
          {meta.tables.map((table) => (
            <option key={table.id} value={table.id}>
              {table.name}
            </option>
          ))}
        </select>
        {meta.perspectives.length > 0 && (
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
              {meta.perspectives.map((perspective) => (
                <option key={perspective.id} value={perspective.id}>
                  {perspective.label}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      {notes.size === 0 && <p className="empty">{t("noNotesInRound")}</p>}
      <div className="notes-pane__columns">
        {round.prompts.map((prompt) => (
          <section key={prompt.id} className="notes-pane__column" aria-label={prompt.label}>
            <h4 lang={meta.language}>{prompt.label}</h4>
            <ul className="synth-notes">
              {visible
                .filter((note) => note.promptId === prompt.id)
                .map((note) => {
                  const tableDoc = tables.get(note.tableId)?.doc;
                  const theme = themeByRef.get(note.ref) ?? null;
                  return (
                    <NoteItem
                      key={note.ref}
                      note={note}
                      tableName={tableNames.get(note.tableId) ?? ""}
                      perspectives={meta.perspectives}
                      theme={theme}
                      spotlight={spotlight}
                      contentLanguage={meta.language}
                      onHide={(hidden) => {
                        if (tableDoc) setNoteHidden(tableDoc, note.id, hidden);
                        // A hidden note never reaches the screen, spotlit or not.
                        if (hidden && spotlight?.kind === "note" && spotlight.ref === note.ref) {
                          setSpotlight(synthesisDoc, null);
                        }
                      }}
                      onDelete={() => {
                        if (theme) removeNoteFromTheme(synthesisDoc, theme.id, note.ref);
                        if (spotlight?.kind === "note" && spotlight.ref === note.ref)
                          setSpotlight(synthesisDoc, null);
                        if (tableDoc) deleteNote(tableDoc, note.id);
                      }}
                      onSpotlight={(on) => setSpotlight(synthesisDoc, on ? note.ref : null)}
                    />
                  );
                })}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}
