import { memo, useContext } from "react";
import { useT } from "../i18n/useT.ts";
import { useNoteLanguage, WorkshopLanguage } from "./language.ts";
import type { SpotlightView } from "./model.ts";
import { NoteCard, noteSource, ThemeTitle } from "./NoteCard.tsx";

/** What the facilitator put in focus: one note, or one theme with its notes, large, at the top. */
export const Spotlight = memo(function Spotlight({ view }: { view: SpotlightView }) {
  const t = useT();
  const lang = useContext(WorkshopLanguage);
  const noteLang = useNoteLanguage();
  return (
    <section className="spotlight" aria-labelledby="spotlight-heading">
      <h2 id="spotlight-heading" className="spotlight__label">
        {t("screenSpotlight")}
      </h2>
      {view.kind === "note" ? (
        <div className={`spotlight__note screen-note--${view.note.color}`}>
          <p className="spotlight__text" lang={lang}>
            {view.note.text}
          </p>
          <p className="screen-note__source" lang={lang}>
            {noteSource(view.note, t)}
          </p>
        </div>
      ) : (
        <>
          <p className="spotlight__text">
            <ThemeTitle title={view.theme.title} />
          </p>
          {view.notes.length > 0 && (
            <ul className="screen-notes spotlight__notes">
              {view.notes.map((note) => (
                <NoteCard key={note.ref} note={note} t={t} lang={noteLang} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
});
