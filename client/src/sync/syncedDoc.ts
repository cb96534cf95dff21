import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { CloseCode, isFinalClose } from "../../../shared/closeCodes.ts";
import { acquireHandshake } from "./handshakeGate.ts";

export type SyncStatus =
  /** Not yet reached the server since the page opened. */
  | "connecting"
  /** Connected; local changes are on their way to the server's disk. */
  | "saving"
  /** Connected; the server has confirmed everything this device wrote. */
  | "saved"
  /** No connection: edits are kept on this device (IndexedDB) and sent later. */
  | "offline"
  /** No connection, and the latest edits are still being written to this device. */
  | "offlineSaving"
  /** The server refused this device for good (4401/4403/4404). */
  | "refused"
  /** The workshop was deleted (4410); the local copy has been cleared. */
  | "gone";

export interface SyncState {
  readonly status: SyncStatus;
  /** The local copy (IndexedDB) has been read, so the board can show without the network. */
  readonly localLoaded: boolean;
  /** The first exchange with the server completed at least once. */
  readonly serverSynced: boolean;
  /**
   * The server's state from the documents request (`GET /api/workshops/:id/documents`) is in
   * the document: it shows what the server held a moment ago, though the socket may not have
   * synced yet (the status says "connecting" until it has).
   */
  readonly snapshotLoaded: boolean;
  readonly closeCode: number | null;
}

export interface SyncedDocOptions {
  /** `ws(s)://host/sync`, the provider's server URL. */
  readonly serverUrl: string;
  readonly name: string;
  readonly token: string;
  /**
   * Keep a copy in IndexedDB (a tablet's own documents); not for read-only views of others.
   * `"later"`: keep one, but open it only when `openLocalCopy()` is called. For a document this
   * device has no copy of yet, so a view opening many at once does not create them all meanwhile.
   */
  readonly keepLocal: boolean | "later";
  /**
   * Also share the document with this browser's other tabs (y-websocket's BroadcastChannel).
   * Default true.
   */
  readonly crossTab?: boolean;
  /**
   * The server's state of the document, fetched over HTTP (see `applySnapshot`), to start from.
   * Applied before anything listens to the document, so Yjs does not encode it again for
   * update listeners that would all ignore it.
   */
  readonly snapshot?: Uint8Array;
}

const MESSAGE_SYNC = 0;
const SYNC_STEP_2 = 1;
/** Quiet time after typing before asking the server to confirm, so a burst needs one round trip. */
const CONFIRM_DELAY_MS = 250;

/** The IndexedDB database that holds a document's local copy. */
export function localCopyName(name: string): string {
  return `samla:${name}`;
}

/**
 * One Yjs document kept in sync with the relay (stock y-websocket provider), with an optional
 * IndexedDB copy, and a status a person can trust.
 *
 * "Saved" is earned, not assumed: the relay answers a sync step 1 only after every update
 * it received before it is on disk, so after local edits we send one and wait for the answer.
 */
export class SyncedDoc {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private local: IndexeddbPersistence | null = null;
  /** A local copy to open on `openLocalCopy()` (`keepLocal: "later"`). */
  private localLater: boolean;
  private state: SyncState;
  private readonly listeners = new Set<() => void>();
  /** Local edits so far, and how many of them the server has confirmed. */
  private localVersion = 0;
  private confirmedVersion = 0;
  private confirmRequestedFor = -1;
  private confirmTimer: ReturnType<typeof setTimeout> | null = null;
  /** Local edits, and how many of them IndexedDB has committed (see `confirmLocalCopy`). */
  private localEdits = 0;
  private localEditsStored = 0;
  private connected = false;
  private destroyed = false;
  /** Gives back this document's turn to open a WebSocket, while it holds one. */
  private releaseHandshake: (() => void) | null = null;

  /** Without `snapshot`: the state is in the document once applied, and need not be kept twice. */
  private readonly options: Omit<SyncedDocOptions, "snapshot">;

