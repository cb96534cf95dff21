/**
 * `npm run bench`: Samla's relay against the reference y-websocket server (`@y/websocket-server`),
 * the same work from one load generator, one server at a time, each in its own pinned process.
 * See docs/performance.md for the method and the recorded results.
 *
 *   npm run bench                       all scenarios (~10 minutes), results recorded in docs/performance.md
 *   npm run bench -- --quick            a ~1 minute smoke run (shorter phases; not recorded)
 *   npm run bench -- --scenario grid    one or more of: grid, presence, saturation, room, storm, idle, cold
 *   npm run bench -- --profile DIR      also write V8 CPU profiles of every server process into DIR
 *   npm run bench -- --perf DIR         sample both servers' CPU time with Linux perf in the grid,
 *                                       presence, 2× saturation and room phases (files in DIR) and print where it goes
 *   npm run bench -- --saturation-rate N  skip the ramp: N keystrokes/s per client saturate the reference
 *   npm run bench -- --nice -10         run servers and generator at this nice value (a shared machine)
 *   npm run bench -- --samla-data DIR   make Samla's data directories under DIR (default: the OS temp dir)
 *   npm run bench -- --against bare     the bare relay (bareRelay.ts, a floor) in the reference's place;
 *                                       budgets are not evaluated and nothing is recorded
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Bench } from "./bench.ts";
import { runCold } from "./cold.ts";
import { runIdle, runStorm } from "./crowd.ts";
import { runGrid } from "./grid.ts";
import { quietPolicy } from "./phase.ts";
import { budgetLine, markdownTable } from "./report.ts";
import { runRoom } from "./room.ts";
import { runSaturation } from "./saturation.ts";
import { AGAINST, type Against, allowedCpus, pinSelf, planPinning, ROOT, standAgainst } from "./servers.ts";

const SCENARIOS = ["grid", "presence", "saturation", "room", "storm", "idle", "cold"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Args {
  readonly quick: boolean;
  readonly scenarios: ReadonlySet<Scenario>;
  readonly profileDir: string | null;
  readonly perfDir: string | null;
  readonly saturationRate: number | null;
  readonly seed: number;
  readonly record: boolean;
  readonly nice: number | null;
  readonly dataBase: string;
  readonly against: Against;
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error(
    "usage: npm run bench -- [--quick] [--scenario grid,presence,saturation,room,storm,idle,cold] [--profile DIR] [--perf DIR] [--saturation-rate N] [--nice N] [--samla-data DIR] [--seed N] [--against reference|bare] [--record | --no-record]",
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  const scenarios = new Set<Scenario>();
  let profileDir: string | null = null;
  let perfDir: string | null = null;
  let saturationRate: number | null = null;
  let seed = 20_260_301;
  let record: boolean | null = null;
  let nice: number | null = null;
  let dataBase = os.tmpdir();
  let against: Against = "reference";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) usage(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") quick = true;
    else if (arg === "--scenario") {
      for (const name of value().split(",")) {
        if (!(SCENARIOS as readonly string[]).includes(name)) usage(`unknown scenario ${name}`);
        scenarios.add(name as Scenario);
      }
    } else if (arg === "--profile") profileDir = path.resolve(value());
    else if (arg === "--perf") perfDir = path.resolve(value());
    else if (arg === "--saturation-rate") saturationRate = Number(value());
    else if (arg === "--seed") seed = Number(value());
    else if (arg === "--nice") nice = Number(value());
    else if (arg === "--samla-data") dataBase = path.resolve(value());
    else if (arg === "--against") {
      const name = value();
      if (!Object.hasOwn(AGAINST, name))
        usage(`--against must be one of: ${Object.keys(AGAINST).join(", ")}`);
      against = name as Against;
    } else if (arg === "--record") record = true;
    else if (arg === "--no-record") record = false;
    else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown argument ${arg}`);
  }
  if (saturationRate !== null && !(saturationRate > 0)) usage("--saturation-rate must be a positive number");
  if (!Number.isInteger(seed)) usage("--seed must be an integer");
  if (nice !== null && !(Number.isInteger(nice) && nice >= -20 && nice <= 19)) usage("--nice must be -20…19");
  const all = scenarios.size === 0;
  // The recorded results and the budgets are Samla against the reference, never against the floor.
  if (against === "bare" && record === true)
    usage("--record compares with the reference: not with --against bare");
  return {
    quick,
    scenarios: all ? new Set(SCENARIOS) : scenarios,
    profileDir,
    perfDir,
    saturationRate,
    seed,
    // A full run of everything is recorded unless told otherwise; partial or quick runs only when asked.
    record: record ?? (all && !quick && against === "reference"),
    nice,
    dataBase,
    against,
  };
}

/** The file system a directory is on, from /proc/mounts (longest matching mount point). */
function fileSystemOf(dir: string): string {
  let best = { point: "", text: "unknown" };
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const [device, point, type] = line.split(" ");
    if (device === undefined || point === undefined || type === undefined) continue;
    const inside = dir === point || dir.startsWith(point.endsWith("/") ? point : `${point}/`);
    if (inside && point.length >= best.point.length) best = { point, text: `${type} on ${device}` };
  }
  return best.text;
}

