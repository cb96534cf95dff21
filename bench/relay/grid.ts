import path from "node:path";
import { LOOP_DELAY_RESOLUTION_MS } from "../../server/loopDelay.ts";
import type { Bench } from "./bench.ts";
import {
  breakdownTable,
  type CpuBreakdown,
  CpuRecording,
  perfAvailable,
  readBreakdown,
} from "./cpuSampling.ts";
import { BenchClient, closeAll, connectAll, DocLoad, type Presence, type Typist } from "./load.ts";
import { mergeResults, type PhasePlan, type PhaseResult, runPhase, sleep } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { MB, num, type Row, ratioRow, summarize, type Table, withoutColumns } from "./report.ts";
import { Script } from "./script.ts";
import {
  type DelayHistogram,
  delayQuantileBoundMs,
  SERVER_LABEL,
  type ServerKind,
  type ServerProcess,
} from "./servers.ts";
import { openVenue, syncUrl } from "./venue.ts";

export const PER_TABLE = 10;

/** Tables in the grid: 40 (400 clients); --quick: 10. */
export function gridTables(bench: Bench): number {
  return bench.settings.quick ? 10 : 40;
}
/** Keystrokes per second per client at a "normal" rate: everyone at every table typing at once. */
export const NORMAL_RATE = 2;
export const SERVERS: readonly ServerKind[] = ["samla", "reference"];

export const PHASE = { warmup: 1, normal: 2, presence: 3, ramp: 4, double: 5 } as const;

export interface Grid {
  readonly loads: DocLoad[];
  readonly typists: Typist[];
  readonly presences: Presence[];
  readonly clients: BenchClient[];
}

export function gridScripts(tables: number, seed: number): Script[][] {
  return Array.from({ length: tables }, (_, table) =>
    Array.from(
      { length: PER_TABLE },
      (_, client) => new Script(100_000 + table * 100 + client, "notes", seed),
    ),
  );
}

/**
 * One workshop of 40 tables with 10 clients each, every client a writer on its table's document
 * with a table token; each creates its note before the measured phases.
 */
export async function openGrid(bench: Bench, server: ServerProcess, scripts: Script[][]): Promise<Grid> {
  const venue = await openVenue(server, scripts.length);
  const grid: Grid = { loads: [], typists: [], presences: [], clients: [] };
  scripts.forEach((tableScripts, table) => {
    const load = new DocLoad(venue.tableDoc(table), "notes");
    grid.loads.push(load);
    tableScripts.forEach((script, index) => {
      const client = new BenchClient({
        url: syncUrl(server, load.name, venue.tableToken(table)),
        load,
        clientId: script.clientId,
      });
      grid.clients.push(client);
      grid.typists.push(load.addTypist(script, client));
      grid.presences.push(load.addPresence(client, `Table ${table + 1} · ${index + 1}`));
    });
  });
  await connectAll(grid.clients, 50);
  const now = performance.now();
  for (const typist of grid.typists) typist.sendNext(now);
  await waitUntil(
    () => grid.clients.every((client) => noteCount(client) === PER_TABLE),
    30_000,
    "every client sees its table's notes",
  );
  bench.log(
    `${SERVER_LABEL[server.kind]}: ${grid.clients.length} clients on ${grid.loads.length} tables ready`,
  );
  return grid;
}

function noteCount(client: BenchClient): number {
  client.flush();
  return client.doc?.getMap("notes").size ?? 0;
}

export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

export function seconds(bench: Bench, full: number, quick: number): number {
  return (bench.settings.quick ? quick : full) * 1000;
}

export async function warmUp(bench: Bench, server: ServerProcess, grid: Grid): Promise<void> {
  await runPhase(server, bench.settings.pinning, {
    typists: grid.typists,
    rate: NORMAL_RATE,
    durationMs: seconds(bench, 3, 0.5),
    drainTimeoutMs: 10_000,
    seed: mixSeed(bench.settings.seed, PHASE.warmup),
    quiet: false,
  });
}

export const PHASE_COLUMNS = [
  "updates in/s",
  "deliveries/s",
  "server CPU %",
  "CPU µs/delivery",
  "p50 ms",
  "p99 ms",
  "max ms",
  "behind at end",
  "RSS MB",
  "generator CPU %",
  "others on server core %",
  "others on generator core %",
] as const;

