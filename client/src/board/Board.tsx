import { useCallback, useEffect, useMemo, useRef } from "react";
import type { NoteId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { SyncStatus } from "../components/SyncStatus.tsx";
import { useT } from "../i18n/useT.ts";
import type { Join } from "../session/joins.ts";
import { useAppStore } from "../store/index.ts";
import { useMetaState } from "../workshop/hooks.ts";
import { StartingPointView } from "../workshop/StartingPointView.tsx";
import { OtherTables } from "./OtherTables.tsx";
import { PromptColumn } from "./PromptColumn.tsx";
import { setEditing, usePublishPresence, useTablePresence } from "./presence.ts";
import { Timer } from "./Timer.tsx";
import { useAnnouncements, useMetaAnnouncements } from "./useAnnouncements.ts";
import type { BoardDocs } from "./useBoardDocs.ts";
import { Voting } from "./Voting.tsx";

/** A table's board: the round's questions, this table's notes, and what the facilitator decides. */
export function Board({ docs, join }: { docs: BoardDocs; join: Join }) {
  const t = useT();
  const meta = useMetaState(docs.meta);
  const setWorkshopLanguage = useAppStore((state) => state.setWorkshopLanguage);
  useEffect(() => {
    setWorkshopLanguage(meta.schemaVersion > 0 ? meta.language : null);
  }, [meta.schemaVersion, meta.language, setWorkshopLanguage]);
  useEffect(() => {
    document.title = meta.title ? `${meta.title} – Samla` : "Samla";
  }, [meta.title]);

  const previous = usePrevious(meta);
  useMetaAnnouncements(meta, previous, t);
  useAnnouncements(docs.table, meta, t);

  const awareness = docs.table.awareness;
  usePublishPresence(awareness);
  const presence = useTablePresence(awareness);
  const editorsByNote = useMemo(() => {
    const map = new Map<NoteId, string[]>();
    for (const other of presence.others) {
      if (other.editing) map.set(other.editing, [...(map.get(other.editing) ?? []), other.device]);
    }
    return map;
  }, [presence.others]);
  const onEditing = useCallback((noteId: NoteId | null) => setEditing(awareness, noteId), [awareness]);

  const table = meta.tables.find((candidate) => candidate.id === join.tableId);
  const round = meta.rounds.find((candidate) => candidate.id === meta.activeRoundId) ?? null;
  const canWrite = meta.writingOpen;

  return (
    <div className="page board">
      <header className="board-header">
        <div className="board-header__names">
          <p className="board-header__workshop">{meta.title}</p>
          <h1>{table?.name ?? t("tableLabel")}</h1>
        </div>
        <div className="board-header__status">
          <Timer timer={meta.timer} />
          <SyncStatus synced={docs.table} />
          <p className="devices">
            {presence.count <= 1 ? t("oneDeviceAtTable") : t("devicesAtTable", { n: presence.count })}
          </p>
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" className="board-main">
        {!canWrite && (
          <p className="banner banner--closed">
            <span aria-hidden="true">🔒 </span>
            {t("writingClosed")}
          </p>
        )}
        <StartingPointView meta={docs.meta} language={meta.language} />
        {round === null ? (
          <p>{t("noActiveRound")}</p>
        ) : (
          <>
            <h2 className="round-title">
              <span className="round-title__label">{t("roundLabel")}: </span>
              <span lang={meta.language}>{round.title}</span>
            </h2>
            {meta.votingOpen && <Voting synthesis={docs.synthesis} table={docs.table} meta={meta} />}
            <div className="prompt-columns">
              {round.prompts.map((prompt) => (
                <PromptColumn
                  key={prompt.id}
                  doc={docs.table.doc}
                  roundId={round.id}
                  promptId={prompt.id}
                  prompt={prompt.label}
                  contentLanguage={meta.language}
                  canWrite={canWrite}
                  perspectives={meta.perspectives}
                  editorsByNote={editorsByNote}
                  onEditing={onEditing}
                />
              ))}
            </div>
          </>
        )}
        {meta.revealed && (
          <OtherTables
            workshopId={join.workshopId}
            ownTableId={join.tableId}
            token={join.token}
            meta={meta}
          />
        )}
      </main>
    </div>
  );
}

function usePrevious(value: MetaState): MetaState | null {
  const ref = useRef<{ current: MetaState | null; previous: MetaState | null }>({
    current: null,
    previous: null,
  });
  if (ref.current.current !== value) ref.current = { current: value, previous: ref.current.current };
  return ref.current.previous;
}
