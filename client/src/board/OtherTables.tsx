import { useEffect, useId, useState } from "react";
import { docName, tableDoc } from "../../../shared/docNames.ts";
import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import type { MetaState } from "../../../shared/schema/meta.ts";
import { notesFor, tableParts } from "../../../shared/schema/table.ts";
import { useT } from "../i18n/useT.ts";
import { useAppStore } from "../store/index.ts";
import { jsonEqual, useSyncState, useYValue } from "../sync/hooks.ts";
import { syncServerUrl } from "../sync/serverUrl.ts";
import { SyncedDoc } from "../sync/syncedDoc.ts";

interface OtherTablesProps {
  readonly workshopId: WorkshopId;
  readonly ownTableId: TableId;
  readonly token: string;
  readonly meta: MetaState;
}

/** While the facilitator reveals the tables, each table can read the others' boards. */
export function OtherTables({ workshopId, ownTableId, token, meta }: OtherTablesProps) {
  const t = useT();
  const headingId = useId();
  const viewing = useAppStore((state) => state.viewingTableId);
  const viewTable = useAppStore((state) => state.viewTable);
  const others = meta.tables.filter((table) => table.id !== ownTableId);
  const viewed = others.find((table) => table.id === viewing) ?? null;
  if (others.length === 0) return null;
  return (
    <section className="other-tables" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("otherTables")}</h2>
      <p>{t("otherTablesHint")}</p>
      <ul className="other-tables__list">
        {others.map((table) => (
          <li key={table.id}>
            <button
              type="button"
              className="button"
              aria-pressed={viewing === table.id}
              onClick={() => viewTable(viewing === table.id ? null : table.id)}
            >
              {t("showTable", { table: table.name })}
            </button>
          </li>
        ))}
      </ul>
      {viewed && (
        <OtherTableBoard
          key={viewed.id}
          workshopId={workshopId}
          tableId={viewed.id}
          name={viewed.name}
          token={token}
          meta={meta}
        />
      )}
    </section>
  );
}

interface OtherTableBoardProps {
  readonly workshopId: WorkshopId;
  readonly tableId: TableId;
  readonly name: string;
  readonly token: string;
  readonly meta: MetaState;
}

/** Another table's notes for the active round: read only, and nothing kept on this device. */
function OtherTableBoard({ workshopId, tableId, name, token, meta }: OtherTableBoardProps) {
  const t = useT();
  const headingId = useId();
  const [synced, setSynced] = useState<SyncedDoc | null>(null);
  useEffect(() => {
    const doc = new SyncedDoc({
      serverUrl: syncServerUrl(),
      name: docName(tableDoc(workshopId, tableId)),
      token,
      keepLocal: false,
    });
    setSynced(doc);
    return () => doc.destroy();
  }, [workshopId, tableId, token]);
  const round = meta.rounds.find((candidate) => candidate.id === meta.activeRoundId) ?? null;
  return (
    <section className="other-table" aria-labelledby={headingId}>
      <h3 id={headingId}>{t("readOnlyTable", { table: name })}</h3>
      {synced && round && <OtherTableNotes synced={synced} round={round} />}
    </section>
  );
}

function OtherTableNotes({ synced, round }: { synced: SyncedDoc; round: MetaState["rounds"][number] }) {
  const t = useT();
  const state = useSyncState(synced);
  const notes = useYValue(tableParts(synced.doc).notes, () => notesFor(synced.doc, round.id), jsonEqual, [
    round.id,
  ]);
  if (state.status === "refused") return <p role="status">{t("revealEnded")}</p>;
  return (
    <div className="other-table__prompts">
      {round.prompts.map((prompt) => {
        const texts = notes.filter((note) => note.promptId === prompt.id);
        return (
          <div key={prompt.id} className="other-table__prompt">
            <h4>{prompt.label}</h4>
            {texts.length === 0 ? (
              <p className="empty">{t("noNotesYet")}</p>
            ) : (
              <ul className="notes notes--read">
                {texts.map((note) => (
                  <li key={note.id} className={`note note--${note.color}`}>
                    <p className="note__read">{note.text || t("emptyNote")}</p>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}
