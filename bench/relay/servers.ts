import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type ServerKind = "samla" | "reference";

/**
 * What runs in the reference's place: the y-websocket reference (`reference.ts`, what the budgets
 * are set against), or the bare relay (`bareRelay.ts`, a floor for what relaying costs).
 */
export const AGAINST = {
  reference: { script: "dist/bench/bench/relay/reference.js", label: "reference" },
  bare: { script: "dist/bench/bench/relay/bare.js", label: "bare relay" },
} as const;
export type Against = keyof typeof AGAINST;

let against: Against = "reference";

/** Puts the bare relay in the reference's place (its label follows); once, before any server starts. */
export function standAgainst(choice: Against): void {
  against = choice;
}

export const SERVER_LABEL: Readonly<Record<ServerKind, string>> = {
  samla: "Samla",
  get reference() {
    return AGAINST[against].label;
  },
};

/** A server process under test, pinned to its core. */
export interface ServerProcess {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** CPU time the process has used (user + system), in seconds, from `/proc/<pid>/stat`. */
  cpuSeconds(): number;
  /** Resident set size now and at its peak (VmRSS, VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** Why the process ended without being asked to, or null while it runs (or was stopped). */
  crashed(): string | null;
  /** Stops the process (SIGTERM, then SIGKILL after 15 s) and waits for it to exit. */
  stop(): Promise<void>;
}

let clockTicks: number | null = null;

function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process, in seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const read = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: read("VmRSS"), peak: read("VmHWM") };
}

/**
 * Busy time of each core since boot, in seconds (everything but idle and iowait; steal included:
 * time the hypervisor gave to someone else is time our processes could not run).
 */
export function coreBusySeconds(): number[] {
  const busy: number[] = [];
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const match = /^cpu(\d+)\s+(.+)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = match[2]
      .split(" ")
      .map(Number);
    busy[Number(match[1])] = (user + nice + system + irq + softirq + steal) / ticksPerSecond();
  }
  return busy;
}

export function allowedCpus(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return /^Cpus_allowed_list:\s+(.+)$/m.exec(status)?.[1] ?? "?";
}

/**
 * Where the processes run: pinned when `taskset` exists and there are at least two cores, and
 * optionally at a raised priority (`--nice`) on a machine other people are using.
 */
export interface Pinning {
  readonly enabled: boolean;
  readonly serverCore: number;
  readonly generatorCore: number;
  /** The nice value servers and the generator run at; null: unchanged. */
  readonly nice: number | null;
  readonly note: string;
}

export function planPinning(cores: number, nice: number | null): Pinning {
  const niceNote = nice === null ? "" : `; servers and generator at nice ${nice}`;
  const unpinned = { enabled: false, serverCore: 0, generatorCore: 0, nice };
  const taskset = spawnSync("taskset", ["--version"], { encoding: "utf8" });
  if (taskset.error !== undefined)
    return { ...unpinned, note: `taskset not found: processes not pinned${niceNote}` };
  if (cores < 2) return { ...unpinned, note: `one core: processes not pinned${niceNote}` };
  return {
    enabled: true,
    serverCore: 0,
    generatorCore: 1,
    nice,
    note: `servers pinned to core 0, load generator to core 1 (taskset)${niceNote}`,
  };
}

/** Pins this process, every thread of it, to its core, and sets every thread's nice value. */
export function pinSelf(pinning: Pinning): void {
  if (pinning.enabled) {
    const result = spawnSync(
      "taskset",
      ["-a", "-p", "-c", String(pinning.generatorCore), String(process.pid)],
      {
        encoding: "utf8",
      },
    );
    if (result.status !== 0) throw new Error(`taskset failed: ${result.stderr}`);
  }
  if (pinning.nice !== null) {
    // Linux keeps a nice value per thread; threads started later inherit the main thread's.
    for (const task of readdirSync(`/proc/${process.pid}/task`)) os.setPriority(Number(task), pinning.nice);
  }
}

interface LaunchOptions {
  readonly kind: ServerKind;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly portPattern: RegExp;
  readonly pinning: Pinning;
}