/** The columns a ratio makes no sense for (the load generator's and the machine's numbers). */
const NO_RATIO = new Set([
  PHASE_COLUMNS.indexOf("generator CPU %"),
  PHASE_COLUMNS.indexOf("others on server core %"),
  PHASE_COLUMNS.indexOf("others on generator core %"),
]);

export function phaseRow(label: string, result: PhaseResult): Row {
  const window = result.windowMs / 1000;
  const latency = summarize(result.latencies);
  const deliveries = result.delivered + result.presenceDelivered;
  return {
    label,
    cells: [
      num(result.sent / window),
      num(result.deliveredInWindow / window),
      num((result.serverCpuWindow / window) * 100),
      num((result.serverCpuTotal * 1e6) / deliveries, 1),
      num(latency.p50, 1),
      num(latency.p99, 1),
      num(latency.max, 1),
      num(result.expected - result.deliveredInWindow),
      num(result.rss / MB),
      num((result.generatorCpu / ((result.windowMs + result.drainMs) / 1000)) * 100),
      num(result.othersOnServerCore),
      num(result.othersOnGeneratorCore),
    ],
  };
}

function presenceRow(label: string, result: PhaseResult): Row {
  const window = result.windowMs / 1000;
  const latency = summarize(result.presenceLatencies);
  return {
    label,
    cells: [
      num(result.presenceSent / window),
      num(result.presenceDeliveredInWindow / window),
      num(latency.p50, 1),
      num(latency.p99, 1),
      num(latency.max, 1),
      num(result.presenceExpected - result.presenceDelivered),
    ],
  };
}

export function comparison(title: string, rows: Map<ServerKind, Row>, notes: string[]): Table {
  const samla = rows.get("samla");
  const reference = rows.get("reference");
  const table: Table = { title, columns: PHASE_COLUMNS, rows: [], notes };
  if (samla) table.rows.push(samla);
  if (reference) table.rows.push(reference);
  if (samla && reference)
    table.rows.push(
      withoutColumns(ratioRow(`Samla / ${SERVER_LABEL.reference}`, samla, reference), NO_RATIO),
    );
  return table;
}

/** A histogram's bound for a quantile, as text: "≤ 25 ms", or past its largest bucket. */
function quantileBound(histogram: DelayHistogram, quantile: number): string {
  const ms = delayQuantileBoundMs(histogram, quantile);
  return Number.isFinite(ms) ? `≤ ${ms} ms` : "> the largest bucket";
}

/** Samla's own relay delay over a phase (from its /metrics), as a sentence; empty if unknown. */
export function relayDelayNote(result: PhaseResult | undefined): string[] {
  const delay = result?.relayDelay;
  if (delay === null || delay === undefined || delay.count === 0) return [];
  const index100 = delay.bounds.indexOf(0.1);
  const within100 = ((delay.cumulative[index100] ?? 0) / delay.count) * 100;
  const bound = (quantile: number) => quantileBound(delay, quantile);
  const loop = result?.serverLoopDelay;
  return [
    `Samla's own relay delay (its /metrics \`samla_relay_delay_seconds\`: an update's arrival to its relay, stored first; no network or generator in it): p50 ${bound(0.5)}, p99 ${bound(0.99)}, ${within100.toFixed(1)}% within 100 ms, over ${delay.count.toLocaleString("en")} updates.`,
    ...(loop == null || loop.count === 0
      ? []
      : [
          `Samla's event loop ran late (\`samla_event_loop_delay_seconds\`, sampled every ${LOOP_DELAY_RESOLUTION_MS} ms by Node's \`monitorEventLoopDelay\`; a frame can wait unread in a socket about that long, before the relay delay starts): p50 ${quantileBound(loop, 0.5)}, p99 ${quantileBound(loop, 0.99)}, p99.9 ${quantileBound(loop, 0.999)}, over ${loop.count.toLocaleString("en")} samples.`,
        ]),
    ...(result?.relayFramesOut == null || result.delivered === 0
      ? []
      : [
          `Samla sent ${result.relayFramesOut.toLocaleString("en")} update frames to readers for ${result.delivered.toLocaleString("en")} deliveries: ${(result.relayFramesOut / result.delivered).toFixed(2)} frames per delivery (a batch merges what arrived together).`,
        ]),
  ];
}

