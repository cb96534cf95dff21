import * as Y from "yjs";
import { CloseCode } from "../../shared/closeCodes.ts";
import type { DocRef } from "../../shared/docNames.ts";
import type { WorkshopId } from "../../shared/ids.ts";
import type { Store } from "../store/store.ts";
import type { RelayLog } from "./log.ts";
import { Room } from "./room.ts";
import { byteLength } from "./roomDoc.ts";
import { observe, type RelayStats } from "./stats.ts";

const TOUCH_INTERVAL_MS = 60_000;

export interface DocumentsOptions {
  readonly store: Store;
  readonly log: RelayLog;
  readonly stats: RelayStats;
  /** How long an empty document stays loaded, so a quick reconnect does not reload it. */
  readonly unloadGraceMs: number;
  readonly maxAwarenessStateChars: number;
  /** Compact a document's log once it has this many entries past its snapshot. */
  readonly compactAfter: number;
  /** The stored size a client's update may not take a document past. */
  readonly maxDocBytes: number;
  /** Workshops deleted while this process runs: nothing more of theirs is written or compacted. */
  readonly isRetired: (workshopId: WorkshopId) => boolean;
  /** Called once for each room loaded, before anyone joins it. */
  readonly onLoaded: (room: Room) => void;
}

/** A document's place in the registry: at most one load and one unload in flight. */
interface Slot {
  room: Room | null;
  /** Updates appended since the last compaction, so a document loaded all day stays compact. */
  appendedSinceCompaction: number;
  /** The stored size the last compaction left (0 until one ran): bytes past twice it compact too. */
  compactedBytes: number;
  /** A compaction is scheduled or running. */
  compacting: boolean;
  loading: Promise<Room> | null;
  unloading: Promise<void> | null;
  holds: number;
  unloadTimer: NodeJS.Timeout | null;
}

/** A hold on a loaded document: release it once, when done with the room. */
export interface Hold {
  readonly room: Room;
  release(): void;
}

/**
 * The loaded documents: each loaded once however many ask at the same time, kept while anyone
 * holds it and for a grace period after, compacted as its log grows, then unloaded.
 */
export class Documents {
  private readonly slots = new Map<string, Slot>();
  private closing = false;
  /** When each workshop's last activity was last recorded (for retention), to write it rarely. */
  private readonly lastTouched = new Map<WorkshopId, number>();

  constructor(private readonly options: DocumentsOptions) {}

  get loadedCount(): number {
    let count = 0;
    for (const slot of this.slots.values()) if (slot.room) count++;
    return count;
  }

  /** The loaded room of a document, if any. */
  loaded(name: string): Room | null {
    return this.slots.get(name)?.room ?? null;
  }

  /** Every loaded room whose document name starts with `prefix`. */
  loadedUnder(prefix: string): Room[] {
    const rooms: Room[] = [];
    for (const [name, slot] of this.slots) if (name.startsWith(prefix) && slot.room) rooms.push(slot.room);
    return rooms;
  }

  /** Loads the document if needed and holds it loaded until the hold is released. */
  async hold(name: string, ref: DocRef): Promise<Hold> {
    for (;;) {
      const existing = this.slots.get(name);
      if (existing?.unloading) {
        await existing.unloading;
        continue;
      }
      const slot = existing ?? this.newSlot(name, ref);
      slot.holds++;
      if (slot.unloadTimer) {
        clearTimeout(slot.unloadTimer);
        slot.unloadTimer = null;
      }
      let room = slot.room;
      if (room === null) {
        if (slot.loading === null) throw new Error(`document ${name} is neither loaded nor loading`);
        try {
          room = await slot.loading;
        } catch (error) {
          slot.holds--;
          throw error;
        }
      }
      let released = false;
      return {
        room,
        release: () => {
          if (released) return;
          released = true;
          this.release(name, slot);
        },
      };
    }
  }

  /**
   * Stops unloading (a shutdown): no more unload timers; returns every loaded room so the caller
   * can close its connections and wait for its writes.
   */
  close(): Room[] {
    this.closing = true;
    const rooms: Room[] = [];
    for (const slot of this.slots.values()) {
      if (slot.unloadTimer) clearTimeout(slot.unloadTimer);
      if (slot.room) rooms.push(slot.room);
    }
    return rooms;
  }

  /** Forgets every document (after `close` and the rooms' last writes). */
  clear(): void {
    this.slots.clear();
  }

  private newSlot(name: string, ref: DocRef): Slot {
    const slot: Slot = {
      room: null,
      appendedSinceCompaction: 0,
      compactedBytes: 0,
      compacting: false,
      loading: null,
      unloading: null,
      holds: 0,
      unloadTimer: null,
    };
    this.slots.set(name, slot);
    slot.loading = this.load(name, ref, slot);
    // Callers await `loading`; a failure is theirs to report, not an unhandled rejection.
    slot.loading.catch(() => {});
    return slot;
  }

