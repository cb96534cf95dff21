import { useId, useMemo, useRef } from "react";
import type { TableId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import type { ThemeView } from "../../../shared/schema/synthesis.ts";
import type { NoteRef } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import type { WorkshopConnection } from "../sync/workshopConnection.ts";
import { useSpotlight, useThemes } from "../workshop/hooks.ts";
import { CrossPerspectives } from "./CrossPerspectives.tsx";
import { InsightsPane } from "./InsightsPane.tsx";
import { NotesPane } from "./NotesPane.tsx";
import { ThemesPane } from "./ThemesPane.tsx";
import { type PlacedNote, type RoundNotes, useRoundNotes } from "./useRoundNotes.ts";

interface SynthesisProps {
  readonly meta: MetaState;
  readonly connection: WorkshopConnection;
  readonly tables: ReadonlyMap<TableId, SyncedDoc>;
}

/** The product of the day: every table's notes of the round, gathered into themes and conclusions. */
export function Synthesis({ meta, connection, tables }: SynthesisProps) {
  const t = useT();
  const headingId = useId();
  const round = meta.rounds.find((candidate) => candidate.id === meta.activeRoundId) ?? null;
  const notes = useRoundNotes(tables, round?.id ?? null);
  const themes = useThemes(connection.synthesis, round?.id ?? null);
  const themed = useThemedNotes(themes, notes);
  const spotlight = useSpotlight(connection.synthesis);
  const themeByRef = useMemo(() => {
    const map = new Map<NoteRef, ThemeView>();
    for (const theme of themes) for (const ref of theme.notes) map.set(ref, theme);
    return map;
  }, [themes]);

  return (
    <section className="synthesis" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t("synthesisHeading")}
        {round && (
          <>
            : <span lang={meta.language}>{round.title}</span>
          </>
        )}
      </h2>
      {round === null ? (
        <p>{t("noActiveRound")}</p>
      ) : (
        <div className="synthesis__grid">
          <NotesPane
            meta={meta}
            round={round}
            notes={notes}
            tables={tables}
            synthesisDoc={connection.synthesis.doc}
            themeByRef={themeByRef}
            spotlightRef={spotlight?.kind === "note" ? spotlight.ref : null}
          />
          <div className="synthesis__side">
            <ThemesPane
              meta={meta}
              roundId={round.id}
              themes={themes}
              notes={themed}
              synthesisDoc={connection.synthesis.doc}
              spotlight={spotlight}
            />
            <CrossPerspectives meta={meta} themes={themes} notes={themed} />
            <InsightsPane
              synthesis={connection.synthesis}
              roundId={round.id}
              themes={themes}
              language={meta.language}
            />
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * The notes the round's themes hold, by ref: the same Map as long as none of them changed, so
 * the themes do not render again for a note arriving that no theme holds.
 */
function useThemedNotes(themes: readonly ThemeView[], notes: RoundNotes): ReadonlyMap<NoteRef, PlacedNote> {
  const previous = useRef<ReadonlyMap<NoteRef, PlacedNote>>(new Map());
  return useMemo(() => {
    const next = new Map<NoteRef, PlacedNote>();
    for (const theme of themes) {
      for (const ref of theme.notes) {
        const note = notes.get(ref);
        if (note !== undefined) next.set(ref, note);
      }
    }
    const old = previous.current;
    const same = old.size === next.size && [...next].every(([ref, note]) => old.get(ref) === note);
    if (!same) previous.current = next;
    return previous.current;
  }, [themes, notes]);
}