function machine(pinningNote: string, cores: number, dataBase: string): string[] {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const memory = (os.totalmem() / 1024 ** 3).toFixed(1);
  return [
    `- CPU: ${model}, ${cores} cores available (nproc)`,
    `- Memory: ${memory} GiB; ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node.js ${process.version}; Yjs ${packageVersion("yjs")}, ws ${packageVersion("ws")}, @y/websocket-server ${packageVersion("@y/websocket-server")}, better-sqlite3 ${packageVersion("better-sqlite3")}`,
    `- Pinning: ${pinningNote} (generator allowed on CPUs ${allowedCpus(process.pid)})`,
    `- Samla's SQLite files under ${dataBase} (${fileSystemOf(dataBase)})`,
  ];
}

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version?: string;
    };
    return json.version ?? "?";
  } catch {
    return "?";
  }
}

const RESULTS_START = "<!-- bench:results:start -->";
const RESULTS_END = "<!-- bench:results:end -->";

/** Replaces the generated results section of docs/performance.md. */
function record(section: string): void {
  const file = path.join(ROOT, "docs/performance.md");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start < 0 || end < start)
    throw new Error(`docs/performance.md has no ${RESULTS_START} … ${RESULTS_END} section`);
  writeFileSync(file, `${text.slice(0, start + RESULTS_START.length)}\n\n${section}\n\n${text.slice(end)}`);
  // The project formats Markdown with Biome too: leave the file as `biome ci` wants it.
  const biome = spawnSync(path.join(ROOT, "node_modules/.bin/biome"), ["format", "--write", file], {
    encoding: "utf8",
  });
  if (biome.status !== 0) console.error(`biome format docs/performance.md failed:\n${biome.stderr}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  standAgainst(args.against);
  if (args.perfDir !== null) mkdirSync(args.perfDir, { recursive: true });
  // Read before pinning: once pinned, this process sees only its own core.
  const cores = os.availableParallelism();
  const pinning = planPinning(cores, args.nice);
  pinSelf(pinning);
  quietPolicy.maxWaitMs = args.quick ? 1_000 : 10_000;
  quietPolicy.totalBudgetMs = args.quick ? 5_000 : 60_000;
  const bench = new Bench({
    quick: args.quick,
    seed: args.seed,
    pinning,
    profileDir: args.profileDir,
    perfDir: args.perfDir,
    saturationRate: args.saturationRate,
    dataBase: args.dataBase,
  });
  const versus =
    args.against === "bare"
      ? "the bare relay (bench/relay/bareRelay.ts: a floor, not a server to run)"
      : "the reference y-websocket server";
  const header = [
    `## Relay benchmark: Samla vs ${versus}${args.quick ? " (--quick)" : ""}`,
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, scenarios: ${[...args.scenarios].join(", ")}.`,
    "",
    ...machine(pinning.note, cores, args.dataBase),
  ];
  process.stdout.write(`${header.join("\n")}\n\n`);
  const started = performance.now();
  const run = async (name: Scenario, body: () => Promise<void>) => {
    if (!args.scenarios.has(name)) return;
    bench.log(`scenario ${name}`);
    try {
      await body();
    } catch (error) {
      bench.failures.push(
        `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      bench.log(`scenario ${name} failed: ${String(error)}`);
    }
  };
  if (args.scenarios.has("grid") || args.scenarios.has("presence")) {
    await run(args.scenarios.has("grid") ? "grid" : "presence", () =>
      runGrid(bench, { grid: args.scenarios.has("grid"), presence: args.scenarios.has("presence") }),
    );
  }
  await run("saturation", () => runSaturation(bench));
  await run("room", () => runRoom(bench));
  await run("storm", () => runStorm(bench));
  await run("idle", () => runIdle(bench));
  await run("cold", () => runCold(bench));

  const minutes = (performance.now() - started) / 60_000;
  const quietNote =
    quietPolicy.notQuiet > 0
      ? `${quietPolicy.notQuiet} measurements started on a busy machine (others kept using the cores): see "others on server core %".`
      : "Every measurement started on a quiet machine.";
  const footer = [
    "### Budgets (Samla with its SQLite store on vs the reference, which stores nothing)",
    "",
    ...(args.against === "bare"
      ? ["- (not evaluated: the budgets are set against the reference, and this run measured the bare relay)"]
      : bench.budgets.length > 0
        ? bench.budgets.map(budgetLine)
        : ["- (no budget measured in this run)"]),
    "",
    bench.failures.length === 0
      ? `Every client's document converged; no server crashed. The run took ${minutes.toFixed(1)} minutes (${(quietPolicy.waitedMs / 1000).toFixed(0)} s of it waiting for a quiet machine). ${quietNote}`
      : `**The run failed:**\n${bench.failures.map((failure) => `- ${failure.split("\n")[0]}`).join("\n")}`,
  ];
  process.stdout.write(`${footer.join("\n")}\n`);
  for (const failure of bench.failures) bench.log(`FAILURE: ${failure}`);
  if (args.record && bench.failures.length === 0) {
    record(
      [...header.slice(2), "", ...bench.tables.map(markdownTable).flatMap((t) => [t, ""]), ...footer].join(
        "\n",
      ),
    );
    bench.log("results recorded in docs/performance.md");
  }
  process.exit(bench.failures.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
