import type { WorkshopId } from "../../../shared/ids.ts";

/** Keys that open a workshop's console or screen; a table's token lives in `joins.ts`. */
export type KeyRole = "facilitator" | "screen";

const storageKey = (role: KeyRole, workshopId: string) => `samla.key.${role}.${workshopId}`;

/**
 * The key for a workshop page. A link carries it in the fragment (`#key=…`), which browsers
 * never send to servers; we keep it on this device and take it out of the address bar, so it
 * is not shown on a projector or left in a screenshot.
 */
export function takeKey(role: KeyRole, workshopId: WorkshopId): string | null {
  const match = /(?:^#|&)key=([A-Za-z0-9_-]{20,})/.exec(location.hash);
  if (match?.[1]) {
    saveKey(role, workshopId, match[1]);
    history.replaceState(null, "", location.pathname + location.search);
    return match[1];
  }
  return loadKey(role, workshopId);
}

export function saveKey(role: KeyRole, workshopId: WorkshopId, key: string): void {
  try {
    localStorage.setItem(storageKey(role, workshopId), key);
  } catch {
    // Private mode: the key lasts as long as this page.
  }
}

export function loadKey(role: KeyRole, workshopId: WorkshopId): string | null {
  try {
    return localStorage.getItem(storageKey(role, workshopId));
  } catch {
    return null;
  }
}

export function forgetKey(role: KeyRole, workshopId: WorkshopId): void {
  try {
    localStorage.removeItem(storageKey(role, workshopId));
  } catch {
    // Nothing stored.
  }
}