/** How the clients of a phase with `deferApply` treat what they receive, for its table's notes. */
export const DEFERRED_NOTE =
  "Clients count what they receive in the window and apply it after (only each document's last client keeps it; the others catch up from the server), so that the generator's own work is not timed as the server's.";

/**
 * The generator times a frame when its event loop reads it, on its one core, so a late loop adds
 * to the latency it measures. For interleaved phases, the worst window's figures.
 */
export function generatorDelayNote(results: ReadonlyMap<ServerKind, PhaseResult>): string[] {
  const parts = [...results].map(
    ([kind, r]) =>
      `${SERVER_LABEL[kind]}'s window p99 ${r.generatorLoopDelay.p99Ms.toFixed(1)} ms, max ${r.generatorLoopDelay.maxMs.toFixed(1)} ms`,
  );
  if (parts.length === 0) return [];
  return [
    `The generator's own event loop ran late (\`monitorEventLoopDelay\`): ${parts.join("; ")}. A frame that reached a client's socket could wait about that long before the generator read and timed it, so the latency columns include the generator's delay as well as the server's.`,
  ];
}

export function undelivered(result: PhaseResult): number {
  return result.expected - result.delivered + (result.presenceExpected - result.presenceDelivered);
}

function cpuPerDelivery(result: PhaseResult): number {
  return (result.serverCpuTotal * 1e6) / (result.delivered + result.presenceDelivered);
}

/** Windows per server in an interleaved phase (each a share of the phase's duration). */
export function interleavedRounds(bench: Bench): number {
  return bench.settings.quick ? 2 : 4;
}

interface Session {
  readonly server: ServerProcess;
  readonly grid: Grid;
}

/**
 * One phase on both servers, in alternating windows (Samla, reference, reference, Samla, ...) with
 * the same keystrokes per round: this machine's CPU time per unit of work drifts by more than the
 * budgets' margins over minutes, and windows taken in turns see the same drift.
 */
async function interleaved(
  bench: Bench,
  sessions: readonly Session[],
  phase: number,
  plan: (grid: Grid) => Omit<PhasePlan, "durationMs" | "seed">,
): Promise<Map<ServerKind, PhaseResult>> {
  const rounds = interleavedRounds(bench);
  const windowMs = seconds(bench, 20, 3) / rounds;
  const parts = new Map<ServerKind, PhaseResult[]>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sessions : [...sessions].reverse();
    for (const { server, grid } of order) {
      const result = await runPhase(server, bench.settings.pinning, {
        ...plan(grid),
        durationMs: windowMs,
        seed: mixSeed(bench.settings.seed, phase, round),
      });
      parts.set(server.kind, [...(parts.get(server.kind) ?? []), result]);
    }
  }
  const merged = new Map<ServerKind, PhaseResult>();
  for (const [kind, results] of parts) merged.set(kind, mergeResults(results));
  return merged;
}

/**
 * Runs an interleaved phase, sampling every server's CPU time with Linux perf when asked to
 * (`--perf DIR`; see cpuSampling.ts): the breakdowns, by server, or null.
 */
export async function sampled<T>(
  bench: Bench,
  sessions: readonly { readonly server: ServerProcess }[],
  name: string,
  phase: () => Promise<T>,
): Promise<{ readonly result: T; readonly breakdowns: Map<ServerKind, CpuBreakdown> | null }> {
  const dir = bench.settings.perfDir;
  if (dir === null) return { result: await phase(), breakdowns: null };
  if (!perfAvailable()) {
    bench.log("perf not found (Debian: apt-get install linux-perf): no CPU breakdown");
    return { result: await phase(), breakdowns: null };
  }
  const recordings = sessions.map(
    ({ server }) =>
      [server.kind, new CpuRecording(server.pid, path.join(dir, `${name}-${server.kind}.data`))] as const,
  );
  let result: T;
  try {
    result = await phase();
  } finally {
    await Promise.all(recordings.map(([, recording]) => recording.stop()));
  }
  const breakdowns = new Map<ServerKind, CpuBreakdown>();
  for (const [kind, recording] of recordings) breakdowns.set(kind, await readBreakdown(recording.file));
  return { result, breakdowns };
}