  private async load(name: string, ref: DocRef, slot: Slot): Promise<Room> {
    const { store, stats, compactAfter } = this.options;
    try {
      const stored = await store.loadDoc(name);
      const room: Room = new Room(name, ref, stored, {
        persist: async (update) => {
          const started = performance.now();
          await store.appendUpdates(name, [update]);
          observe(stats.storeWrites, (performance.now() - started) / 1000);
          this.touch(ref.workshopId);
          slot.appendedSinceCompaction++;
          if (slot.appendedSinceCompaction > compactAfter) {
            slot.appendedSinceCompaction = 0;
            this.compactSoon(name, ref, slot, compactAfter + 1);
          } else if (room.storedBytes > Math.max(this.options.maxDocBytes / 2, 2 * slot.compactedBytes)) {
            // The size cap counts stored bytes, log included: a document rewritten over and over
            // (a timer, text typed and deleted) must not fill up with history it would compact away.
            this.compactSoon(name, ref, slot, 1);
          }
        },
        stats,
        maxAwarenessStateChars: this.options.maxAwarenessStateChars,
        onFailure: (error) => this.fail(name, slot, room, error),
        maxDocBytes: this.options.maxDocBytes,
        onFull: (conn, updateBytes) =>
          this.options.log.warn(
            { conn: conn.id, doc: name, storedBytes: room.storedBytes, updateBytes },
            "update refused: the document would pass MAX_DOC_BYTES",
          ),
      });
      this.options.onLoaded(room);
      slot.room = room;
      slot.loading = null;
      stats.roomsLoaded++;
      if (stored.length > compactAfter) this.compactSoon(name, ref, slot, compactAfter + 1);
      return room;
    } catch (error) {
      if (this.slots.get(name) === slot) this.slots.delete(name);
      throw error;
    }
  }

  /** Releases a hold on the slot it was taken on (which may since have been replaced). */
  private release(name: string, slot: Slot): void {
    if (slot.holds === 0) return;
    slot.holds--;
    if (slot.holds > 0 || this.closing || this.slots.get(name) !== slot) return;
    slot.unloadTimer = setTimeout(() => this.unload(name, slot), this.options.unloadGraceMs);
    slot.unloadTimer.unref();
  }

  private unload(name: string, slot: Slot): void {
    slot.unloadTimer = null;
    const room = slot.room;
    if (slot.holds > 0 || room === null || slot.unloading) return;
    slot.unloading = (async () => {
      await room.settled();
      // Taken before the room lets go of its document; nothing is appended after it settled.
      const state = liveState(room);
      room.destroy(null);
      this.options.stats.roomsUnloaded++;
      await this.compactIfLong(name, room.ref, this.options.compactAfter + 1, () => state);
    })()
      .catch((error: unknown) => this.options.log.error({ err: error, doc: name }, "unload failed"))
      .finally(() => {
        if (this.slots.get(name) === slot) this.slots.delete(name);
      });
  }

  private fail(name: string, slot: Slot, room: Room, error: unknown): void {
    // A deleted workshop's last write is refused by the store on purpose: nothing to report.
    if (this.options.isRetired(room.ref.workshopId)) return;
    this.options.stats.errors.storeFailure++;
    this.options.log.error(
      { err: error, doc: name },
      "store refused a write or its rows; closing the document",
    );
    // Clients keep their edits and send them again when they reconnect to a fresh load.
    room.destroy(CloseCode.InternalError);
    if (this.slots.get(name) === slot) this.slots.delete(name);
  }

  private touch(workshopId: WorkshopId): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(workshopId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(workshopId, now);
    this.options.store.touchWorkshop(workshopId, now).catch((error: unknown) => {
      if (!this.options.isRetired(workshopId))
        this.options.log.warn({ err: error }, "could not record activity");
    });
  }

  /** Compacts after the current batch, if the log then has at least `minEntries`; one at a time. */
  private compactSoon(name: string, ref: DocRef, slot: Slot, minEntries: number): void {
    if (slot.compacting) return;
    slot.compacting = true;
    setImmediate(() => {
      this.compactIfLong(name, ref, minEntries, () => liveState(slot.room))
        .then((compacted) => (compacted ? this.remeasure(name, slot) : undefined))
        .catch((error: unknown) => this.options.log.error({ err: error, doc: name }, "compaction failed"))
        .finally(() => {
          slot.compacting = false;
        });
    });
  }

  /**
   * `state`: the document's whole state, if at hand (see `Store.compactDoc`); asked for right
   * before compacting, so it holds every append up to then.
   */
  private async compactIfLong(
    name: string,
    ref: DocRef,
    minEntries: number,
    state: () => Uint8Array | undefined = () => undefined,
  ): Promise<boolean> {
    if (this.options.isRetired(ref.workshopId)) return false;
    if ((await this.options.store.logLength(name)) < minEntries) return false;
    await this.options.store.compactDoc(name, state());
    return true;
  }

  /** After a compaction, the loaded room's stored size starts again from the rows as they are now. */
  private async remeasure(name: string, slot: Slot): Promise<void> {
    const room = slot.room;
    if (room === null || room.isDestroyed || this.options.isRetired(room.ref.workshopId)) return;
    // Read right before the rows: appends after this mark are counted on top of what is read.
    const appendedAtRead = room.bytesAppended;
    const rows = await this.options.store.loadDoc(name);
    if (slot.room !== room || room.isDestroyed) return;
    room.rebaseStoredBytes(byteLength(rows), appendedAtRead);
    slot.compactedBytes = room.storedBytes;
  }
}

/** A loaded room's whole document, if it has been built (else its rows are all there is). */
function liveState(room: Room | null): Uint8Array | undefined {
  if (room === null || room.isDestroyed || !room.isBuilt) return undefined;
  return Y.encodeStateAsUpdate(room.doc);
}
