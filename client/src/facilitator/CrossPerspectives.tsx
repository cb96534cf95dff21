import { memo, useId } from "react";
import type { MetaState } from "../../../shared/schema/meta.ts";
import type { ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import type { PlacedNote } from "./useRoundNotes.ts";

/** Which perspectives (fields) each theme gathers. */
export function themePerspectives(theme: ThemeView, notes: ReadonlyMap<NoteRef, PlacedNote>): Set<string> {
  const ids = new Set<string>();
  for (const ref of theme.notes) {
    const note = notes.get(ref);
    if (note && !note.hidden && note.perspectiveId) ids.add(note.perspectiveId);
  }
  return ids;
}

/** Themes where several fields meet: the point of the day, most fields first. */
export const CrossPerspectives = memo(function CrossPerspectives({
  meta,
  themes,
  notes,
}: {
  meta: MetaState;
  themes: readonly ThemeView[];
  notes: ReadonlyMap<NoteRef, PlacedNote>;
}) {
  const t = useT();
  const headingId = useId();
  const labels = new Map(meta.perspectives.map((p) => [p.id as string, p.label]));
  const crossing = themes
    .map((theme) => ({ theme, perspectives: [...themePerspectives(theme, notes)] }))
    .filter((entry) => entry.perspectives.length > 1)
    .sort((a, b) => b.perspectives.length - a.perspectives.length);
  return (
    <section className="cross" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("crossHeading")}</h3>
      <p className="hint">{t("crossHint")}</p>
      {crossing.length === 0 ? (
        <p className="empty">{t("crossNone")}</p>
      ) : (
        <ul>
          {crossing.map(({ theme, perspectives }) => (
            <li key={theme.id}>
              <strong lang={meta.language}>{theme.title || t("untitledTheme")}</strong>:{" "}
              {perspectives.map((id) => labels.get(id) ?? id).join(", ")}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
