import { useEffect, useMemo } from "react";
import type { TableId, WorkshopId } from "../../../shared/ids.ts";
import { NarrowPage } from "../components/NarrowPage.tsx";
import { SyncStatus } from "../components/SyncStatus.tsx";
import { useT } from "../i18n/useT.ts";
import { JoinForm } from "../join/JoinForm.tsx";
import { forgetJoin, loadJoin } from "../session/joins.ts";
import { useSyncState } from "../sync/hooks.ts";
import { Board } from "./Board.tsx";
import { type BoardDocs, useBoardDocs } from "./useBoardDocs.ts";

/** `/w/<workshopId>/table/<tableId>`: the board, once this device has joined that table. */
export function BoardPage({ workshopId, tableId }: { workshopId: WorkshopId; tableId: TableId }) {
  const t = useT();
  const join = useMemo(() => {
    const stored = loadJoin(workshopId);
    return stored?.tableId === tableId ? stored : null;
  }, [workshopId, tableId]);
  const docs = useBoardDocs(join);

  if (join === null) {
    return (
      <NarrowPage>
        <p>{t("notJoined")}</p>
        <JoinForm />
      </NarrowPage>
    );
  }
  if (docs === null) return <Loading />;
  return <BoardOrEnded docs={docs} workshopId={workshopId} join={join} />;
}

function BoardOrEnded({
  docs,
  workshopId,
  join,
}: {
  docs: BoardDocs;
  workshopId: WorkshopId;
  join: NonNullable<ReturnType<typeof loadJoin>>;
}) {
  const t = useT();
  const table = useSyncState(docs.table);
  const meta = useSyncState(docs.meta);
  const gone = table.status === "gone" || meta.status === "gone";
  useEffect(() => {
    if (gone) forgetJoin(workshopId);
  }, [gone, workshopId]);

  if (gone) {
    return (
      <NarrowPage languageSwitch={false}>
        <p role="status">{t("workshopEnded")}</p>
      </NarrowPage>
    );
  }
  // Show the board as soon as there is something to show: from this device's copy or the server.
  if (!(meta.localLoaded || meta.serverSynced) || !(table.localLoaded || table.serverSynced)) {
    return <Loading synced={docs.table} />;
  }
  return <Board docs={docs} join={join} />;
}

function Loading({ synced }: { synced?: BoardDocs["table"] }) {
  const t = useT();
  return (
    <NarrowPage languageSwitch={false}>
      <p>{t("boardLoading")}</p>
      {synced && <SyncStatus synced={synced} />}
    </NarrowPage>
  );
}
