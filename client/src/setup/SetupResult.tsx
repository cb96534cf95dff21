import { useEffect, useRef } from "react";
import { useT } from "../i18n/useT.ts";
import { workshopPath } from "../routes.ts";
import { CopyField } from "./CopyField.tsx";
import type { Created } from "./SetupForm.tsx";

/**
 * The workshop exists: its links, once. The facilitator link is the key (no account can
 * restore it), so it comes first with a warning; the screen link and the cards follow.
 */
export function SetupResult({ created }: { created: Created }) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  const { response, title } = created;
  const key = `#key=${response.facilitatorToken}`;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <div className="setup-result">
      <h1 ref={heading} tabIndex={-1}>
        {t("setupDoneHeading", { title })}
      </h1>

      <section className="setup-section" aria-labelledby="result-facilitator">
        <h2 id="result-facilitator">{t("setupFacilitatorLinkHeading")}</h2>
        <p id="result-facilitator-warning" className="warning">
          {t("setupFacilitatorLinkWarning")}
        </p>
        <CopyField
          id="result-facilitator-url"
          label={t("setupFacilitatorLinkHeading")}
          value={response.facilitatorUrl}
          describedBy="result-facilitator-warning"
        />
      </section>

      <section className="setup-section" aria-labelledby="result-screen">
        <h2 id="result-screen">{t("setupScreenLinkHeading")}</h2>
        <p id="result-screen-hint" className="hint">
          {t("setupScreenLinkHint")}
        </p>
        <CopyField
          id="result-screen-url"
          label={t("setupScreenLinkHeading")}
          value={response.screenUrl}
          describedBy="result-screen-hint"
        />
      </section>

      <section className="setup-section" aria-labelledby="result-cards">
        <h2 id="result-cards">{t("setupCardsHeading")}</h2>
        <p className="hint">{t("setupCardsHint")}</p>
        {/* A new tab, so this page and its links stay open while the cards print. */}
        <a
          className="button"
          href={`${workshopPath(response.workshopId, "cards")}${key}`}
          target="_blank"
          rel="noopener"
        >
          {t("setupCardsLink")}
        </a>
      </section>

      <p className="setup-result__next">
        {/* This origin, not PUBLIC_URL: the key is already stored here, and the laptop may reach the server by another name. */}
        <a
          className="button button--primary button--large"
          href={`${workshopPath(response.workshopId, "facilitate")}${key}`}
        >
          {t("setupOpenConsole")}
        </a>
      </p>
    </div>
  );
}
