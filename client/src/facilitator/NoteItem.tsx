import { useState } from "react";
import type { Perspective } from "../../../shared/schema/meta.ts";
import type { SpotlightTarget, ThemeView } from "../../../shared/schema/synthesis.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import type { PlacedNote } from "./useRoundNotes.ts";

/** The data type a dragged note carries (its ref), so only notes can be dropped on themes. */
export const NOTE_DRAG_TYPE = "application/x-samla-note";

interface NoteItemProps {
  readonly note: PlacedNote;
  readonly tableName: string;
  readonly perspectives: readonly Perspective[];
  readonly theme: ThemeView | null;
  readonly spotlight: SpotlightTarget | null;
  readonly contentLanguage: string;
  readonly onHide: (hidden: boolean) => void;
  readonly onDelete: () => void;
  readonly onSpotlight: (on: boolean) => void;
}

/** A note in the synthesis, labelled with its table and perspective; select, hide, spotlight, drag. */
export function NoteItem(props: NoteItemProps) {
  const { note, theme, spotlight } = props;
  const t = useT();
  const selected = useAppStore((state) => state.selectedNotes.includes(note.ref));
  const toggleNote = useAppStore((state) => state.toggleNote);
  const [confirming, setConfirming] = useState(false);
  const short = note.text.length > 60 ? `${note.text.slice(0, 57)}…` : note.text || t("emptyNote");
  const perspective = props.perspectives.find((p) => p.id === note.perspectiveId)?.label;
  const onScreen = spotlight?.kind === "note" && spotlight.ref === note.ref;
  return (
    <li
      className={`synth-note note--${note.color}${note.hidden ? " synth-note--hidden" : ""}${selected ? " synth-note--selected" : ""}`}
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(NOTE_DRAG_TYPE, note.ref);
        event.dataTransfer.effectAllowed = "move";
      }}
    >
      <label className="synth-note__select">
        <input type="checkbox" checked={selected} onChange={() => toggleNote(note.ref)} />
        <span className="visually-hidden">{t("selectNote", { text: short })}</span>
      </label>
      <div className="synth-note__body">
        <p className="synth-note__text" lang={props.contentLanguage}>
          {note.text || t("emptyNote")}
        </p>
        <p className="synth-note__meta">
          {props.tableName}
          {perspective ? ` · ${perspective}` : ""}
          {note.hidden && <span className="badge badge--hidden">{t("hiddenBadge")}</span>}
          {theme && (
            <span className="badge">{t("inTheme", { theme: theme.title || t("untitledTheme") })}</span>
          )}
          {onScreen && <span className="badge badge--screen">{t("spotlighted")}</span>}
        </p>
        <div className="synth-note__actions">
          <button
            type="button"
            className="button button--small"
            aria-label={t(note.hidden ? "showNoteLabel" : "hideNoteLabel", { text: short })}
            onClick={() => props.onHide(!note.hidden)}
          >
            {t(note.hidden ? "showNote" : "hideNote")}
          </button>
          {!note.hidden && (
            <button
              type="button"
              className="button button--small"
              aria-pressed={onScreen}
              aria-label={onScreen ? t("stopSpotlight") : t("spotlightNoteLabel", { text: short })}
              onClick={() => props.onSpotlight(!onScreen)}
            >
              {t(onScreen ? "stopSpotlight" : "spotlight")}
            </button>
          )}
          {confirming ? (
            <>
              <button type="button" className="button button--small button--danger" onClick={props.onDelete}>
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
        </div>
      </div>
    </li>
  );
}
