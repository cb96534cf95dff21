import { memo, useState } from "react";
import type * as Y from "yjs";
import { removeNoteFromTheme, setSpotlight, type ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import { deleteNote, setNoteHidden } from "../../../shared/schema/table.ts";
import type { Translate } from "../i18n/useT.ts";
import type { PlacedNote } from "./useRoundNotes.ts";

/** The data type a dragged note carries (its ref), so only notes can be dropped on themes. */
export const NOTE_DRAG_TYPE = "application/x-samla-note";

interface NoteItemProps {
  readonly note: PlacedNote;
  readonly tableName: string;
  /** The writer's perspective (field), if given. */
  readonly perspective: string | null;
  readonly theme: ThemeView | null;
  /** The spotlight is on this note. */
  readonly onScreen: boolean;
  /** The note's language where it is not the page's; undefined: the page's, inherited. */
  readonly contentLanguage: string | undefined;
  /** The note's table document (null while it is not open). */
  readonly tableDoc: Y.Doc | null;
  readonly synthesisDoc: Y.Doc;
  /** Selected for "move selected" (the keyboard way into a theme). */
  readonly selected: boolean;
  readonly onToggle: (ref: NoteRef) => void;
  /** The interface's strings, from the list: one subscription per list, not three per note. */
  readonly t: Translate;
}

/**
 * A note in the synthesis, labelled with its table and perspective; select, hide, spotlight, drag.
 * Memoised with plain props (no callbacks made by the parent), so it renders again only when
 * this note, its theme or its place on the screen changed.
 */
export const NoteItem = memo(function NoteItem(props: NoteItemProps) {
  const { note, theme, onScreen, tableDoc, synthesisDoc, selected, t } = props;
  const [confirming, setConfirming] = useState(false);
  const short = note.text.length > 60 ? `${note.text.slice(0, 57)}…` : note.text || t("emptyNote");
  const source = props.perspective ? `${props.tableName} · ${props.perspective}` : props.tableName;
  const badges = note.hidden || theme !== null || onScreen;
  const hide = (hidden: boolean) => {
    if (tableDoc) setNoteHidden(tableDoc, note.id, hidden);
    // A hidden note never reaches the screen, spotlit or not.
    if (hidden && onScreen) setSpotlight(synthesisDoc, null);
  };
  const remove = () => {
    if (theme) removeNoteFromTheme(synthesisDoc, theme.id, note.ref);
    if (onScreen) setSpotlight(synthesisDoc, null);
    if (tableDoc) deleteNote(tableDoc, note.id);
  };
  const spotlight = (on: boolean) => setSpotlight(synthesisDoc, on ? note.ref : null);
  // Flat: the note's parts are the list item's own children (7 elements, where a label around
  // the checkbox and wrappers for the body and the buttons made 10): 2,000 notes render in one go.
  return (
    <li
      className={`synth-note note--${note.color}${note.hidden ? " synth-note--hidden" : ""}${selected ? " synth-note--selected" : ""}`}
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(NOTE_DRAG_TYPE, note.ref);
        event.dataTransfer.effectAllowed = "move";
      }}
    >
      {/* Named by aria-label rather than a visually hidden span: that span is positioned, so a
          paint layer of its own, and with 2,000 notes they added to every frame's work. */}
      <input
        type="checkbox"
        className="synth-note__select"
        checked={selected}
        aria-label={t("selectNote", { text: short })}
        onChange={() => props.onToggle(note.ref)}
      />
      <p className="synth-note__text" lang={props.contentLanguage}>
        {note.text || t("emptyNote")}
      </p>
      <p className="synth-note__meta">
        {badges ? (
          <>
            {source}
            {note.hidden && <span className="badge badge--hidden">{t("hiddenBadge")}</span>}
            {theme && (
              <span className="badge">{t("inTheme", { theme: theme.title || t("untitledTheme") })}</span>
            )}
            {onScreen && <span className="badge badge--screen">{t("spotlighted")}</span>}
          </>
        ) : (
          // One string: the element's text, with no text node of its own for React to keep.
          source
        )}
      </p>
      <button
        type="button"
        className="button button--small"
        aria-label={t(note.hidden ? "showNoteLabel" : "hideNoteLabel", { text: short })}
        onClick={() => hide(!note.hidden)}
      >
        {t(note.hidden ? "showNote" : "hideNote")}
      </button>
      {!note.hidden && (
        <button
          type="button"
          className="button button--small"
          aria-pressed={onScreen}
          aria-label={onScreen ? t("stopSpotlight") : t("spotlightNoteLabel", { text: short })}
          onClick={() => spotlight(!onScreen)}
        >
          {t(onScreen ? "stopSpotlight" : "spotlight")}
        </button>
      )}
      {confirming ? (
        <>
          <button type="button" className="button button--small button--danger" onClick={remove}>
            {t("confirmDelete")}
          </button>
          <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
            {t("cancel")}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button button--small button--quiet"
          aria-label={t("deleteNoteLabel", { text: short })}
          onClick={() => setConfirming(true)}
        >
          {t("deleteNote")}
        </button>
      )}
    </li>
  );
});
