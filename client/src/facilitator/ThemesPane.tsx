import { type FormEvent, memo, useId, useState } from "react";
import type * as Y from "yjs";
import type { RoundId, ThemeId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import {
  addNoteToTheme,
  createTheme,
  deleteTheme,
  isNoteRef,
  removeNoteFromTheme,
  renameTheme,
  reorderThemes,
  type SpotlightTarget,
  setSpotlight,
  type ThemeView,
} from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import { NOTE_DRAG_TYPE } from "./NoteItem.tsx";
import type { PlacedNote } from "./useRoundNotes.ts";

interface ThemesPaneProps {
  readonly meta: MetaState;
  readonly roundId: RoundId;
  readonly themes: readonly ThemeView[];
  readonly notes: ReadonlyMap<NoteRef, PlacedNote>;
  readonly synthesisDoc: Y.Doc;
  readonly spotlight: SpotlightTarget | null;
}

/**
 * The round's themes: create, name, order, fill (drag or "move selected"), spotlight. Memoised:
 * `notes` holds only the notes in themes, so a note arriving elsewhere does not render it again.
 */
export const ThemesPane = memo(function ThemesPane({
  meta,
  roundId,
  themes,
  notes,
  synthesisDoc,
  spotlight,
}: ThemesPaneProps) {
  const t = useT();
  const headingId = useId();
  const titleId = useId();
  const [title, setTitle] = useState("");
  const announce = useAppStore((state) => state.announce);

  function create(event: FormEvent) {
    event.preventDefault();
    const name = title.trim();
    createTheme(synthesisDoc, { roundId, title: name });
    setTitle("");
    announce(t("announceThemeCreated", { theme: name || t("untitledTheme") }));
  }

  function move(themeId: ThemeId, offset: -1 | 1) {
    const ids = themes.map((theme) => theme.id);
    const index = ids.indexOf(themeId);
    const target = index + offset;
    if (index < 0 || target < 0 || target >= ids.length) return;
    [ids[index], ids[target]] = [ids[target] as ThemeId, ids[index] as ThemeId];
    reorderThemes(synthesisDoc, ids);
  }

  return (
    <section className="themes-pane" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("themesHeading")}</h3>
      <MoveSelected themes={themes} synthesisDoc={synthesisDoc} roundId={roundId} />
      <form className="inline-form" onSubmit={create}>
        <label htmlFor={titleId}>{t("newThemeTitle")}</label>
        <input
          id={titleId}
          value={title}
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button type="submit" className="button button--primary">
          {t("addTheme")}
        </button>
      </form>
      {themes.length === 0 && <p className="empty">{t("noThemes")}</p>}
      <ol className="themes">
        {themes.map((theme, index) => (
          <ThemeCard
            key={theme.id}
            theme={theme}
            first={index === 0}
            last={index === themes.length - 1}
            notes={notes}
            meta={meta}
            synthesisDoc={synthesisDoc}
            onScreen={spotlight?.kind === "theme" && spotlight.themeId === theme.id}
            onMove={(offset) => move(theme.id, offset)}
          />
        ))}
      </ol>
    </section>
  );
});

interface ThemeCardProps {
  readonly theme: ThemeView;
  readonly first: boolean;
  readonly last: boolean;
  readonly notes: ReadonlyMap<NoteRef, PlacedNote>;
  readonly meta: MetaState;
  readonly synthesisDoc: Y.Doc;
  readonly onScreen: boolean;
  readonly onMove: (offset: -1 | 1) => void;
}

