import { useSyncExternalStore } from "react";
import { isId, type TableId, type WorkshopId } from "../../shared/ids.ts";

export type Route =
  | { readonly name: "home" }
  | { readonly name: "setup" }
  | { readonly name: "join"; readonly code: string }
  | { readonly name: "board"; readonly workshopId: WorkshopId; readonly tableId: TableId }
  | { readonly name: "facilitate"; readonly workshopId: WorkshopId }
  | { readonly name: "screen"; readonly workshopId: WorkshopId }
  | { readonly name: "cards"; readonly workshopId: WorkshopId }
  | { readonly name: "notFound" };

/** Workshop pages that take a key (facilitator, screen, cards), by their last path segment. */
const WORKSHOP_PAGES = { facilitate: "facilitate", screen: "screen", cards: "cards" } as const;

/** The app's routes, from a pathname. Ids are checked here so pages get branded ids. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter((part) => part !== "");
  if (parts.length === 0) return { name: "home" };
  const [first, second, third, fourth] = parts;
  if (first === "join" && parts.length === 2 && second !== undefined) {
    return { name: "join", code: decodeURIComponent(second) };
  }
  if (first === "w" && parts.length === 4 && isId(second) && third === "table" && isId(fourth)) {
    return { name: "board", workshopId: second as WorkshopId, tableId: fourth as TableId };
  }
  if (first === "new" && parts.length === 1) return { name: "setup" };
  if (first === "w" && parts.length === 3 && isId(second) && third !== undefined && third in WORKSHOP_PAGES) {
    return { name: WORKSHOP_PAGES[third as keyof typeof WORKSHOP_PAGES], workshopId: second as WorkshopId };
  }
  return { name: "notFound" };
}

export function boardPath(workshopId: WorkshopId, tableId: TableId): string {
  return `/w/${workshopId}/table/${tableId}`;
}

export function workshopPath(workshopId: WorkshopId, page: keyof typeof WORKSHOP_PAGES): string {
  return `/w/${workshopId}/${page}`;
}

const NAVIGATE = "samla:navigate";

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATE));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

/** The current pathname, following pushState navigation and the back button. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}
