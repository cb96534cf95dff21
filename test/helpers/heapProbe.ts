/**
 * Memory of a server process measured after a forced full garbage collection, for leak tests:
 * the server runs with `--expose-gc` and `gcProbe.mjs` preloaded, which answers on a Unix socket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { onTestFinished } from "vitest";
import { eventually } from "./eventually.ts";

/** `process.memoryUsage()` right after a full garbage collection, and live instances per class. */
export interface HeapSample {
  /** V8 heap in use: the live JavaScript objects, which a leak grows. */
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Memory of C++ objects bound to JavaScript ones (Buffers, native parts of sockets). */
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  /** Live instances of each counted class (-1: no such class in that module); empty unless counted. */
  readonly objects: Readonly<Record<string, number>>;
}

/** A class the probe counts: an export of a module, as the server process imports it. */
export interface CountedClass {
  /** A package name (resolved from test/helpers, as the server resolves it) or a file URL. */
  readonly module: string;
  readonly export: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const PRELOAD = pathToFileURL(path.join(import.meta.dirname, "gcProbe.mjs")).href;

/** A module of this repository (`server/relay/room.ts`) as the file URL the server loads it by. */
export function repoModule(relativePath: string): string {
  return pathToFileURL(path.join(ROOT, relativePath)).href;
}

/**
 * The probe of one server (and every restart of it): pass `env` to `spawnServer` or
 * `ServerUnderTest.create`, then ask `afterGc()`. Test use only.
 */
export class HeapProbe {
  /** `--expose-gc` and the preload, the probe's socket, and the classes to count. */
  readonly env: Record<string, string>;
  private readonly socketPath: string;

  constructor(count: Readonly<Record<string, CountedClass>> = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), "samla-heap-probe-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    this.socketPath = path.join(dir, "probe.sock");
    const inherited = process.env.NODE_OPTIONS ?? "";
    const targets = Object.fromEntries(
      Object.entries(count).map(([label, c]) => [label, [c.module, c.export]]),
    );
    this.env = {
      NODE_OPTIONS: `${inherited} --expose-gc --import="${PRELOAD}"`.trim(),
      SAMLA_HEAP_PROBE_SOCKET: this.socketPath,
      SAMLA_HEAP_PROBE_OBJECTS: JSON.stringify(targets),
    };
  }

  /**
   * Forces a full garbage collection in the running server and resolves with its memory right
   * after; with `count`, also the live instances of the counted classes (slower: V8 collects again
   * for each class). Retries the connection until `timeoutMs` (a process that just started).
   */
  async afterGc(
    options: { readonly count?: boolean; readonly timeoutMs?: number } = {},
  ): Promise<HeapSample> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const answer = await eventually(
      () => this.ask(options.count === true ? "count" : "heap", timeoutMs),
      timeoutMs,
    );
    const parsed = JSON.parse(answer) as HeapSample | { readonly error: string };
    if ("error" in parsed) throw new Error(`the heap probe failed: ${parsed.error}`);
    return parsed;
  }

  private ask(request: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.socketPath);
      let answer = "";
      socket.setEncoding("utf8");
      socket.setTimeout(timeoutMs, () =>
        socket.destroy(new Error(`no answer from the heap probe in ${timeoutMs} ms`)),
      );
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("end", () =>
        answer.endsWith("\n") ? resolve(answer) : reject(new Error("the heap probe hung up")),
      );
      socket.on("error", reject);
      socket.write(`${request}\n`);
    });
  }
}
