import { useEffect, useState } from "react";
import type { WorkshopId } from "../../../shared/ids.ts";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { forgetKey, takePageKey } from "../session/keys.ts";
import { useSyncState } from "../sync/hooks.ts";
import { useWorkshopConnection } from "../sync/useWorkshop.ts";
import type { WorkshopConnection } from "../sync/workshopConnection.ts";
import { ScreenView } from "./ScreenView.tsx";
import "./screen.css";

/**
 * `/w/<id>/screen#key=…`: the projector, read-only. The key leaves the address bar at once
 * (the room sees the address bar); the server decides what the key may read.
 */
export function ScreenPage({ workshopId }: { workshopId: WorkshopId }) {
  // A facilitator opening the screen from the console uses the key already on the laptop.
  const [key] = useState(() => takePageKey("screen", workshopId));
  if (key === null) return <Notice message="screenNeedsKey" alert />;
  return <Screen workshopId={workshopId} screenKey={key} />;
}

function Screen({ workshopId, screenKey }: { workshopId: WorkshopId; screenKey: string }) {
  // Nothing kept on the projector's disk: it is often a shared machine in a hired room.
  const connection = useWorkshopConnection(workshopId, screenKey, false);
  if (connection === null) return <Notice message="screenConnecting" />;
  return <ScreenGate workshopId={workshopId} connection={connection} />;
}

function ScreenGate({ workshopId, connection }: { workshopId: WorkshopId; connection: WorkshopConnection }) {
  const meta = useSyncState(connection.meta);
  const gone = meta.status === "gone";
  useEffect(() => {
    if (gone) forgetKey("screen", workshopId);
  }, [gone, workshopId]);

  if (gone) return <Notice message="screenGone" alert />;
  if (meta.status === "refused") return <Notice message="screenRefused" alert />;
  // The documents request's state is enough to show; the sockets bring what is newer.
  if (!meta.serverSynced && !meta.snapshotLoaded) return <Notice message="screenConnecting" />;
  return <ScreenView connection={connection} />;
}

function Notice({ message, alert = false }: { message: StringKey; alert?: boolean }) {
  const t = useT();
  return (
    <div className="page page--narrow screen-notice">
      <main id="main">
        <h1>{t("screenTitle")}</h1>
        <p role={alert ? "alert" : "status"}>{t(message)}</p>
      </main>
    </div>
  );
}
