/**
 * Shared pieces of the reliability scenarios (test/scenarios/*.ts): a server process that can be
 * killed and restarted on the same port and data directory, stock y-websocket peers that record
 * what the server sent them, and checks of what SQLite holds.
 */
import fs, { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { onTestFinished } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { type ClientMessage, decodeMessage } from "../../server/relay/protocol.ts";
import { decodeLog, type LoggedUpdate, unmovedRecords } from "../../server/store/appendLog.ts";
import { hasPendingUpdates, replayUpdates } from "../../server/store/replay.ts";
import { APPEND_LOG_SUFFIX, SQLITE_FILE_NAME } from "../../server/store/sqlite.ts";
import { prepareStatements, prepareTransactions } from "../../server/store/sqliteStatements.ts";
import type { CreateWorkshopRequest, CreateWorkshopResponse, JoinResponse } from "../../shared/api.ts";
import { freePort, residentSetBytes, type ServerProcess, spawnServer } from "../helpers/serverProcess.ts";

// Every Node provider adds a process "exit" listener; the storm opens hundreds at once.
process.setMaxListeners(Math.max(process.getMaxListeners(), 2_000));

/** `server/main.ts` as its own process on a fixed port, so providers reconnect to the same URL. */
export class ServerUnderTest {
  proc: ServerProcess | null = null;
  readonly url: string;
  readonly syncUrl: string;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.syncUrl = `ws://127.0.0.1:${port}/sync`;
  }

  /** A server on a fresh temporary data directory (removed when the test ends), not started yet. */
  static async create(env: Record<string, string> = {}): Promise<ServerUnderTest> {
    const dataDir = mkdtempSync(path.join(tmpdir(), "samla-reliability-"));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    return new ServerUnderTest(dataDir, await freePort(), env);
  }

  get file(): string {
    return path.join(this.dataDir, SQLITE_FILE_NAME);
  }

  get pid(): number {
    const pid = this.proc?.child.pid;
    if (pid === undefined) throw new Error("server is not running");
    return pid;
  }

  /** Starts the process; resolves with the milliseconds from spawning it to it listening. */
  async start(): Promise<number> {
    const started = performance.now();
    this.proc = await spawnServer(this.dataDir, { PORT: String(this.port), ...this.env });
    return performance.now() - started;
  }

  /** Sends the signal now (synchronously, so it can be called from an event handler). */
  signal(signal: NodeJS.Signals): void {
    this.proc?.child.kill(signal);
  }

  /** Resolves with the exit code or signal name once the process is gone. */
  async exited(): Promise<number | string> {
    if (this.proc === null) throw new Error("server was never started");
    const result = await this.proc.exited;
    return result;
  }

  rss(): number {
    return residentSetBytes(this.pid);
  }

  async post<T>(pathname: string, body: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.url}${pathname}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  createWorkshop(body: Partial<CreateWorkshopRequest>): Promise<CreateWorkshopResponse> {
    return this.post<CreateWorkshopResponse>("/api/workshops", { title: "Tålighetsprov", ...body });
  }

  async join(code: string): Promise<string> {
    return (await this.post<JoinResponse>("/api/join", { code })).token;
  }

  /** One gauge from `/metrics`. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const match = new RegExp(`^samla_${name} (\\S+)$`, "m").exec(text);
    if (match?.[1] === undefined) throw new Error(`no metric ${name}`);
    return Number(match[1]);
  }
}

export interface PeerOptions {
  readonly connect?: boolean;
  /** The provider's ceiling for its exponential reconnect backoff (y-websocket's default: 2500). */
  readonly maxBackoffTime?: number;
  /** Keep every document update the server sends, for `absorb()` and `seen` (off by default). */
  readonly record?: boolean;
  /** Called for every document update the server sent this peer (when recording). */
  readonly onReceived?: (peer: Peer) => void;
}

/**
 * A stock `WebsocketProvider` with its own Y.Doc. Every document update the server sends it
 * (sync step 2 or update frame) is recorded as sent, straight off the socket.
 *
 * Not from the doc's "update" events: those re-encode what a transaction changed locally, which
 * may be more than the server sent (a note this peer deleted, not yet stored, turns text that
 * arrives for it into a deletion of that text in the event).
 */
export class Peer {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  /** Updates received since the last `absorb()`. */
  private fresh: Uint8Array[] = [];
  /** Everything received so far, merged: what the server told this peer exists. */
  readonly seen = new Y.Doc();
  received = 0;
  /** `performance.now()` when the provider last connected. */
  connectedAt = 0;
  private destroyed = false;

