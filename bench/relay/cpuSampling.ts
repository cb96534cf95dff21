import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { num, type Row, type Table } from "./report.ts";

/**
 * Where a server's CPU time goes, sampled by Linux `perf` on CPU time (`-e cpu-clock`), kernel
 * included. V8's own profiler (`--profile`) samples wall time, so a thread waiting in a system
 * call (an fsync, a blocking write) looks busy there; perf counts only time on a CPU, which is
 * what the budgets' CPU per delivery measures. The servers run with `--perf-basic-prof`, so the
 * JIT's frames carry their function names.
 */

/** Samples per second of CPU time: each sample stands for about a millisecond. */
const FREQUENCY = 999;

/** What a sample's stack was doing, by the first rule (in this order) that matches one of its frames. */
export const CATEGORIES = [
  {
    name: "writing frames to readers",
    // Samla's direct writes, `ws`'s sender (the reference's sends, Samla's fallback), the bare
    // relay's, and the kernel's send path whoever called it (a send V8 inlined into its caller
    // has no frame of its own). The reference sends from inside Yjs's update event, and the bare
    // relay from inside its socket's read, so this rule comes before Yjs's and reading's.
    frames: [
      /\/http\/wsRelaySocket\.js/,
      /\/ws\/lib\/sender\.js/,
      /JS:[*^~]?broadcast \S*\/bareRelay\.js/,
      /tcp_sendmsg/,
    ],
    relaying: true,
  },
  {
    name: "storing (SQLite)",
    frames: [/better_sqlite3\.node/, /\/server\/store\//],
    relaying: false,
  },
  { name: "Yjs (decoding, applying, encoding)", frames: [/\/yjs\/dist\//, /\/lib0\//], relaying: true },
  {
    name: "presence (awareness)",
    frames: [/\/relay\/presence\.js/, /y-protocols\/.*awareness/],
    relaying: false,
  },
  {
    name: "reading sockets",
    frames: [/\/ws\/lib\/receiver\.js/, /onStreamRead/, /uv__read/, /tcp_recvmsg/],
    relaying: true,
  },
  { name: "waiting for I/O (epoll)", frames: [/epoll/], relaying: true },
  {
    name: "garbage collection",
    frames: [/Scavenge/, /MarkCompact/, /v8::internal::Heap::/, /ConcurrentMarking/],
    relaying: false,
  },
] as const;

/**
 * The categories of work any relay of Yjs updates does per delivery, whatever else it does:
 * reading the writer's frame, applying it to the document, writing one frame per reader, and
 * waiting for the sockets. What a server spends on these alone bounds its ratio from below.
 */
export const RELAYING: readonly string[] = CATEGORIES.filter((c) => c.relaying).map((c) => c.name);

export const OTHER = "other";

export interface CpuBreakdown {
  readonly samples: number;
  /** Samples per category name (every one of CATEGORIES and OTHER). */
  readonly byCategory: ReadonlyMap<string, number>;
  /** Of those, samples whose innermost frame was in the kernel. */
  readonly kernelByCategory: ReadonlyMap<string, number>;
}

/** A sample's category: the first rule any of its frames matches. */
export function categorize(frames: readonly string[]): string {
  for (const category of CATEGORIES) {
    if (frames.some((frame) => category.frames.some((pattern) => pattern.test(frame)))) return category.name;
  }
  return OTHER;
}

/** True if `perf record` can sample a process here (installed, and allowed). */
export function perfAvailable(): boolean {
  const result = spawnSync("perf", ["--version"], { encoding: "utf8" });
  return result.status === 0;
}

/** A running `perf record` of one process. */
export class CpuRecording {
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;

  constructor(
    pid: number,
    readonly file: string,
  ) {
    this.child = spawn(
      "perf",
      ["record", "-e", "cpu-clock", "-F", String(FREQUENCY), "-g", "-p", String(pid), "-o", file],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.exited = once(this.child, "exit");
  }

  /** Stops recording (perf writes its file on SIGINT). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGINT");
    await this.exited;
  }
}

/** Reads a recording's stacks (`perf script`) and counts its samples per category. */
export async function readBreakdown(file: string): Promise<CpuBreakdown> {
  const script = spawn("perf", ["script", "-F", "ip,sym,dso", "-i", file], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const byCategory = new Map<string, number>([...CATEGORIES.map((c) => c.name), OTHER].map((n) => [n, 0]));
  const kernelByCategory = new Map(byCategory);
  let samples = 0;
  let frames: string[] = [];
  const finish = () => {
    if (frames.length === 0) return;
    const category = categorize(frames);
    samples++;
    byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
    if (frames[0]?.includes("[kernel.kallsyms]") === true)
      kernelByCategory.set(category, (kernelByCategory.get(category) ?? 0) + 1);
    frames = [];
  };
  // A sample is its frames, innermost first, one per line ("address symbol (object)"), then a blank line.
  for await (const line of createInterface({ input: script.stdout })) {
    if (line.trim() === "") finish();
    else frames.push(line);
  }
  finish();
  return { samples, byCategory, kernelByCategory };
}

/** One server's breakdown, with its CPU per delivery over the same phase (from /proc). */
export interface SampledServer {
  readonly label: string;
  readonly breakdown: CpuBreakdown;
  readonly cpuPerDeliveryUs: number;
}

/**
 * A table of where each server's CPU per delivery goes: each category's share of the samples
 * times the phase's CPU per delivery, and the part of it in the kernel.
 */
export function breakdownTable(title: string, servers: readonly SampledServer[]): Table {
  const names = [...CATEGORIES.map((c) => c.name), OTHER];
  const share = (server: SampledServer, count: number) => count / Math.max(1, server.breakdown.samples);
  const rows: Row[] = names.map((name) => ({
    label: name,
    cells: servers.flatMap((server) => {
      const all = share(server, server.breakdown.byCategory.get(name) ?? 0);
      const kernel = share(server, server.breakdown.kernelByCategory.get(name) ?? 0);
      return [
        num(all * 100, 1),
        num(all * server.cpuPerDeliveryUs, 1),
        num(kernel * server.cpuPerDeliveryUs, 1),
      ];
    }),
  }));
  rows.push({
    label: "all",
    cells: servers.flatMap((server) => {
      let kernel = 0;
      for (const count of server.breakdown.kernelByCategory.values()) kernel += count;
      return [
        num(100, 1),
        num(server.cpuPerDeliveryUs, 1),
        num(share(server, kernel) * server.cpuPerDeliveryUs, 1),
      ];
    }),
  });
  const columns = servers.flatMap((server) => [
    `${server.label} % of samples`,
    `${server.label} µs/delivery`,
    `${server.label} of which kernel µs`,
  ]);
  const [first, second] = servers;
  const notes = [
    `Sampled by \`perf record -e cpu-clock -F ${FREQUENCY} -g\` on each server process over the whole phase (its windows and the pauses between them); ${servers.map((s) => `${s.label} ${s.breakdown.samples.toLocaleString("en")} samples`).join(", ")}. A sample goes to the first category any frame of its stack matches, in the order listed; µs/delivery is its share of the phase's CPU per delivery (from /proc).`,
  ];
  if (first !== undefined && second !== undefined) {
    // µs per delivery of some categories' samples, all of them or only their kernel part.
    const partUs = (
      server: SampledServer,
      names: readonly string[],
      part: "byCategory" | "kernelByCategory",
    ) => {
      const counts = server.breakdown[part];
      const count = names.reduce((sum, name) => sum + (counts.get(name) ?? 0), 0);
      return share(server, count) * server.cpuPerDeliveryUs;
    };
    const ratio = (us: number) => (us / second.cpuPerDeliveryUs).toFixed(2);
    const writing = [CATEGORIES[0].name];
    const writesKernel = partUs(first, writing, "kernelByCategory");
    const relaying = partUs(first, RELAYING, "byCategory");
    notes.push(
      `The kernel's part of writing frames alone (on loopback it includes the reader's side of TCP): ${first.label} ${writesKernel.toFixed(1)} µs per delivery, ${second.label} ${partUs(second, writing, "kernelByCategory").toFixed(1)} µs; that is ${ratio(writesKernel)}× the ${second.label}'s whole CPU per delivery.`,
      `What every relay does per delivery (${RELAYING.join(", ")}): ${first.label} ${relaying.toFixed(1)} µs, ${second.label} ${partUs(second, RELAYING, "byCategory").toFixed(1)} µs. ${first.label}'s alone is ${ratio(relaying)}× the ${second.label}'s whole CPU per delivery: the lowest ratio ${first.label} could reach if everything else it does (storing, presence, GC, the rest) cost nothing.`,
    );
  }
  return { title, columns, rows, notes };
}
