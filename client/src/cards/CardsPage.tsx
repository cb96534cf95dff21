import { useEffect, useState } from "react";
import type { TableLink } from "../../../shared/api.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import type { ApiResult } from "../api.ts";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import type { StringKey } from "../i18n/strings.ts";
import { useT } from "../i18n/useT.ts";
import { workshopPath } from "../routes.ts";
import { takePageKey } from "../session/keys.ts";
import { useAppStore } from "../store/index.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useMetaState } from "../workshop/hooks.ts";
import { AddTableForm } from "./AddTableForm.tsx";
import { JoinCard } from "./JoinCard.tsx";
import { useMetaDoc } from "./useMetaDoc.ts";
import { type TablesStatus, useTables } from "./useTables.ts";
import "./cards.css";

/** `/w/<id>/cards`: one printable card per table. The codes are secret enough to need the key. */
export function CardsPage({ workshopId }: { workshopId: WorkshopId }) {
  const [key] = useState(() => takePageKey("cards", workshopId));
  const t = useT();
  useEffect(() => {
    document.title = `${t("cardsTitle")} – Samla`;
  }, [t]);
  if (key === null) return <Notice text="cardsNeedsKey" role="alert" />;
  return <Cards workshopId={workshopId} facilitatorKey={key} />;
}

const NOTICES: Readonly<Record<Exclude<TablesStatus, "ready">, StringKey>> = {
  loading: "cardsLoading",
  wrong: "cardsWrongKey",
  gone: "cardsGone",
  failed: "cardsLoadFailed",
};

function Cards({ workshopId, facilitatorKey }: { workshopId: WorkshopId; facilitatorKey: string }) {
  const { status, tables, add } = useTables(workshopId, facilitatorKey);
  if (status !== "ready")
    return <Notice text={NOTICES[status]} role={status === "loading" ? "status" : "alert"} />;
  return <CardsWithMeta workshopId={workshopId} facilitatorKey={facilitatorKey} tables={tables} add={add} />;
}

interface CardsProps {
  readonly workshopId: WorkshopId;
  readonly facilitatorKey: string;
  readonly tables: readonly TableLink[];
  readonly add: (name: string) => Promise<ApiResult<TableLink>>;
}

/** Opens the meta document only once the key proved good, so a wrong key opens no socket. */
function CardsWithMeta(props: CardsProps) {
  const synced = useMetaDoc(props.workshopId, props.facilitatorKey);
  return synced === null ? null : <CardsView {...props} synced={synced} />;
}

function CardsView({ workshopId, tables, add, synced }: CardsProps & { readonly synced: SyncedDoc }) {
  const t = useT();
  const meta = useMetaState(synced);
  const known = meta.schemaVersion > 0;
  const setWorkshopLanguage = useAppStore((state) => state.setWorkshopLanguage);
  useEffect(() => {
    setWorkshopLanguage(known ? meta.language : null);
    return () => setWorkshopLanguage(null);
  }, [known, meta.language, setWorkshopLanguage]);

  return (
    <div className="page cards-page">
      <header className="page-header cards-header no-print">
        <a className="cards-header__back" href={workshopPath(workshopId, "facilitate")}>
          {t("cardsBackToConsole")}
        </a>
        <LanguageSwitch />
      </header>
      <main id="main">
        <div className="cards-controls no-print">
          <h1 lang={known ? meta.language : undefined}>
            {known ? t("cardsHeading", { title: meta.title }) : t("cardsTitle")}
          </h1>
          <p>{t("cardsIntro")}</p>
          <div className="cards-controls__row">
            <button type="button" className="button button--primary" onClick={() => window.print()}>
              {t("cardsPrint")}
            </button>
            <p className="cards-controls__count">{t("cardsCount", { n: tables.length })}</p>
          </div>
          <AddTableForm onAdd={add} />
        </div>
        <div className="join-cards">
          {tables.map((table) => (
            <JoinCard key={table.id} table={table} workshopTitle={meta.title} language={meta.language} />
          ))}
        </div>
      </main>
    </div>
  );
}

function Notice({ text, role }: { text: StringKey; role: "status" | "alert" }) {
  const t = useT();
  return (
    <div className="page page--narrow">
      <main id="main">
        <h1>{t("cardsTitle")}</h1>
        <p role={role}>{t(text)}</p>
      </main>
    </div>
  );
}
