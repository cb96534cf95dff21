import { memo, useContext } from "react";
import type { Translate } from "../i18n/useT.ts";
import { useT } from "../i18n/useT.ts";
import { WorkshopLanguage } from "./language.ts";
import type { ScreenNote } from "./model.ts";

/** Where a note comes from: its table, and the writer's field when given. */
export function noteSource(note: ScreenNote, t: Translate): string {
  return note.perspective === null
    ? note.tableName
    : t("screenNoteSource", { table: note.tableName, perspective: note.perspective });
}

interface NoteCardProps {
  readonly note: ScreenNote;
  /** From the list: one subscription per list rather than one per note. */
  readonly t: Translate;
  /** The workshop's language where it is not the page's (`useNoteLanguage`). */
  readonly lang: string | undefined;
}

/**
 * One note as the room reads it: its text, then where it comes from, both in the workshop's
 * language. Two elements and one component per note (the wall shows 2,000). Memoised: a note's
 * card renders again only when it changed.
 */
export const NoteCard = memo(function NoteCard({ note, t, lang }: NoteCardProps) {
  return (
    <li className={`screen-note screen-note--${note.color}`} lang={lang}>
      {note.text}
      <span className="screen-note__source">{noteSource(note, t)}</span>
    </li>
  );
});

/** A theme's title as written, or a placeholder in the interface's language. */
export function ThemeTitle({ title }: { title: string }) {
  const t = useT();
  const lang = useContext(WorkshopLanguage);
  return title.trim() === "" ? t("screenUntitledTheme") : <span lang={lang}>{title}</span>;
}
