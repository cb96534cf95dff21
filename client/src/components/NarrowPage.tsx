import type { ReactNode } from "react";
import { useT } from "../i18n/useT.ts";
import { LanguageSwitch } from "./LanguageSwitch.tsx";

/** The simple pages (home, joining, loading, ended): Samla's name as heading, one column. */
export function NarrowPage({
  children,
  languageSwitch = true,
}: {
  children: ReactNode;
  languageSwitch?: boolean;
}) {
  const t = useT();
  return (
    <div className="page page--narrow">
      {languageSwitch && (
        <header className="page-header">
          <LanguageSwitch />
        </header>
      )}
      <main id="main">
        <h1>{t("appName")}</h1>
        {children}
      </main>
    </div>
  );
}