/** The perf breakdown of a phase as a table, if it was sampled. */
export function breakdownOf(
  bench: Bench,
  title: string,
  results: ReadonlyMap<ServerKind, PhaseResult>,
  breakdowns: ReadonlyMap<ServerKind, CpuBreakdown> | null,
): void {
  if (breakdowns === null) return;
  const servers = SERVERS.flatMap((kind) => {
    const breakdown = breakdowns.get(kind);
    const result = results.get(kind);
    if (breakdown === undefined || result === undefined) return [];
    return [{ label: SERVER_LABEL[kind], breakdown, cpuPerDeliveryUs: cpuPerDelivery(result) }];
  });
  // Nothing sampled (no --perf, or no perf here): no table, rather than an empty one.
  if (servers.length === 0) return;
  bench.table(breakdownTable(title, servers));
}

/**
 * One server's phase run alone, sampled as `sampled` does: its result, and its breakdown (if it
 * was sampled) added to `into`.
 */
export async function sampledAlone<T>(
  bench: Bench,
  server: ServerProcess,
  name: string,
  phase: () => Promise<T>,
  into: Map<ServerKind, CpuBreakdown>,
): Promise<T> {
  const { result, breakdowns } = await sampled(bench, [{ server }], name, phase);
  const breakdown = breakdowns?.get(server.kind);
  if (breakdown !== undefined) into.set(server.kind, breakdown);
  return result;
}

/** Runs `body` with a fresh process of every server at once. */
async function withServers(
  bench: Bench,
  kinds: readonly ServerKind[],
  body: (servers: ServerProcess[]) => Promise<void>,
  started: ServerProcess[] = [],
): Promise<void> {
  const [kind, ...rest] = kinds;
  if (kind === undefined) return body(started);
  await bench.withServer(kind, (server) => withServers(bench, rest, body, [...started, server]));
}

/** Grid at the normal rate, and presence on top of it: both servers up, their windows interleaved. */
export async function runGrid(bench: Bench, which: { grid: boolean; presence: boolean }): Promise<void> {
  const scripts = gridScripts(gridTables(bench), bench.settings.seed);
  let normal = new Map<ServerKind, PhaseResult>();
  let presence = new Map<ServerKind, PhaseResult>();
  let normalCpu: Map<ServerKind, CpuBreakdown> | null = null;
  let presenceCpu: Map<ServerKind, CpuBreakdown> | null = null;
  await withServers(bench, SERVERS, async (servers) => {
    const sessions: Session[] = [];
    for (const server of servers) {
      const grid = await openGrid(bench, server, scripts);
      await warmUp(bench, server, grid);
      sessions.push({ server, grid });
    }
    const rounds = interleavedRounds(bench);
    if (which.grid) {
      bench.log(`grid at ${NORMAL_RATE} keystrokes/s per client, ${rounds} windows per server in turns`);
      ({ result: normal, breakdowns: normalCpu } = await sampled(bench, sessions, "grid", () =>
        interleaved(bench, sessions, PHASE.normal, (grid) => ({
          typists: grid.typists,
          rate: NORMAL_RATE,
          drainTimeoutMs: 30_000,
          deferApply: true,
        })),
      ));
    }
    if (which.presence) {
      bench.log(`grid with presence at 1 Hz, ${rounds} windows per server in turns`);
      ({ result: presence, breakdowns: presenceCpu } = await sampled(bench, sessions, "presence", () =>
        interleaved(bench, sessions, PHASE.presence, (grid) => ({
          typists: grid.typists,
          rate: NORMAL_RATE,
          presences: grid.presences,
          drainTimeoutMs: 30_000,
          deferApply: true,
        })),
      ));
    }
    for (const { server, grid } of sessions) {
      await closeAll(grid.clients);
      bench.converged(`${SERVER_LABEL[server.kind]} grid`, grid.loads);
    }
  });
  const tables = gridTables(bench);
  const clients = tables * PER_TABLE;
  if (which.grid) {
    bench.table(
      comparison(
        `Workshop grid, normal rate: ${tables} tables × ${PER_TABLE} clients, each typing ${NORMAL_RATE} keystrokes/s`,
        mapRows(normal, phaseRow),
        [
          `${clients} writers; a delivery is one keystroke reaching one other client of its table (${PER_TABLE - 1} per keystroke).`,
          "CPU µs/delivery: server CPU from the window's start until the last delivery, over deliveries.",
          DEFERRED_NOTE,
          ...relayDelayNote(normal.get("samla")),
          ...generatorDelayNote(normal),
        ],
      ),
    );
    breakdownOf(bench, "Where the grid's CPU goes (perf, CPU time)", normal, normalCpu);
    budgetGridNormal(bench, normal);
  }
  if (which.presence) {
    bench.table(
      comparison(
        `Presence: the grid plus every client publishing awareness at 1 Hz`,
        mapRows(presence, phaseRow),
        [
          "Deliveries/s counts keystrokes; CPU µs/delivery divides by keystroke and presence deliveries together.",
          "Latency columns are keystrokes'; presence latency is in the next table.",
        ],
      ),
    );
    const rows = mapRows(presence, presenceRow);
    const table: Table = {
      title: "Presence messages in the same phase",
      columns: ["presence in/s", "presence deliveries/s", "p50 ms", "p99 ms", "max ms", "undelivered"],
      rows: [...rows.values()],
      notes: presenceIncrementNotes(normal, presence),
    };
    bench.table(table);
    breakdownOf(bench, "Where the presence phase's CPU goes (perf, CPU time)", presence, presenceCpu);
    const samla = presence.get("samla");
    const reference = presence.get("reference");
    if (samla && reference) {
      const ratio = cpuPerDelivery(samla) / cpuPerDelivery(reference);
      bench.budget({
        name: "presence: CPU ≤ 0.7× the reference",
        pass: ratio <= 0.7 && undelivered(samla) === 0,
        detail: `${ratio.toFixed(2)}× (Samla ${cpuPerDelivery(samla).toFixed(1)} µs vs reference ${cpuPerDelivery(reference).toFixed(1)} µs of server CPU per delivered keystroke or presence update)`,
      });
    }
  }
}