  constructor(
    syncUrl: string,
    readonly docName: string,
    token: string,
    options: PeerOptions = {},
  ) {
    const record = (data: unknown) => {
      if (options.record !== true) return;
      const frame = asBytes(data);
      if (frame === null) return;
      let message: ClientMessage;
      try {
        message = decodeMessage(frame);
      } catch {
        return;
      }
      if (message.type !== "sync-step2" && message.type !== "update") return;
      this.fresh.push(message.update);
      this.received++;
      options.onReceived?.(this);
    };
    // The stock provider on a `ws` socket that also reports every frame it receives.
    class TappedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        this.on("message", record);
      }
    }
    this.provider = new WebsocketProvider(syncUrl, docName, this.doc, {
      WebSocketPolyfill: TappedWebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      disableBc: true,
      connect: options.connect ?? true,
      maxBackoffTime: options.maxBackoffTime ?? 2_500,
    });
    this.provider.on("status", ({ status }) => {
      if (status === "connected") this.connectedAt = performance.now();
    });
    onTestFinished(() => this.destroy());
  }

  get ready(): boolean {
    return this.provider.wsconnected && this.provider.synced;
  }

  /** Folds what was received since the last call into `seen` (one transaction: fast). */
  absorb(): void {
    replayUpdates(this.fresh.splice(0), this.seen);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.provider.destroy();
    this.doc.destroy();
    this.seen.destroy();
  }
}

function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  return null;
}

/** A state vector as a plain sorted object, so two can be compared with `toEqual`. */
export function stateVector(doc: Y.Doc): Record<string, number> {
  const entries = [...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()];
  return Object.fromEntries(
    entries.sort((a, b) => a[0] - b[0]).map(([client, clock]) => [String(client), clock]),
  );
}

/**
 * The labels of the updates that `doc` does not wholly contain. An update is contained when
 * applying it to a copy of `doc` neither adds anything (no "update" event) nor leaves parts
 * waiting for dependencies that `doc` lacks.
 */
export function notContained(doc: Y.Doc, updates: Iterable<readonly [string, Uint8Array]>): string[] {
  const base = Y.encodeStateAsUpdate(doc);
  const missing: string[] = [];
  let copy: Y.Doc | null = null;
  let changed = false;
  for (const [label, update] of updates) {
    if (copy === null) {
      copy = replayUpdates([base]);
      changed = false;
      copy.on("update", () => {
        changed = true;
      });
    }
    Y.applyUpdate(copy, update);
    if (changed || hasPendingUpdates(copy)) {
      missing.push(`${label}: ${describeMissing(doc, update)}`);
      // Start over from the stored state, so one miss does not hide or cause others.
      copy.destroy();
      copy = null;
    }
  }
  copy?.destroy();
  return missing;
}

/** What of `update` is not in `doc`: structs as `client:clock+length`, deletions as `client:clock+length`. */
export function describeMissing(doc: Y.Doc, update: Uint8Array): string {
  const { structs, ds } = Y.decodeUpdate(Y.diffUpdate(update, Y.encodeStateVector(doc)));
  const present = Y.createDeleteSetFromStructStore(doc.store);
  const deletions: string[] = [];
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      for (let at = clock; at < clock + len; at++) {
        if (!Y.isDeleted(present, Y.createID(client, at))) {
          deletions.push(`${client}:${clock}+${len}`);
          break;
        }
      }
    }
  }
  const items = structs.map((s) => `${s.id.client}:${s.id.clock}+${s.length}`);
  const list = (xs: string[]) =>
    xs.length > 8 ? `${xs.slice(0, 8).join(" ")} …(${xs.length})` : xs.join(" ");
  return `structs missing [${list(items)}], deletions missing [${list(deletions)}]`;
}

export interface StoredState {
  readonly integrity: string;
  readonly docs: Map<string, Y.Doc>;
}

/**
 * Opens the database file read-only (as a crashed server left it: WAL and all), runs
 * `PRAGMA integrity_check`, and replays the named documents the way the store loads them.
 */
export function readStored(file: string, names: Iterable<string>): StoredState {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma("integrity_check", { simple: true }));
    const tx = prepareTransactions(db, prepareStatements(db));
    // What the append log holds and SQLite does not yet: stored too (the server moves it on start).
    const logged = unmovedAppendLog(db, `${file}${APPEND_LOG_SUFFIX}`);
    const docs = new Map<string, Y.Doc>();
    for (const name of names) {
      const updates = [
        ...tx.load.deferred(name),
        ...logged.filter((r) => r.name === name).map((r) => r.update),
      ];
      docs.set(name, replayUpdates(updates));
    }
    return { integrity, docs };
  } finally {
    db.close();
  }
}

/** The append log's records of a generation SQLite has not moved (none if there is no log). */
function unmovedAppendLog(db: Database.Database, logFile: string): LoggedUpdate[] {
  if (!fs.existsSync(logFile)) return [];
  const contents = decodeLog(fs.readFileSync(logFile));
  const moved = db.prepare("SELECT moved_generation FROM append_log_state").pluck().get();
  return typeof moved === "number" ? unmovedRecords(contents, moved) : [];
}

/** Yields to the event loop so that sockets get to read and write (not a timed wait). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export const MiB = 2 ** 20;

export function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
