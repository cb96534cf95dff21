import type { WorkshopId } from "../../shared/ids.ts";
import type { Relay } from "../relay/relay.ts";
import type { Store } from "../store/store.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** When a workshop last active at `lastActivityAt` is purged, or null when nothing is purged. */
export function purgeAt(lastActivityAt: number, retentionDays: number | null): number | null {
  return retentionDays === null ? null : lastActivityAt + retentionDays * DAY_MS;
}

/**
 * Deletes, for good, every workshop with no activity for `retentionDays`: its sockets close
 * with 4410 first, then the store removes it (documents, logs, codes, tokens) as a delete would.
 */
export async function purgeInactive(
  store: Store,
  relay: Relay,
  retentionDays: number,
  now: number,
): Promise<WorkshopId[]> {
  const purged: WorkshopId[] = [];
  for (const id of await store.listInactiveWorkshops(now - retentionDays * DAY_MS)) {
    await relay.retireWorkshop(id);
    if (await store.deleteWorkshop(id, now)) purged.push(id);
  }
  return purged;
}

export interface RetentionLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Purges at start and then every `intervalMs` (hourly by default); returns a stop function. */
export function scheduleRetention(
  store: Store,
  relay: Relay,
  retentionDays: number,
  log: RetentionLog,
  intervalMs = 60 * 60 * 1000,
): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const purged = await purgeInactive(store, relay, retentionDays, Date.now());
      if (purged.length > 0)
        log.info({ purged: purged.length, retentionDays }, "retention: workshops deleted");
    } catch (error) {
      log.error({ err: error }, "retention: purge failed");
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
