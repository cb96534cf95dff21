import { useEffect, useId, useRef, useState } from "react";
import type { WorkshopInfo } from "../../../shared/api.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import { api } from "../api.ts";
import { useLanguage, useT } from "../i18n/useT.ts";

interface WorkshopAdminProps {
  readonly workshopId: WorkshopId;
  readonly facilitatorKey: string;
  readonly info: WorkshopInfo;
  readonly onDeleted: () => void;
}

/** The workshop's lifetime: when retention deletes it, and deleting it now, for good. */
export function WorkshopAdmin({ workshopId, facilitatorKey, info, onDeleted }: WorkshopAdminProps) {
  const t = useT();
  const locale = useLanguage() === "sv" ? "sv-SE" : "en-GB";
  const headingId = useId();
  const [confirming, setConfirming] = useState(false);
  const [failed, setFailed] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  async function remove() {
    const result = await api("DELETE", `/api/workshops/${workshopId}`, { token: facilitatorKey });
    if (result.ok || result.status === 410) onDeleted();
    else setFailed(true);
  }

  return (
    <section className="workshop-admin" aria-labelledby={headingId}>
      <h2 id={headingId} className="visually-hidden">
        {t("deleteWorkshop")}
      </h2>
      {info.deleteAfter !== null && (
        <p className="hint">
          {t("retentionNote", {
            date: new Date(info.deleteAfter).toLocaleDateString(locale, { dateStyle: "long" }),
          })}
        </p>
      )}
      {confirming ? (
        <fieldset className="workshop-admin__confirm">
          <legend>
            <strong>{t("deleteWorkshopWarning")}</strong>
          </legend>
          <button ref={confirmButton} type="button" className="button button--danger" onClick={remove}>
            {t("deleteWorkshopConfirm")}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            {t("cancel")}
          </button>
        </fieldset>
      ) : (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)}>
          {t("deleteWorkshop")}
        </button>
      )}
      {failed && <p role="alert">{t("deleteWorkshopFailed")}</p>}
    </section>
  );
}
