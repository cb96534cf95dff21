import { Suspense, useEffect } from "react";
import { BoardPage } from "./board/BoardPage.tsx";
import { LiveRegion } from "./components/LiveRegion.tsx";
import { useLanguage, useT } from "./i18n/useT.ts";
import { HomePage } from "./join/HomePage.tsx";
import { JoinPage } from "./join/JoinPage.tsx";
import { lazy } from "./lazyPage.ts";
import { parseRoute, type Route, usePathname } from "./routes.ts";

// The facilitator's and the screen's views load only where they are used: a tablet never
// downloads them (its budget is 150 KB of JavaScript, gzipped).
const SetupPage = lazy(() => import("./setup/SetupPage.tsx").then((m) => ({ default: m.SetupPage })));
const CardsPage = lazy(() => import("./cards/CardsPage.tsx").then((m) => ({ default: m.CardsPage })));
const FacilitatorPage = lazy(() =>
  import("./facilitator/FacilitatorPage.tsx").then((m) => ({ default: m.FacilitatorPage })),
);
const ScreenPage = lazy(() => import("./screen/ScreenPage.tsx").then((m) => ({ default: m.ScreenPage })));

const LAZY_PAGES = { setup: SetupPage, cards: CardsPage, facilitate: FacilitatorPage, screen: ScreenPage };

/**
 * Loads the lazily loaded page of `route`, if it has one, so the first render shows it at once
 * (main.tsx waits for this): the console and the screen start opening their documents sooner.
 */
export function preloadPage(route: Route): Promise<void> {
  return route.name in LAZY_PAGES
    ? LAZY_PAGES[route.name as keyof typeof LAZY_PAGES].preload()
    : Promise.resolve();
}

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
      <Suspense fallback={null}>
        {route.name === "setup" && <SetupPage />}
        {route.name === "facilitate" && <FacilitatorPage workshopId={route.workshopId} />}
        {route.name === "screen" && <ScreenPage workshopId={route.workshopId} />}
        {route.name === "cards" && <CardsPage workshopId={route.workshopId} />}
      </Suspense>
      {route.name === "notFound" && <HomePage />}
      <LiveRegion />
    </>
  );
}
