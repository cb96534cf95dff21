import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { Inbox, Samples } from "./inbox.ts";
import type { RootName, Script } from "./script.ts";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
/** Received updates are applied to a client's document in batches of at most this many. */
const APPLY_BATCH = 1024;
/**
 * Every FLUSH_TICK_MS the clients with updates waiting apply them, in turn, for at most
 * FLUSH_SLICE_MS: the next tick goes on where this one stopped. Applying every client's
 * updates at once every 250 ms held the generator's loop for up to 50-85 ms at the grid's normal
 * rate, and every frame that arrived meanwhile was timed that much late, whichever server sent
 * it (both servers' p99 8-15 ms, ≈ 5.5 in turns; measured windows now defer applying altogether).
 */
const FLUSH_TICK_MS = 10;
const FLUSH_SLICE_MS = 1;
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);
/** Client ids of the benchmark's writers are below this. */
const VIEW_ID_OFFSET = 3_000_000_000;

/**
 * What the load generator counts while a phase runs. One logical update is one keystroke; a
 * delivery is one keystroke reaching one client of its document other than its writer (echoes
 * to the writer are not counted). Only keystrokes sent during the phase are counted.
 */
export class Meter {
  active = false;
  start = 0;
  windowEnd = Number.POSITIVE_INFINITY;
  sent = 0;
  expected = 0;
  delivered = 0;
  deliveredInWindow = 0;
  latencies = new Samples();
  presenceSent = 0;
  presenceExpected = 0;
  presenceDelivered = 0;
  presenceDeliveredInWindow = 0;
  presenceLatencies = new Samples();
  unexpectedCloses = 0;

  begin(now: number): void {
    this.active = true;
    this.start = now;
    this.windowEnd = Number.POSITIVE_INFINITY;
    this.sent = 0;
    this.expected = 0;
    this.delivered = 0;
    this.deliveredInWindow = 0;
    this.latencies = new Samples();
    this.presenceSent = 0;
    this.presenceExpected = 0;
    this.presenceDelivered = 0;
    this.presenceDeliveredInWindow = 0;
    this.presenceLatencies = new Samples();
    this.unexpectedCloses = 0;
  }

  end(): void {
    this.active = false;
  }

  get outstanding(): number {
    return this.expected - this.delivered + (this.presenceExpected - this.presenceDelivered);
  }

  delivery(sentAt: number, now: number): void {
    if (!this.active || sentAt < this.start) return;
    this.delivered++;
    if (now <= this.windowEnd) this.deliveredInWindow++;
    this.latencies.push(now - sentAt);
  }

  presence(sentAt: number, now: number): void {
    if (!this.active || sentAt < this.start) return;
    this.presenceDelivered++;
    if (now <= this.windowEnd) this.presenceDeliveredInWindow++;
    this.presenceLatencies.push(now - sentAt);
  }
}

type UpdateMeta = ReturnType<typeof Y.parseUpdateMeta>;
const RECENT_META = 4;

/** The one meter of this process. */
export const meter = new Meter();

/** One document under load: its clients, its writers and the presence they publish. */
export class DocLoad {
  readonly typists: Typist[] = [];
  readonly typistById = new Map<number, Typist>();
  readonly presences = new Map<number, Presence>();
  readonly clients: BenchClient[] = [];
  /** Content the document started with on the server (sent by the benchmark), if any. */
  seed: Uint8Array | null = null;
  private readonly recentMeta: { update: Uint8Array; meta: UpdateMeta }[] = [];

  constructor(
    /** The document's name on the server. */
    readonly name: string,
    readonly root: RootName,
  ) {}

  addTypist(script: Script, client: BenchClient): Typist {
    const typist = new Typist(script, client, this.typists.length, this);
    this.typists.push(typist);
    this.typistById.set(script.clientId, typist);
    return typist;
  }

  addPresence(client: BenchClient, label: string): Presence {
    const presence = new Presence(client, label, this);
    this.presences.set(client.clientId, presence);
    return presence;
  }

  /**
   * `Y.parseUpdateMeta` of a relayed update: every client of the document receives the same
   * frame, so the last few are remembered (a merged update is decoded once, not once per reader).
   */
  updateMeta(update: Uint8Array): UpdateMeta {
    for (const entry of this.recentMeta) {
      if (Buffer.compare(entry.update, update) === 0) return entry.meta;
    }
    const meta = Y.parseUpdateMeta(update);
    this.recentMeta.unshift({ update, meta });
    if (this.recentMeta.length > RECENT_META) this.recentMeta.pop();
    return meta;
  }

  /** Other clients of this document, who should each receive what one of them sends. */
  get audience(): number {
    return this.clients.length - 1;
  }
}