  constructor({ snapshot, ...options }: SyncedDocOptions) {
    this.options = options;
    this.state = {
      status: "connecting",
      // A copy opened later holds nothing to read now.
      localLoaded: options.keepLocal !== true,
      serverSynced: false,
      snapshotLoaded: false,
      closeCode: null,
    };
    // Before the provider exists, so no listener sees it: nothing to send, save or confirm.
    if (snapshot !== undefined) this.fill(snapshot, null);
    this.localLater = options.keepLocal === "later";
    if (options.keepLocal === true) {
      this.openLocal();
      // Everything in the local copy may be news to the server: confirm it after the first sync.
      this.localVersion = 1;
    }

    this.provider = new WebsocketProvider(options.serverUrl, options.name, this.doc, {
      params: { token: options.token },
      maxBackoffTime: 5_000,
      connect: false,
      disableBc: options.crossTab === false,
    });
    this.connectWhenAllowed();
    this.watchStep2Replies();
    this.provider.on("status", ({ status }) => {
      this.connected = status === "connected";
      if (!this.connected) this.confirmRequestedFor = -1;
      this.refresh();
    });
    this.provider.on("sync", (synced: boolean) => {
      if (synced) this.update({ serverSynced: true });
      this.refresh();
      if (synced) this.requestConfirmation();
    });
    this.provider.on("closed", ({ code }) => this.onFinalClose(code));
    this.doc.on("update", (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider) return;
      if (this.local !== null && origin === this.local) {
        // A copy opened later held something the server may not have (another tab wrote it).
        if (this.options.keepLocal === "later") {
          this.localVersion++;
          this.refresh();
          this.scheduleConfirmation();
        }
        return;
      }
      // `keepLocal: false` documents leave their own edits (no origin) untracked, as they always did.
      if (this.options.keepLocal === false && origin === null) return;
      this.localVersion++;
      this.localEdits++;
      this.confirmLocalCopy();
      this.refresh();
      this.scheduleConfirmation();
    });
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onNetworkChange);
      window.addEventListener("offline", this.onNetworkChange);
    }
  }

  get awareness() {
    return this.provider.awareness;
  }

  /** The document's name on the wire (`<workshopId>/meta`…). */
  get name(): string {
    return this.options.name;
  }

  /** Opens the local copy of a document made with `keepLocal: "later"`; once only. */
  openLocalCopy(): void {
    if (!this.localLater || this.destroyed) return;
    this.localLater = false;
    // Its first write is the whole document, edits made meanwhile included.
    this.openLocal();
  }

  /**
   * Applies the server's state of this document, fetched over HTTP, before or independently of
   * the socket: the socket's sync step 1 then asks only for what is newer. It comes from the
   * server as the provider's own updates do, so it carries the provider as its origin: not a
   * local edit to confirm, and not sent back (y-websocket sends only updates of other origins).
   * A local copy stores it like any update. False if Yjs could not read it.
   */
  applySnapshot(update: Uint8Array): boolean {
    return this.fill(update, this.provider);
  }

  private fill(update: Uint8Array, origin: unknown): boolean {
    if (this.destroyed) return false;
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch {
      // The socket brings the document as before.
      return false;
    }
    this.update({ snapshotLoaded: true });
    return true;
  }

  private openLocal(): void {
    const local = new IndexeddbPersistence(localCopyName(this.options.name), this.doc);
    this.local = local;
    local.whenSynced.then(() => {
      this.update({ localLoaded: true });
      this.confirmLocalCopy();
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SyncState => this.state;

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onNetworkChange);
      window.removeEventListener("offline", this.onNetworkChange);
    }
    // Its listeners go with the provider: give back a handshake turn it may still hold.
    this.releaseHandshake?.();
    this.provider.destroy();
    void this.local?.destroy();
    this.doc.destroy();
  }

  private readonly onNetworkChange = (): void => this.refresh();

  /** The first connection waits its turn (see handshakeGate); later reconnects are the provider's. */
  private connectWhenAllowed(): void {
    void acquireHandshake().then((release) => {
      if (this.destroyed) {
        release();
        return;
      }
      const done = () => {
        this.releaseHandshake = null;
        release();
        this.provider.off("status", onStatus);
        this.provider.off("connection-close", done);
        this.provider.off("connection-error", done);
      };
      const onStatus = ({ status }: { status: string }) => {
        if (status === "connected") done();
      };
      this.releaseHandshake = done;
      this.provider.on("status", onStatus);
      this.provider.on("connection-close", done);
      this.provider.on("connection-error", done);
      this.provider.connect();
    });
  }

  /** Notices each sync step 2 from the server: the answer to our request for confirmation. */
  private watchStep2Replies(): void {
    const original = this.provider.messageHandlers[MESSAGE_SYNC];
    if (original === undefined) return;
    this.provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, type) => {
      const step = decoding.readVarUint(decoding.clone(decoder));
      original(encoder, decoder, provider, emitSynced, type);
      if (step === SYNC_STEP_2 && this.confirmRequestedFor >= 0) {
        this.confirmedVersion = Math.max(this.confirmedVersion, this.confirmRequestedFor);
        this.confirmRequestedFor = -1;
        this.refresh();
        // Edits made while we waited need a confirmation of their own.
        if (this.localVersion > this.confirmedVersion) this.scheduleConfirmation();
      }
    };
  }

  /**
   * y-indexeddb writes each update in its own transaction, and a reload aborts one still in
   * flight. IndexedDB runs transactions on the same store in the order they were created, so a
   * read-only one opened now completes only after every write before it: then the copy is safe.
   */
  private confirmLocalCopy(): void {
    const db = this.local?.db;
    if (!db || this.destroyed) return;
    const edits = this.localEdits;
    const barrier = db.transaction(["updates"], "readonly");
    barrier.oncomplete = () => {
      this.localEditsStored = Math.max(this.localEditsStored, edits);
      this.refresh();
    };
  }

  private scheduleConfirmation(): void {
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = null;
      this.requestConfirmation();
    }, CONFIRM_DELAY_MS);
  }

  private requestConfirmation(): void {
    const ws = this.provider.ws;
    if (!this.connected || !this.provider.synced || ws === null || ws.readyState !== WebSocket.OPEN) return;
    if (this.localVersion <= this.confirmedVersion || this.confirmRequestedFor >= 0) return;
    this.confirmRequestedFor = this.localVersion;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc));
    ws.send(encoding.toUint8Array(encoder));
  }

  private async onFinalClose(code: number): Promise<void> {
    if (!isFinalClose(code)) return;
    // Refused or gone: nothing to keep a copy of.
    this.localLater = false;
    if (code === CloseCode.Gone) {
      // The workshop is gone for good: so is this device's copy of it.
      await this.local?.clearData();
      this.update({ status: "gone", closeCode: code });
      return;
    }
    this.update({ status: "refused", closeCode: code });
  }

  private refresh(): void {
    if (this.state.status === "refused" || this.state.status === "gone") return;
    const online = typeof navigator === "undefined" || navigator.onLine;
    let status: SyncStatus;
    if (this.connected && online && this.provider.synced) {
      status = this.localVersion > this.confirmedVersion ? "saving" : "saved";
    } else if (!this.state.serverSynced && online && this.provider.wsUnsuccessfulReconnects === 0) {
      status = "connecting";
    } else {
      status = this.localEditsStored < this.localEdits ? "offlineSaving" : "offline";
    }
    this.update({ status });
  }

  private update(patch: Partial<SyncState>): void {
    const next = { ...this.state, ...patch };
    if (
      next.status === this.state.status &&
      next.localLoaded === this.state.localLoaded &&
      next.serverSynced === this.state.serverSynced &&
      next.snapshotLoaded === this.state.snapshotLoaded &&
      next.closeCode === this.state.closeCode
    ) {
      return;
    }
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
