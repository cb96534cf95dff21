/**
 * Starts fetching the page of the address the app was opened at (the console, the screen, the
 * cards, the setup form), while the rest of the app is still being evaluated. main.tsx imports this
 * first; the pages are declared (and rendered) in App.tsx, whose `lazy` loads the same modules.
 *
 * The console and the screen also start the requests they need first (earlyRequests.ts: the
 * documents, and the console's key check) with the key their page will use: the link's fragment,
 * else the one kept on this device. The fragment is only read here (the page takes it out of the
 * address bar); it is never part of a URL that is sent.
 *
 * Only tiny modules may be imported here: what this imports is evaluated before it runs.
 */
import type { WorkshopId } from "../../shared/ids.ts";
import { prefetchDocuments, prefetchWorkshopInfo } from "./earlyRequests.ts";
import { peekPageKey } from "./session/keys.ts";

const path = location.pathname;
const match = /^\/w\/([A-Za-z0-9_-]{1,64})\/(facilitate|screen|cards)\/?$/.exec(path);
const workshopId = match?.[1] as WorkshopId | undefined;
const workshopPage = match?.[2];

// The key the page will find (session/keys.ts), without keeping it or touching the address.
const key =
  workshopId !== undefined && (workshopPage === "facilitate" || workshopPage === "screen")
    ? peekPageKey(workshopPage, workshopId, location.hash)
    : null;
if (workshopId !== undefined && key !== null) {
  prefetchDocuments(workshopId, key);
  if (workshopPage === "facilitate") prefetchWorkshopInfo(workshopId, key);
}

const ignore = () => {
  // App.tsx loads it again and reports a failure there.
};
if (workshopPage === "facilitate") import("./facilitator/FacilitatorPage.tsx").catch(ignore);
else if (workshopPage === "screen") import("./screen/ScreenPage.tsx").catch(ignore);
else if (workshopPage === "cards") import("./cards/CardsPage.tsx").catch(ignore);
else if (/^\/new\/?$/.test(path)) import("./setup/SetupPage.tsx").catch(ignore);
