import { memo, useContext } from "react";
import { useT } from "../i18n/useT.ts";
import { WorkshopLanguage } from "./language.ts";
import type { ScreenNote } from "./model.ts";

/** Where a note comes from: its table, and the writer's field when given. */
export function NoteSource({ note }: { note: ScreenNote }) {
  const t = useT();
  const lang = useContext(WorkshopLanguage);
  const source =
    note.perspective === null
      ? note.tableName
      : t("screenNoteSource", { table: note.tableName, perspective: note.perspective });
  return (
    <p className="screen-note__source" lang={lang}>
      {source}
    </p>
  );
}

/** One note as the room reads it. Memoised: a note's card renders again only when it changed. */
export const NoteCard = memo(function NoteCard({ note }: { note: ScreenNote }) {
  const lang = useContext(WorkshopLanguage);
  return (
    <li className={`screen-note screen-note--${note.color}`}>
      <p className="screen-note__text" lang={lang}>
        {note.text}
      </p>
      <NoteSource note={note} />
    </li>
  );
});

/** A theme's title as written, or a placeholder in the interface's language. */
export function ThemeTitle({ title }: { title: string }) {
  const t = useT();
  const lang = useContext(WorkshopLanguage);
  return title.trim() === "" ? t("screenUntitledTheme") : <span lang={lang}>{title}</span>;
}
