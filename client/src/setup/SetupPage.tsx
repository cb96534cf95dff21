import { useEffect, useState } from "react";
import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { useT } from "../i18n/useT.ts";
import { saveKey } from "../session/keys.ts";
import { ImportWorkshop } from "./ImportWorkshop.tsx";
import { type Created, SetupForm } from "./SetupForm.tsx";
import { SetupResult } from "./SetupResult.tsx";
import "./setup.css";

/** `/new`: the facilitator sets up the day, then gets its links. */
export function SetupPage() {
  const t = useT();
  const [created, setCreated] = useState<Created | null>(null);

  useEffect(() => {
    document.title = `${t("setupTitle")} – Samla`;
  }, [t]);

  function onCreated(result: Created) {
    const { workshopId, facilitatorToken, screenToken } = result.response;
    // Kept on this device too, so the console and the cards open here without the link.
    saveKey("facilitator", workshopId, facilitatorToken);
    saveKey("screen", workshopId, screenToken);
    setCreated(result);
  }

  return (
    <div className="page setup">
      <header className="page-header setup-header">
        <a href="/" className="setup-header__home">
          {t("setupBackHome")}
        </a>
        <LanguageSwitch />
      </header>
      <main id="main">
        {created === null ? (
          <>
            <h1>{t("setupTitle")}</h1>
            <p className="setup-intro">{t("setupIntro")}</p>
            <SetupForm onCreated={onCreated} />
            {/* An archive restores as a new workshop: the same links to keep as after creating one. */}
            <ImportWorkshop onImported={onCreated} />
          </>
        ) : (
          <SetupResult created={created} />
        )}
      </main>
    </div>
  );
}