function ThemeCard({ theme, first, last, notes, meta, synthesisDoc, onScreen, onMove }: ThemeCardProps) {
  const t = useT();
  const inputId = useId();
  const [dropping, setDropping] = useState(false);
  const name = theme.title || t("untitledTheme");
  const members = theme.notes.flatMap((ref) => notes.get(ref) ?? []).filter((note) => !note.hidden);
  const perspectives = new Set(members.flatMap((note) => (note.perspectiveId ? [note.perspectiveId] : [])));
  const tableNames = new Map(meta.tables.map((table) => [table.id, table.name]));
  return (
    <li
      className={`theme${dropping ? " theme--drop" : ""}`}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes(NOTE_DRAG_TYPE)) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDropping(false);
        const ref = event.dataTransfer.getData(NOTE_DRAG_TYPE);
        if (isNoteRef(ref)) addNoteToTheme(synthesisDoc, theme.id, ref);
      }}
    >
      <div className="theme__head">
        <label htmlFor={inputId} className="visually-hidden">
          {t("themeTitleLabel")}
        </label>
        <input
          id={inputId}
          className="theme__title"
          lang={meta.language}
          value={theme.title}
          placeholder={t("untitledTheme")}
          maxLength={200}
          onChange={(event) => renameTheme(synthesisDoc, theme.id, event.target.value)}
        />
        {perspectives.size > 1 && (
          <span className="badge">{t("perspectivesCount", { n: perspectives.size })}</span>
        )}
      </div>
      <div className="theme__actions">
        <button
          type="button"
          className="button button--small"
          disabled={first}
          aria-label={t("moveThemeUp", { theme: name })}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={last}
          aria-label={t("moveThemeDown", { theme: name })}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="button button--small"
          aria-pressed={onScreen}
          aria-label={onScreen ? t("stopSpotlight") : t("spotlightThemeLabel", { theme: name })}
          onClick={() => setSpotlight(synthesisDoc, onScreen ? null : theme.id)}
        >
          {t(onScreen ? "stopSpotlight" : "spotlight")}
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          aria-label={t("deleteTheme", { theme: name })}
          onClick={() => deleteTheme(synthesisDoc, theme.id)}
        >
          {t("remove")}
        </button>
      </div>
      {members.length === 0 ? (
        <p className="empty">{t("themeEmpty")}</p>
      ) : (
        <ul className="theme__notes">
          {members.map((note) => {
            const perspective = meta.perspectives.find((p) => p.id === note.perspectiveId)?.label;
            return (
              <li key={note.ref} className={`theme__note note--${note.color}`}>
                <span lang={meta.language}>{note.text}</span>
                <span className="synth-note__meta">
                  {tableNames.get(note.tableId)}
                  {perspective ? ` · ${perspective}` : ""}
                </span>
                <button
                  type="button"
                  className="button button--small button--quiet"
                  aria-label={t("removeFromTheme", { text: note.text.slice(0, 60) })}
                  onClick={() => removeNoteFromTheme(synthesisDoc, theme.id, note.ref)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}

/** The keyboard way to gather notes: select them in the list, then move them here. */
function MoveSelected({
  themes,
  synthesisDoc,
  roundId,
}: {
  themes: readonly ThemeView[];
  synthesisDoc: Y.Doc;
  roundId: RoundId;
}) {
  const t = useT();
  const selectId = useId();
  const selected = useAppStore((state) => state.selectedNotes);
  const clearSelection = useAppStore((state) => state.clearSelection);
  const announce = useAppStore((state) => state.announce);
  const [target, setTarget] = useState<string>("");
  if (selected.length === 0) return null;

  function moveTo(themeId: ThemeId, themeName: string) {
    synthesisDoc.transact(() => {
      for (const ref of selected) addNoteToTheme(synthesisDoc, themeId, ref);
    });
    announce(t("announceMoved", { n: selected.length, theme: themeName }));
    clearSelection();
  }

  const chosen = themes.find((theme) => theme.id === target) ?? themes[0];
  return (
    <fieldset className="move-selected">
      <legend>
        <strong>{t("selectedCount", { n: selected.length })}</strong>: {t("moveToTheme")}
      </legend>
      {themes.length > 0 && (
        <>
          <label htmlFor={selectId}>{t("themeToMoveTo")}</label>
          <select id={selectId} value={chosen?.id ?? ""} onChange={(event) => setTarget(event.target.value)}>
            {themes.map((theme) => (
              <option key={theme.id} value={theme.id}>
                {theme.title || t("untitledTheme")}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button--primary"
            onClick={() => chosen && moveTo(chosen.id, chosen.title || t("untitledTheme"))}
          >
            {t("moveSelected")}
          </button>
        </>
      )}
      <button
        type="button"
        className="button"
        onClick={() => moveTo(createTheme(synthesisDoc, { roundId, title: "" }), t("untitledTheme"))}
      >
        {t("newThemeFromSelected")}
      </button>
      <button type="button" className="button button--quiet" onClick={clearSelection}>
        {t("clearSelection")}
      </button>
    </fieldset>
  );
}
