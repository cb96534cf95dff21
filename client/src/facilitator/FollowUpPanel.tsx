import { useId, useState } from "react";
import type { CreateWorkshopResponse } from "../../../shared/api.ts";
import type { WorkshopId } from "../../../shared/ids.ts";
import { api } from "../api.ts";
import { useT } from "../i18n/useT.ts";
import { workshopPath } from "../routes.ts";
import { saveKey } from "../session/keys.ts";

/** Weeks later: a new workshop that starts from this one's conclusions. */
export function FollowUpPanel({
  workshopId,
  facilitatorKey,
}: {
  workshopId: WorkshopId;
  facilitatorKey: string;
}) {
  const t = useT();
  const headingId = useId();
  const [created, setCreated] = useState<CreateWorkshopResponse | null>(null);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setFailed(false);
    const result = await api<CreateWorkshopResponse>("POST", `/api/workshops/${workshopId}/follow-up`, {
      token: facilitatorKey,
    });
    setBusy(false);
    if (!result.ok) {
      setFailed(true);
      return;
    }
    // The follow-up's keys stay on this laptop, like a workshop created here.
    saveKey("facilitator", result.body.workshopId, result.body.facilitatorToken);
    saveKey("screen", result.body.workshopId, result.body.screenToken);
    setCreated(result.body);
  }

  return (
    <section className="follow-up" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("followUpHeading")}</h2>
      <p className="hint">{t("followUpHint")}</p>
      {created === null ? (
        <button type="button" className="button" onClick={start} disabled={busy}>
          {t("startFollowUp")}
        </button>
      ) : (
        <p role="status">
          {t("followUpCreated")}{" "}
          <a className="button button--primary" href={workshopPath(created.workshopId, "facilitate")}>
            {t("openFollowUp")}
          </a>{" "}
          <a className="button" href={workshopPath(created.workshopId, "cards")}>
            {t("openCards")}
          </a>
        </p>
      )}
      {failed && <p role="alert">{t("followUpFailed")}</p>}
    </section>
  );
}
