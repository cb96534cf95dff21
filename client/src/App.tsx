import { useEffect } from "react";
import { BoardPage } from "./board/BoardPage.tsx";
import { LiveRegion } from "./components/LiveRegion.tsx";
import { useLanguage, useT } from "./i18n/useT.ts";
import { HomePage } from "./join/HomePage.tsx";
import { JoinPage } from "./join/JoinPage.tsx";
import { parseRoute, usePathname } from "./routes.ts";

export function App() {
  const t = useT();
  const language = useLanguage();
  const route = parseRoute(usePathname());
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      {route.name === "home" && <HomePage />}
      {route.name === "join" && <JoinPage code={route.code} />}
      {route.name === "board" && <BoardPage workshopId={route.workshopId} tableId={route.tableId} />}
      {route.name === "notFound" && <HomePage />}
      <LiveRegion />
    </>
  );
}
