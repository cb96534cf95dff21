import type { WorkshopId } from "../../../shared/ids.ts";
import { useT } from "../i18n/useT.ts";

/** Being built: see the issue. */
export function ScreenPage(_props: { workshopId: WorkshopId }) {
  const t = useT();
  return (
    <main id="main" className="page">
      <h1>{t("screenTitle")}</h1>
    </main>
  );
}
