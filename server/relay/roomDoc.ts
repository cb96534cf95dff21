import * as Y from "yjs";
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from "./protocol.ts";

/**
 * A room's document: the stored rows it was loaded from, the `Y.Doc` built from them when first
 * needed, what each batch integrated, the sync frames of the current version, and the stored size.
 */
export class RoomDoc {
  /** The Y.Doc, empty until `build`; awareness only needs its client id. */
  readonly ydoc = new Y.Doc({ gc: true });
  /** The stored rows, until the document is built from them. */
  private rows: readonly Uint8Array[] | null;
  /** What the current batch's transaction integrated (the doc's one update event per batch). */
  private integrated: Uint8Array | null = null;
  /**
   * Sync frames of the current version, encoded once and sent to everyone who asks until the next
   * update: a join storm is then hundreds of sends of the same bytes, not hundreds of encodings.
   */
  private stateVectorFrame: Uint8Array | null = null;
  private fullStateFrame: Uint8Array | null = null;
  /**
   * The stored size, kept without ever encoding the document: the bytes of the rows it was loaded
   * from (corrected by `rebaseStoredBytes` after a compaction) plus every byte handed to the store
   * since. `appendedBytes` only grows, so a compaction can tell what it has not seen.
   */
  private baseBytes: number;
  private appendedBytes = 0;

  constructor(
    rows: readonly Uint8Array[],
    /** Called when the stored rows cannot be read; the document then stays empty. */
    private readonly onUnreadable: (error: unknown) => void,
    /** Called once the document is built. */
    private readonly onBuilt: () => void,
  ) {
    this.rows = rows;
    this.baseBytes = byteLength(rows);
  }

  /**
   * The document, built from the stored rows on first use: the first message that reads or
   * changes it (an update, a sync with a state vector, a server-side change). Clients with nothing
   * are answered from the rows meanwhile, so a document only read (a projector, a join storm of
   * fresh tablets) may never be decoded at all.
   */
  get doc(): Y.Doc {
    if (this.rows !== null) this.build();
    return this.ydoc;
  }

  get isBuilt(): boolean {
    return this.rows === null;
  }

  build(): void {
    const rows = this.rows;
    if (rows === null) return;
    this.rows = null;
    try {
      Y.transact(this.ydoc, () => {
        for (const update of rows) Y.applyUpdate(this.ydoc, update);
      });
    } catch (error) {
      this.onUnreadable(error);
      return;
    }
    this.ydoc.on("update", (update: Uint8Array) => {
      // Batches are transactions, so this runs at most once per batch; a second event would
      // mean a change made outside a batch, which is merged rather than lost.
      this.integrated = this.integrated === null ? update : Y.mergeUpdates([this.integrated, update]);
      this.stateVectorFrame = null;
      this.fullStateFrame = null;
    });
    this.onBuilt();
  }

  /** What was integrated since the last call (one batch), or null if nothing. */
  takeIntegrated(): Uint8Array | null {
    const integrated = this.integrated;
    this.integrated = null;
    return integrated;
  }

  /** Our sync step 1 (state vector), for writers. */
  syncStep1Frame(): Uint8Array {
    this.stateVectorFrame ??= encodeSyncStep1(Y.encodeStateVector(this.doc));
    return this.stateVectorFrame;
  }

  /**
   * The answer to a client with nothing, before the document is built: the stored rows are the
   * document (every one on disk, none with missing dependencies), sent as updates, then an empty
   * sync step 2 that tells the client it has everything. Null once built.
   */
  framesFromRows(): Uint8Array[] | null {
    if (this.rows === null) return null;
    return [...this.rows.map(encodeUpdate), EMPTY_SYNC_STEP2];
  }

  /** Our sync step 2 for a client's state vector; throws on a malformed one. */
  syncStep2Frame(stateVector: Uint8Array): Uint8Array {
    if (!isEmptyStateVector(stateVector))
      return encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector));
    this.fullStateFrame ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc));
    return this.fullStateFrame;
  }

  /** Bytes of this document's stored rows (snapshot and log), as far as this room knows. */
  get storedBytes(): number {
    return this.baseBytes + this.appendedBytes;
  }

  /** Bytes handed to the store since this room was loaded; never decreases. */
  get bytesAppended(): number {
    return this.appendedBytes;
  }

  /** Counted as the write is requested: the store shows it to any read or compaction after. */
  appended(bytes: number): void {
    this.appendedBytes += bytes;
  }

  /**
   * After a compaction: the stored rows now measure `rowBytes`, read when `bytesAppended` was
   * `appendedAtRead`. Whatever was appended after that read is still counted on top.
   */
  rebaseStoredBytes(rowBytes: number, appendedAtRead: number): void {
    this.baseBytes = rowBytes - appendedAtRead;
  }

  destroy(): void {
    this.rows = null;
    this.ydoc.destroy();
  }
}

/** Sync step 2 carrying an empty update (no structs, no deletions). */
const EMPTY_SYNC_STEP2 = encodeSyncStep2(new Uint8Array([0, 0]));

/** A state vector of no clients: one varint 0. */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}

/** Total bytes of a list of stored rows or updates. */
export function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}
