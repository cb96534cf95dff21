import { useEffect, useId, useRef } from "react";
import * as Y from "yjs";
import type { NoteId, PerspectiveId } from "../../../shared/ids.ts";
import type { Perspective } from "../../../shared/schema/meta.ts";
import {
  deleteNote,
  isNoteColor,
  NOTE_COLORS,
  type NoteColor,
  noteText,
  readNote,
  setNoteColor,
  setNotePerspective,
  tableParts,
} from "../../../shared/schema/table.ts";
import type { StringKey } from "../i18n/strings.ts";
import { type Translate, useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import { jsonEqual, useYValue } from "../sync/hooks.ts";
import { NoteText } from "./NoteText.tsx";

const COLOR_NAMES: Readonly<Record<NoteColor, StringKey>> = {
  yellow: "colorYellow",
  pink: "colorPink",
  blue: "colorBlue",
  green: "colorGreen",
  orange: "colorOrange",
};

interface NoteCardProps {
  readonly doc: Y.Doc;
  readonly noteId: NoteId;
  readonly label: string;
  readonly contentLanguage: string;
  readonly canWrite: boolean;
  readonly perspectives: readonly Perspective[];
  /** Devices (other than this one) editing this note right now. */
  readonly editors: readonly string[];
  readonly onEditing: (noteId: NoteId | null) => void;
  /** Called after this device deleted the note, so focus can move somewhere sensible. */
  readonly onDeleted: () => void;
}

/** One sticky note: its text, colour, perspective and delete, touch-sized. */
export function NoteCard(props: NoteCardProps) {
  const { doc, noteId, label, contentLanguage, canWrite, perspectives, editors, onEditing, onDeleted } =
    props;
  const t = useT();
  const noteMap = tableParts(doc).notes.get(noteId);
  // Subscribed to this note only: typing elsewhere does not re-render this card.
  const note = useYValue(noteMap instanceof Y.Map ? noteMap : null, () => readNote(doc, noteId), jsonEqual, [
    noteId,
  ]);
  const text = noteText(doc, noteId);
  const focusNoteId = useAppStore((state) => state.focusNoteId);
  const focusNote = useAppStore((state) => state.focusNote);
  if (note === null || text === null) return null;

  return (
    <li className={`note note--${note.color}`}>
      <NoteText
        text={text}
        label={label}
        lang={contentLanguage}
        readOnly={!canWrite}
        autoFocus={focusNoteId === noteId}
        onFocus={() => {
          if (focusNoteId === noteId) focusNote(null);
          onEditing(noteId);
        }}
        onBlur={(value) => {
          onEditing(null);
          // A note left empty was a slip of the finger: remove it rather than keep a blank card.
          if (canWrite && value.trim() === "") deleteNote(doc, noteId);
        }}
      />
      {editors.length > 0 && (
        <p className="note__editing">
          {editors
            .map((device) => t("editingBy", { device: t("deviceName", { letter: device }) }))
            .join(", ")}
        </p>
      )}
      {canWrite && (
        <NoteOptions
          doc={doc}
          noteId={noteId}
          color={note.color}
          perspectiveId={note.perspectiveId}
          perspectives={perspectives}
          t={t}
          onDeleted={onDeleted}
        />
      )}
      {!canWrite && note.perspectiveId !== null && (
        <p className="note__perspective">{perspectives.find((p) => p.id === note.perspectiveId)?.label}</p>
      )}
    </li>
  );
}

interface NoteOptionsProps {
  readonly doc: Y.Doc;
  readonly noteId: NoteId;
  readonly color: NoteColor;
  readonly perspectiveId: PerspectiveId | null;
  readonly perspectives: readonly Perspective[];
  readonly t: Translate;
  readonly onDeleted: () => void;
}

function NoteOptions({ doc, noteId, color, perspectiveId, perspectives, t, onDeleted }: NoteOptionsProps) {
  const groupName = useId();
  const selectId = useId();
  const confirming = useAppStore((state) => state.confirmingDelete === noteId);
  const confirmDelete = useAppStore((state) => state.confirmDelete);
  // The button that was pressed is replaced: keep keyboard focus on the question that replaced it.
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  return (
    <div className="note__options">
      <fieldset className="note__colors">
        <legend className="visually-hidden">{t("colorLabel")}</legend>
        {NOTE_COLORS.map((option) => (
          <label key={option} className={`swatch swatch--${option}`}>
            <input
              type="radio"
              name={groupName}
              value={option}
              checked={color === option}
              onChange={(event) => {
                if (isNoteColor(event.target.value)) setNoteColor(doc, noteId, event.target.value);
              }}
            />
            <span className="visually-hidden">{t(COLOR_NAMES[option])}</span>
          </label>
        ))}
      </fieldset>
      {perspectives.length > 0 && (
        <div className="note__perspective-picker">
          <label htmlFor={selectId} className="visually-hidden">
            {t("perspectiveLabel")}
          </label>
          <select
            id={selectId}
            value={perspectiveId ?? ""}
            onChange={(event) =>
              setNotePerspective(
                doc,
                noteId,
                event.target.value === "" ? null : (event.target.value as PerspectiveId),
              )
            }
          >
            <option value="">{t("perspectiveNone")}</option>
            {perspectives.map((perspective) => (
              <option key={perspective.id} value={perspective.id}>
                {perspective.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {confirming ? (
        <span className="note__confirm">
          <button
            ref={confirmButton}
            type="button"
            className="button button--danger"
            onClick={() => {
              confirmDelete(null);
              deleteNote(doc, noteId);
              onDeleted();
            }}
          >
            {t("confirmDelete")}
          </button>
          <button type="button" className="button" onClick={() => confirmDelete(null)}>
            {t("cancel")}
          </button>
        </span>
      ) : (
        <button type="button" className="button button--quiet" onClick={() => confirmDelete(noteId)}>
          {t("deleteNote")}
        </button>
      )}
    </div>
  );
}
