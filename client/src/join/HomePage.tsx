import { LanguageSwitch } from "../components/LanguageSwitch.tsx";
import { useT } from "../i18n/useT.ts";
import { JoinForm } from "./JoinForm.tsx";

export function HomePage() {
  const t = useT();
  return (
    <div className="page page--narrow">
      <header className="page-header">
        <LanguageSwitch />
      </header>
      <main id="main">
        <h1>{t("appName")}</h1>
        <p>{t("homeIntro")}</p>
        <JoinForm />
      </main>
    </div>
  );
}