/** A writer on one server: replays its script's ops and remembers when it sent each. */
export class Typist {
  sent = 0;
  sentAt = new Float64Array(256);

  constructor(
    readonly script: Script,
    readonly client: BenchClient,
    readonly slot: number,
    private readonly load: DocLoad,
  ) {}

  /** The writer's clock once everything it sent is integrated. */
  get clock(): number {
    return this.sent === 0 ? 0 : (this.script.endClocks[this.sent - 1] ?? 0);
  }

  /** Sends the next op of the script; false when the script has no more. */
  sendNext(now: number): boolean {
    const op = this.script.ops.at(this.sent);
    if (op === undefined) return false;
    if (this.sent >= this.sentAt.length) {
      const grown = new Float64Array(this.sentAt.length * 2);
      grown.set(this.sentAt);
      this.sentAt = grown;
    }
    this.sentAt[this.sent] = now;
    this.sent++;
    if (meter.active) {
      meter.sent++;
      meter.expected += this.load.audience;
    }
    this.client.sendLocalUpdate(op);
    return true;
  }
}

/** A client's presence (awareness): a small state with a cursor, republished on a timer. */
export class Presence {
  clock = 0;
  sentAt = new Float64Array(64);

  constructor(
    readonly client: BenchClient,
    private readonly label: string,
    private readonly load: DocLoad,
  ) {}

  sendNext(now: number): void {
    if (!this.client.isOpen) return;
    this.clock++;
    if (this.clock >= this.sentAt.length) {
      const grown = new Float64Array(this.sentAt.length * 2);
      grown.set(this.sentAt);
      this.sentAt = grown;
    }
    const state = JSON.stringify({
      user: { name: this.label, color: COLORS[this.client.clientId % COLORS.length] },
      cursor: { note: `w${this.client.clientId}`, index: (this.clock * 7) % 53 },
    });
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.client.clientId);
    encoding.writeVarUint(update, this.clock);
    encoding.writeVarString(update, state);
    const frame = encoding.createEncoder();
    encoding.writeVarUint(frame, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
    this.sentAt[this.clock] = now;
    if (meter.active) {
      meter.presenceSent++;
      meter.presenceExpected += this.load.audience;
    }
    this.client.sendFrame(encoding.toUint8Array(frame));
  }
}