async function launch(options: LaunchOptions): Promise<ServerProcess> {
  const node = [process.execPath, ...options.args];
  const pinned = options.pinning.enabled
    ? ["taskset", "-c", String(options.pinning.serverCore), ...node]
    : node;
  const { nice } = options.pinning;
  const [command, ...args] = nice === null ? pinned : ["nice", "-n", String(nice), ...pinned];
  if (command === undefined) throw new Error("nothing to launch");
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The reference would persist to LevelDB or call a webhook if these were set: it stores nothing here.
  for (const name of ["YPERSISTENCE", "CALLBACK_URL", "CALLBACK_OBJECTS", "GC"]) delete env[name];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let stopping = false;
  let crash: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (!stopping) crash = `exited (${code ?? signal}) unasked:\n${output.slice(-4000)}`;
      resolve();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.kind} did not start:\n${output}`)), 60_000);
    const look = () => {
      const match = options.portPattern.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", look);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.kind} exited while starting:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.kind} has no pid`);
  return {
    kind: options.kind,
    pid,
    port,
    origin: `http://127.0.0.1:${port}`,
    cpuSeconds: () => processCpuSeconds(pid),
    memory: () => processMemory(pid),
    crashed: () => crash,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface SamlaOptions {
  readonly dataDir: string;
  readonly pinning: Pinning;
  /** Write a V8 CPU profile of the server into this directory when it exits. */
  readonly profileDir?: string;
  /** Let Linux perf name JIT-compiled functions (`--perf-basic-prof`, a map file in /tmp). */
  readonly perfMap?: boolean;
}

function perfMapArgs(perfMap: boolean | undefined): string[] {
  // The flag also turns on V8's log, which would land in the working directory (the checkout).
  const log = path.join(os.tmpdir(), "samla-bench-v8-%p.log");
  return perfMap === true ? ["--perf-basic-prof", `--logfile=${log}`, "--no-logfile-per-isolate"] : [];
}

let serverBuilt = false;

/**
 * Builds the server as `npm start` does (`npm run build:server`: `server/` and `shared/` to plain
 * JavaScript in `dist/`), once per benchmark run, so what runs is the source as it is now. The web
 * app is not built: the benchmark never loads it.
 */
function buildSamla(): void {
  if (serverBuilt) return;
  const result = spawnSync("npm", ["run", "--silent", "build:server"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`npm run build:server failed:\n${result.stdout}${result.stderr}${result.error ?? ""}`);
  }
  serverBuilt = true;
}

/** `dist/server/main.js` as `npm start` runs it (built first), SQLite under `dataDir`. */
export function startSamla(options: SamlaOptions): Promise<ServerProcess> {
  buildSamla();
  const profile =
    options.profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}/samla`];
  return launch({
    kind: "samla",
    args: [...profile, ...perfMapArgs(options.perfMap), "dist/server/main.js"],
    env: { PORT: "0", HOST: "127.0.0.1", DATA_DIR: options.dataDir, LOG_LEVEL: "warn" },
    portPattern: /http:\/\/localhost:(\d+)/,
    pinning: options.pinning,
  });
}

let referenceBuilt = false;

/** The reference and the bare relay as plain JavaScript too, like Samla: tsx's loader would add ~28 MB to its RSS. */
function buildReference(): void {
  if (referenceBuilt) return;
  const result = spawnSync("npx", ["tsc", "-p", "bench/relay/tsconfig.reference.json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`building the reference failed:\n${result.stdout}${result.stderr}${result.error ?? ""}`);
  }
  referenceBuilt = true;
}

/**
 * The reference: `@y/websocket-server`'s `setupWSConnection` behind a bare http + ws server; or,
 * after `standAgainst("bare")`, the bare relay.
 */
export function startReference(options: {
  readonly pinning: Pinning;
  readonly profileDir?: string;
  readonly perfMap?: boolean;
}): Promise<ServerProcess> {
  const profile =
    options.profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}/reference`];
  buildReference();
  const { script, label } = AGAINST[against];
  const file = path.join(ROOT, script);
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  return launch({
    kind: "reference",
    args: [...profile, ...perfMapArgs(options.perfMap), script],
    env: { PORT: "0", HOST: "127.0.0.1" },
    // What `serve.ts` prints once the script listens.
    portPattern: new RegExp(`^${label} listening on port (\\d+)`, "m"),
    pinning: options.pinning,
  });
}

/** Samla's V8 heap in use, from its /metrics; null for the reference or if unreadable. */
export async function heapUsed(server: ServerProcess): Promise<number | null> {
  if (server.kind !== "samla") return null;
  try {
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    const match = /^(?:samla_)?process_heap_used_bytes\s+(\d+)/m.exec(text);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** A cumulative histogram read from Samla's /metrics: counts at or under each bound (seconds). */
export interface DelayHistogram {
  readonly bounds: readonly number[];
  readonly cumulative: readonly number[];
  readonly count: number;
}

/** What Samla's /metrics say of its relaying: two delay histograms and the update frames sent. */
export interface RelayMetrics {
  /** `samla_relay_delay_seconds`: an update's arrival at its room to its relay. */
  readonly delay: DelayHistogram;
  /** `samla_event_loop_delay_seconds`: how late the event loop ran (Node's sampler, every 20 ms). */
  readonly loopDelay: DelayHistogram;
  /** Update frames sent to readers (`samla_updates_out_total`): one per reader per relayed batch. */
  readonly framesOut: number;
}

/** Samla's relay delay, event-loop delay and frames out, from its /metrics; null for the reference. */
export async function relayMetrics(server: ServerProcess): Promise<RelayMetrics | null> {
  if (server.kind !== "samla") return null;
  try {
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    const delay = histogramOf(text, "samla_relay_delay_seconds");
    const loopDelay = histogramOf(text, "samla_event_loop_delay_seconds");
    const framesOut = /^samla_updates_out_total (\d+)$/m.exec(text)?.[1];
    if (delay === null || loopDelay === null || framesOut === undefined) return null;
    return { delay, loopDelay, framesOut: Number(framesOut) };
  } catch {
    return null;
  }
}

/** A Prometheus histogram from /metrics text, without its +Inf bucket; null if it is not there. */
export function histogramOf(text: string, name: string): DelayHistogram | null {
  const bounds: number[] = [];
  const cumulative: number[] = [];
  for (const match of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)$`, "gm"))) {
    if (match[1] === "+Inf" || match[1] === undefined) continue;
    bounds.push(Number(match[1]));
    cumulative.push(Number(match[2]));
  }
  const count = new RegExp(`^${name}_count (\\d+)$`, "m").exec(text)?.[1];
  if (count === undefined) return null;
  return { bounds, cumulative, count: Number(count) };
}

/** What was observed between two reads of the same histogram. */
export function delayDelta(before: DelayHistogram, after: DelayHistogram): DelayHistogram {
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((value, index) => value - (before.cumulative[index] ?? 0)),
    count: after.count - before.count,
  };
}

/** The smallest bound (ms) under which at least `quantile` of the observations fall; Infinity if none. */
export function delayQuantileBoundMs(histogram: DelayHistogram, quantile: number): number {
  const needed = quantile * histogram.count;
  const index = histogram.cumulative.findIndex((value) => value >= needed);
  const bound = histogram.bounds[index];
  return bound === undefined ? Number.POSITIVE_INFINITY : bound * 1000;
}
