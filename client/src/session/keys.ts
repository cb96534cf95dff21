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
  const key = keyInFragment(location.hash);
  if (key !== null) {
    saveKey(role, workshopId, key);
    history.replaceState(null, "", location.pathname + location.search);
    return key;
  }
  return loadKey(role, workshopId);
}

/**
 * The keys each workshop page opens with, in order: a link's key counts as the first role's, and
 * the others are looked up on this device (a projector opened from the console uses the laptop's
 * facilitator key). One table for the pages and for the requests earlyLoad.ts starts before them.
 */
export const PAGE_KEY_ROLES = {
  facilitate: ["facilitator"],
  screen: ["screen", "facilitator"],
  cards: ["facilitator"],
} as const satisfies Record<string, readonly [KeyRole, ...KeyRole[]]>;

export type KeyPage = keyof typeof PAGE_KEY_ROLES;

/** A page's key (see `PAGE_KEY_ROLES`): a link's is kept and taken out of the address bar. */
export function takePageKey(page: KeyPage, workshopId: WorkshopId): string | null {
  const [first, ...others] = PAGE_KEY_ROLES[page];
  let key = takeKey(first, workshopId);
  for (const role of others) key ??= loadKey(role, workshopId);
  return key;
}

/** The key `takePageKey` will find, read only (nothing kept, the address left as it is). */
export function peekPageKey(page: KeyPage, workshopId: WorkshopId, hash: string): string | null {
  let key = keyInFragment(hash);
  for (const role of PAGE_KEY_ROLES[page]) key ??= loadKey(role, workshopId);
  return key;
}

/** The key a link carries in its fragment (`#key=…`), or null; reads only, changes nothing. */
export function keyInFragment(hash: string): string | null {
  return /(?:^#|&)key=([A-Za-z0-9_-]{20,})/.exec(hash)?.[1] ?? null;
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
