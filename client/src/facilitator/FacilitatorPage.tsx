import { useEffect, useState } from "react";
import type { WorkshopInfo } from "../../../shared/api.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { SyncStatus } from "../components/SyncStatus.tsx";
import { takeWorkshopInfo } from "../earlyRequests.ts";
import { useT } from "../i18n/useT.ts";
import { workshopPath } from "../routes.ts";
import { forgetKey, takePageKey } from "../session/keys.ts";
import { useAppStore } from "../store/index.ts";
import { useTableDocs, useWorkshopConnection } from "../sync/useWorkshop.ts";
import type { WorkshopConnection } from "../sync/workshopConnection.ts";
import { useMetaState } from "../workshop/hooks.ts";
import { StartingPointView } from "../workshop/StartingPointView.tsx";
import { Controls } from "./Controls.tsx";
import { ExportPanel } from "./ExportPanel.tsx";
import { FollowUpPanel } from "./FollowUpPanel.tsx";
import { Synthesis } from "./Synthesis.tsx";
import { TablesOverview } from "./TablesOverview.tsx";
import { VoteTotals } from "./VoteTotals.tsx";
import { WorkshopAdmin } from "./WorkshopAdmin.tsx";
import "./facilitator.css";

type KeyCheck = "checking" | "missing" | "valid" | "wrong" | "gone" | "deleted";

const MESSAGES = {
  checking: "checkingKey",
  missing: "needsKey",
  wrong: "wrongKey",
  gone: "keyGone",
  deleted: "workshopDeleted",
  valid: "checkingKey",
} as const;

/**
 * `/w/<id>/facilitate`: the console. The key is checked with the server before anything
 * shows, so a table's token or no key at all never shows controls that would do nothing. The
 * workshop's documents start opening meanwhile (the server refuses them to a wrong key), so the
 * check's round trip does not delay them; they close if the check fails.
 */
export function FacilitatorPage({ workshopId }: { workshopId: WorkshopId }) {
  const t = useT();
  const [key] = useState(() => takePageKey("facilitate", workshopId));
  const [check, setCheck] = useState<KeyCheck>(key === null ? "missing" : "checking");
  const [info, setInfo] = useState<WorkshopInfo | null>(null);
  const connection = useWorkshopConnection(
    workshopId,
    check === "checking" || check === "valid" ? key : null,
    true,
  );

  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    // Started on page load by earlyLoad.ts when the page was opened by its address.
    takeWorkshopInfo(workshopId, key).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setInfo(result.body);
        setCheck("valid");
      } else {
        setCheck(result.status === 410 || result.status === 404 ? "gone" : "wrong");
      }
    });
    return () => {
      cancelled = true;
    };
  }, [key, workshopId]);

  if (check !== "valid" || key === null || info === null || connection === null) {
    return (
      <div className="page page--narrow">
        <main id="main">
          <h1>{t("consoleHeading")}</h1>
          <p role={check === "checking" ? "status" : "alert"}>{t(MESSAGES[check])}</p>
        </main>
      </div>
    );
  }
  const onDeleted = () => {
    forgetKey("facilitator", workshopId);
    forgetKey("screen", workshopId);
    setCheck("deleted");
  };
  return (
    <ConsoleView
      workshopId={workshopId}
      facilitatorKey={key}
      info={info}
      onDeleted={onDeleted}
      connection={connection}
    />
  );
}

interface ConsoleProps {
  readonly workshopId: WorkshopId;
  readonly facilitatorKey: string;
  readonly info: WorkshopInfo;
  readonly onDeleted: () => void;
  readonly connection: WorkshopConnection;
}

function ConsoleView(props: ConsoleProps) {
  const { workshopId, connection } = props;
  const t = useT();
  const meta = useMetaState(connection.meta);
  const tables = useTableDocs(connection);
  const setWorkshopLanguage = useAppStore((state) => state.setWorkshopLanguage);
  useEffect(() => {
    setWorkshopLanguage(meta.schemaVersion > 0 ? meta.language : null);
    document.title = meta.title ? `${meta.title} – Samla` : "Samla";
  }, [meta.schemaVersion, meta.language, meta.title, setWorkshopLanguage]);

  return (
    <div className="page console">
      <header className="console-header">
        <div>
          <p className="console-header__kicker">{t("consoleHeading")}</p>
          <h1 lang={meta.language}>{meta.title}</h1>
        </div>
        <nav className="console-header__links" aria-label={t("consoleHeading")}>
          <a className="button" href={workshopPath(workshopId, "screen")} target="_blank" rel="noopener">
            {t("openScreen")}
          </a>
          <a className="button" href={workshopPath(workshopId, "cards")}>
            {t("openCards")}
          </a>
          <SyncStatus synced={connection.synthesis} />
          <LanguageSwitch />
        </nav>
      </header>
      <main id="main" className="console-main">
        <StartingPointView meta={connection.meta} language={meta.language} />
        <Controls meta={meta} metaDoc={connection.meta.doc} />
        <TablesOverview meta={meta} tables={tables} />
        <Synthesis meta={meta} connection={connection} tables={tables} />
        <VoteTotals
          synthesis={connection.synthesis}
          tables={tables}
          meta={meta}
          metaDoc={connection.meta.doc}
        />
        <FollowUpPanel workshopId={workshopId} facilitatorKey={props.facilitatorKey} />
        <ExportPanel workshopId={workshopId} facilitatorKey={props.facilitatorKey} title={meta.title} />
        <WorkshopAdmin
          workshopId={workshopId}
          facilitatorKey={props.facilitatorKey}
          info={props.info}
          onDeleted={props.onDeleted}
        />
      </main>
    </div>
  );
}
