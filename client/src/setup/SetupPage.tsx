import { useT } from "../i18n/useT.ts";

/** Being built: see the issue. */
export function SetupPage() {
  const t = useT();
  return (
    <main id="main" className="page">
      <h1>{t("setupTitle")}</h1>
    </main>
  );
}