const COLORS = ["#d81b60", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa"] as const;

export interface ClientOptions {
  readonly url: string;
  readonly load: DocLoad;
  /** The Yjs (and awareness) client id; unique per document. */
  readonly clientId: number;
  /**
   * A lazy client keeps what it receives unapplied (for join storms and idle crowds, where
   * applying big documents in the generator would slow it down); it checks them at the end.
   */
  readonly lazy?: boolean;
  /** Bind the socket to this local address (127.x.y.z). */
  readonly localAddress?: string;
}

const dirty = new Set<BenchClient>();
let flushTimer: NodeJS.Timeout | null = null;
/** While set, received updates are counted, and kept only by each document's witness (see `deferApplying`). */
let deferring = false;
/** Clients that dropped updates while deferring: they catch up from the server afterwards. */
const behind = new Set<BenchClient>();

/**
 * For measured windows: a generator busy with its own work reads frames late and charges its lag
 * to the server's latency. Applying 100,000 updates a second at 2× saturation would take most of
 * its core; even at the grid's normal rate, applying held its loop for 5 ms at p99 (2 ms without).
 * Counting needs only the update's header, not the document.
 *
 * While on, each document's last client (its witness; a reader in the room scenario, where the
 * first is the writer) keeps what it receives unapplied, and every other client only counts it.
 * Keeping it all grew the generator's memory by ≈ 90 MB in a 15 s window at 2× saturation, and
 * the major collections that growth set off stalled the core that reads the frames, in the middle
 * of the window. `endDeferring` applies the witnesses' updates (checking what the server relayed)
 * and brings every other client up to date with a sync step 1 (checking what the server stored).
 */
export function deferApplying(): void {
  deferring = true;
}

/** Ends `deferApplying`; resolves once every client that dropped updates has caught up. */
export async function endDeferring(timeoutMs = 60_000): Promise<void> {
  deferring = false;
  for (const client of dirty) client.flush();
  const catchingUp = [...behind];
  behind.clear();
  await Promise.all(catchingUp.map((client) => client.catchUp(timeoutMs)));
}

function markDirty(client: BenchClient): void {
  dirty.add(client);
  if (deferring) return;
  flushTimer ??= setInterval(() => {
    if (deferring) return;
    // A Set iterates in insertion order and a flushed client is re-added at the end: round-robin.
    const until = performance.now() + FLUSH_SLICE_MS;
    for (const each of dirty) {
      each.flush();
      if (performance.now() >= until) break;
    }
  }, FLUSH_TICK_MS);
  flushTimer.unref();
}

/**
 * A y-websocket client over a raw `ws` socket: sync step 1/2, updates and awareness, with one
 * Y.Doc (lazy clients keep received updates and apply them at the end instead). Received
 * updates are applied in batches in one transaction, a tenth of the cost of one at a time.
 */
export class BenchClient {
  readonly clientId: number;
  readonly load: DocLoad;
  readonly doc: Y.Doc | null;
  /** Lazy clients: every update received, unapplied. */
  readonly deferred: Uint8Array[] = [];
  connectStartedAt = 0;
  /** When the current connection first received the server's answer to our sync step 1. */
  syncedAt = 0;
  closeCodes: number[] = [];
  private ws: WebSocket | null = null;
  private readonly pending = new Inbox();
  private readonly nextOp: number[] = [];
  private readonly presenceSeen = new Map<number, number>();
  private stopping = false;
  private synced = false;
  private waiter: { resolve: () => void; reject: (error: Error) => void } | null = null;
  /** Resolves the pending `catchUp` when the server's sync step 2 arrives. */
  private caughtUp: (() => void) | null = null;

  constructor(private readonly options: ClientOptions) {
    this.clientId = options.clientId;
    this.load = options.load;
    if (options.lazy === true) {
      this.doc = null;
    } else {
      this.doc = new Y.Doc({ gc: true });
      // Not the writer's own id: this document receives the writer's ops as remote updates, and
      // Yjs would otherwise take them for another client using its id. It never edits locally.
      this.doc.clientID = VIEW_ID_OFFSET + options.clientId;
    }
    options.load.clients.push(this);
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket and resolves once the server answered our sync step 1. */
  connect(timeoutMs = 60_000): Promise<void> {
    this.stopping = false;
    this.synced = false;
    this.connectStartedAt = performance.now();
    const ws = new WebSocket(this.options.url, {
      perMessageDeflate: false,
      maxPayload: 512 * 1024 * 1024,
      ...(this.options.localAddress === undefined ? {} : { localAddress: this.options.localAddress }),
    });
    this.ws = ws;
    ws.on("open", () => this.sendFrame(syncFrame(STEP1, this.stateVector())));
    ws.on("message", (data: WebSocket.RawData) => this.receive(toBuffer(data)));
    ws.on("error", () => {
      // The close that follows is what counts.
    });
    ws.on("close", (code: number) => this.closed(ws, code));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`client ${this.clientId} on ${this.load.name} did not sync in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  /** Closes the socket for good (no reconnect). Resolves once it is closed. */
  close(): Promise<void> {
    this.stopping = true;
    const ws = this.ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 5_000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000);
    });
  }

  sendFrame(frame: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /** An edit made by this client: into its own document, and to the server if connected. */
  sendLocalUpdate(update: Uint8Array): void {
    this.enqueue(update);
    this.sendFrame(syncFrame(UPDATE, update));
  }

  /** Applies what was received since the last flush, in one transaction. */
  flush(): void {
    dirty.delete(this);
    const doc = this.doc;
    if (doc === null || this.pending.size === 0) return;
    Y.transact(doc, () => this.pending.drain((update) => Y.applyUpdate(doc, update)));
  }

  /**
   * Asks the server for what this client's document lacks (sync step 1 with its state vector)
   * and applies the answer. Resolves without it if the socket is closed (a reconnect syncs the
   * same way) or after `timeoutMs`; the convergence check then shows what is missing.
   */
  catchUp(timeoutMs: number): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.caughtUp = finish;
      this.sendFrame(syncFrame(STEP1, this.stateVector()));
    });
  }

  /** The last client of its document keeps everything it receives while deferring (see `deferApplying`). */
  private get witness(): boolean {
    return this.load.clients.at(-1) === this;
  }

  private enqueue(update: Uint8Array): void {
    if (this.doc === null) {
      this.deferred.push(update);
      return;
    }
    if (deferring && !this.witness) {
      behind.add(this);
      return;
    }
    this.pending.push(update);
    if (this.pending.size >= APPLY_BATCH && !deferring) this.flush();
    else markDirty(this);
  }

  private stateVector(): Uint8Array {
    if (this.doc === null) return EMPTY_STATE_VECTOR;
    this.flush();
    return Y.encodeStateVector(this.doc);
  }

  private closed(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.closeCodes.push(code);
    // A catch-up this socket was to answer will not come: the convergence check shows what is missing.
    this.caughtUp?.();
    this.caughtUp = null;
    if (this.waiter !== null && !this.synced) {
      this.waiter.reject(new Error(`client ${this.clientId} on ${this.load.name} closed with ${code}`));
      this.waiter = null;
    }
    if (this.stopping) return;
    meter.unexpectedCloses++;
    // 44xx: refused for good, as the y-websocket provider treats it. Anything else: reconnect.
    if (code >= 4400 && code < 4500) return;
    setTimeout(() => {
      if (!this.stopping) this.connect().catch(() => {});
    }, 250).unref();
  }

  private receive(frame: Buffer): void {
    const now = performance.now();
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === UPDATE) {
        this.received(payload, now, true);
      } else if (step === STEP2) {
        this.received(payload, now, false);
        if (!this.synced) {
          this.synced = true;
          this.syncedAt = now;
          this.waiter?.resolve();
          this.waiter = null;
        }
        if (this.caughtUp !== null) {
          this.flush();
          this.caughtUp();
          this.caughtUp = null;
        }
      } else if (step === STEP1) {
        let reply: Uint8Array = EMPTY_UPDATE;
        if (this.doc !== null) {
          this.flush();
          reply = Y.encodeStateAsUpdate(this.doc, payload);
        }
        this.sendFrame(syncFrame(STEP2, reply));
      }
    } else if (type === MESSAGE_AWARENESS) {
      this.receivedPresence(decoding.readVarUint8Array(decoder), now);
    }
  }

  private received(payload: Uint8Array, now: number, isUpdate: boolean): void {
    if (this.load.typists.length > 0) this.count(payload, now, isUpdate);
    this.enqueue(payload);
  }

  /**
   * Counts the keystrokes an update carries. Fast path: one keystroke relayed as the writer sent
   * it (the same bytes). Otherwise (merged updates, sync replies after a reconnect) the update's
   * clock ranges per writer say which keystrokes it holds.
   */
  private count(payload: Uint8Array, now: number, isUpdate: boolean): void {
    if (isUpdate) {
      const decoder = decoding.createDecoder(payload);
      if (decoding.readVarUint(decoder) === 1) {
        decoding.readVarUint(decoder); // structs in the group
        const client = decoding.readVarUint(decoder);
        const clock = decoding.readVarUint(decoder);
        if (client === this.clientId) return; // our own keystroke, echoed
        const typist = this.load.typistById.get(client);
        if (typist !== undefined) {
          const next = this.nextOp[typist.slot] ?? 0;
          const op = typist.script.opAt(clock, next);
          const sent = typist.script.ops.at(op);
          if (op >= 0 && op < typist.sent && sent !== undefined && Buffer.compare(sent, payload) === 0) {
            if (op >= next) {
              this.nextOp[typist.slot] = op + 1;
              meter.delivery(typist.sentAt[op] ?? 0, now);
            }
            return;
          }
        }
      }
    }
    const meta = this.load.updateMeta(payload);
    for (const [client, to] of meta.to) {
      if (client === this.clientId) continue;
      const typist = this.load.typistById.get(client);
      if (typist === undefined) continue;
      const from = meta.from.get(client) ?? 0;
      const script = typist.script;
      const next = this.nextOp[typist.slot] ?? 0;
      const first = Math.max(next, script.firstOpEndingAfter(from));
      const end = Math.min(typist.sent, script.firstOpEndingAfter(to));
      for (let op = first; op < end; op++) meter.delivery(typist.sentAt[op] ?? 0, now);
      if (end > next) this.nextOp[typist.slot] = end;
    }
  }

  private receivedPresence(update: Uint8Array, now: number): void {
    const decoder = decoding.createDecoder(update);
    const entries = decoding.readVarUint(decoder);
    for (let i = 0; i < entries; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      // Not `decoder.pos += readVarUint(decoder)`: that adds to the position from before the length.
      const stateBytes = decoding.readVarUint(decoder);
      decoder.pos += stateBytes;
      if (client === this.clientId) continue;
      const presence = this.load.presences.get(client);
      if (presence === undefined) continue;
      const seen = this.presenceSeen.get(client) ?? 0;
      if (clock <= seen) continue;
      this.presenceSeen.set(client, clock);
      // A server that coalesces presence sends only a client's newest state: the ones it
      // superseded count as delivered with it, as merged keystrokes are counted from clock ranges.
      for (let superseded = seen + 1; superseded <= clock; superseded++) {
        meter.presence(presence.sentAt[superseded] ?? 0, now);
      }
    }
  }
}

function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Connects clients with at most `parallel` handshakes in flight. */
export async function connectAll(clients: readonly BenchClient[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++];
      if (client !== undefined) await client.connect();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, clients.length) }, worker));
}

export async function closeAll(clients: readonly BenchClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
}
