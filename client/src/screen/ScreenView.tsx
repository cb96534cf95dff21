import { useEffect, useMemo, useState } from "react";
import type { PerspectiveId, TableId } from "../../../shared/ids.ts";
import { type MetaState, metaParts, readMeta } from "../../../shared/schema/meta.ts";
import { Timer } from "../board/Timer.tsx";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import { jsonEqual, useYValue } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useTableDocs } from "../sync/useWorkshop.ts";
import type { WorkshopConnection } from "../sync/workshopConnection.ts";
import { useMetaState, useSpotlight } from "../workshop/hooks.ts";
import { StartingPointView } from "../workshop/StartingPointView.tsx";
import { WorkshopLanguage } from "./language.ts";
import { indexNotes, resolveSpotlight, type ScreenData, withoutVanished } from "./model.ts";
import { ScreenControls, ScreenStatus } from "./ScreenControls.tsx";
import { ScreenSynthesis } from "./ScreenSynthesis.tsx";
import { Spotlight } from "./Spotlight.tsx";
import { SynthesisFeed, useRoundSynthesis } from "./SynthesisFeed.tsx";
import { TableFeed, useNotesByTable } from "./TableFeed.tsx";

interface Frozen {
  readonly data: ScreenData;
  readonly at: number;
}

/** The projector: the round's focus and timer, the spotlight, and the synthesis as it grows. */
export function ScreenView({ connection }: { connection: WorkshopConnection }) {
  const t = useT();
  const meta = useMetaState(connection.meta);
  const tables = useTableDocs(connection);
  const tableNames = useTableNames(connection.meta);
  const perspectives = usePerspectiveLabels(connection.meta);
  useWorkshopLanguage(meta);

  // Paused, the screen stays on the round it showed, even if the facilitator moves on.
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  const roundId = frozen === null ? meta.activeRoundId : frozen.data.roundId;
  const [notes, reportNotes] = useNotesByTable(roundId);
  const [synthesis, reportSynthesis] = useRoundSynthesis(roundId);
  const spotlight = useSpotlight(connection.synthesis);

  const live = useMemo<ScreenData>(
    () => ({ roundId, notes, themes: synthesis.themes, insights: synthesis.insights, spotlight }),
    [roundId, notes, synthesis, spotlight],
  );
  const shown = useMemo(
    () => (frozen === null ? live : withoutVanished(frozen.data, live.notes)),
    [frozen, live],
  );
  const byRef = useMemo(() => indexNotes(shown.notes), [shown.notes]);
  const spotlightView = useMemo(
    () => resolveSpotlight(shown.spotlight, shown.themes, byRef),
    [shown.spotlight, shown.themes, byRef],
  );
  const round = meta.rounds.find((candidate) => candidate.id === shown.roundId) ?? null;
  const togglePause = () => setFrozen(frozen === null ? { data: live, at: Date.now() } : null);

  return (
    <WorkshopLanguage.Provider value={meta.language}>
      <SynthesisFeed synthesis={connection.synthesis} roundId={roundId} onSynthesis={reportSynthesis} />
      {[...tables].map(([tableId, table]) => (
        <TableFeed
          key={tableId}
          tableId={tableId}
          table={table}
          tableName={tableNames.get(tableId) ?? ""}
          roundId={roundId}
          perspectives={perspectives}
          onNotes={reportNotes}
        />
      ))}
      <div className="screen">
        <header className="screen-header">
          <p className="screen-header__workshop" lang={meta.language}>
            {meta.title}
          </p>
          <ScreenControls paused={frozen !== null} onTogglePause={togglePause} />
        </header>
        <main id="main" className="screen-main">
          <div className="screen-focus">
            <h1 className="screen-focus__title" lang={round === null ? undefined : meta.language}>
              {round === null ? t("screenNoRound") : round.title}
            </h1>
            <Timer timer={meta.timer} />
            {!meta.writingOpen && <p className="screen-focus__closed">{t("writingClosed")}</p>}
          </div>
          <ScreenStatus pausedAt={frozen?.at ?? null} synced={connection.meta} />
          {spotlightView !== null && <Spotlight view={spotlightView} />}
          <StartingPointView meta={connection.meta} language={meta.language} />
          <ScreenSynthesis data={shown} byRef={byRef} prompts={round?.prompts ?? []} />
        </main>
      </div>
    </WorkshopLanguage.Provider>
  );
}

/** The workshop's language for the interface, and its title for the tab. */
function useWorkshopLanguage(meta: MetaState): void {
  const t = useT();
  const setWorkshopLanguage = useAppStore((state) => state.setWorkshopLanguage);
  useEffect(() => {
    setWorkshopLanguage(meta.schemaVersion > 0 ? meta.language : null);
    return () => setWorkshopLanguage(null);
  }, [meta.schemaVersion, meta.language, setWorkshopLanguage]);
  const heading = t("screenTitle");
  useEffect(() => {
    document.title = meta.title ? `${heading}: ${meta.title} – Samla` : `${heading} – Samla`;
  }, [heading, meta.title]);
}

/** Table names by id; a new map only when a table is added or renamed (not on every tick of meta). */
function useTableNames(meta: SyncedDoc): ReadonlyMap<TableId, string> {
  const list = useYValue(metaParts(meta.doc).tables, () => readMeta(meta.doc).tables, jsonEqual);
  return useMemo(() => new Map(list.map((table) => [table.id, table.name])), [list]);
}

function usePerspectiveLabels(meta: SyncedDoc): ReadonlyMap<PerspectiveId, string> {
  const list = useYValue(metaParts(meta.doc).perspectives, () => readMeta(meta.doc).perspectives, jsonEqual);
  return useMemo(() => new Map(list.map((perspective) => [perspective.id, perspective.label])), [list]);
}