/**
 * What presence itself costs, from the two phases of one session: the CPU this phase took beyond
 * the grid phase's at the same keystroke rate, per presence delivery. A difference of two
 * measurements, so noisier than either; it needs both phases (not `--scenario presence` alone).
 */
function presenceIncrementNotes(
  normal: ReadonlyMap<ServerKind, PhaseResult>,
  presence: ReadonlyMap<ServerKind, PhaseResult>,
): string[] {
  const increment = (kind: ServerKind): number | null => {
    const grid = normal.get(kind);
    const both = presence.get(kind);
    if (grid === undefined || both === undefined || both.presenceDelivered === 0) return null;
    const extra = both.serverCpuTotal - (grid.serverCpuTotal * both.delivered) / Math.max(1, grid.delivered);
    return (extra * 1e6) / both.presenceDelivered;
  };
  const samla = increment("samla");
  const reference = increment("reference");
  if (samla === null || reference === null) return [];
  return [
    `Presence's own cost (this phase's server CPU beyond the grid phase's for as many keystrokes, per presence delivery): Samla ${samla.toFixed(1)} µs, ${SERVER_LABEL.reference} ${reference.toFixed(1)} µs (${(samla / reference).toFixed(2)}×). A difference of two measurements: noisier than either.`,
  ];
}

export function mapRows(results: Map<ServerKind, PhaseResult>, row: (label: string, r: PhaseResult) => Row) {
  const rows = new Map<ServerKind, Row>();
  for (const [kind, result] of results) rows.set(kind, row(SERVER_LABEL[kind], result));
  return rows;
}

function budgetGridNormal(bench: Bench, normal: Map<ServerKind, PhaseResult>): void {
  const samla = normal.get("samla");
  const reference = normal.get("reference");
  if (!samla || !reference) return;
  const ratio = cpuPerDelivery(samla) / cpuPerDelivery(reference);
  bench.budget({
    name: "grid at normal rate: CPU per delivered update ≤ 0.8× the reference",
    pass: ratio <= 0.8 && undelivered(samla) === 0,
    detail: `${ratio.toFixed(2)}× (Samla ${cpuPerDelivery(samla).toFixed(1)} µs vs reference ${cpuPerDelivery(reference).toFixed(1)} µs)`,
  });
  const p99 = summarize(samla.latencies).p99;
  const refP99 = summarize(reference.latencies).p99;
  bench.budget({
    name: "grid at normal rate: p99 ≤ the reference",
    pass: p99 <= refP99,
    detail: `Samla ${p99.toFixed(1)} ms vs reference ${refP99.toFixed(1)} ms (${(p99 / refP99).toFixed(2)}×)`,
  });
}
