import type { Bench } from "./bench.ts";
import { BenchClient, closeAll, connectAll, DocLoad, type Presence, type Typist } from "./load.ts";
import { type PhaseResult, runPhase, sleep } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { MB, num, type Row, ratioRow, summarize, type Table } from "./report.ts";
import { Script } from "./script.ts";
import { delayQuantileBoundMs, SERVER_LABEL, type ServerKind, type ServerProcess } from "./servers.ts";
import { openVenue, syncUrl } from "./venue.ts";

export const PER_TABLE = 10;

/** Tables in the grid: 40 (400 clients); --quick: 10. */
export function gridTables(bench: Bench): number {
  return bench.settings.quick ? 10 : 40;
}
/** Keystrokes per second per client at a "normal" rate: everyone at every table typing at once. */
export const NORMAL_RATE = 2;
/** Keystrokes per second per client tried, in order, until the reference falls behind. */
const RAMP_RATES = [4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64] as const;
/** A ramp step saturated the server: p99 over this, or more than 5% behind at the end of the window. */
const SATURATED_P99_MS = 250;
/** A step that falls behind while the server used less than this much of its core was starved by others. */
const STARVED_BELOW_CPU_PCT = 70;
/** --quick skips the ramp and takes this as the reference's saturation rate (keystrokes/s per client). */
const QUICK_SATURATION_RATE = 6;
const SERVERS: readonly ServerKind[] = ["samla", "reference"];

const PHASE = { warmup: 1, normal: 2, presence: 3, ramp: 4, double: 5 } as const;

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

function seconds(bench: Bench, full: number, quick: number): number {
  return (bench.settings.quick ? quick : full) * 1000;
}

async function warmUp(bench: Bench, server: ServerProcess, grid: Grid): Promise<void> {
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
    table.rows.push(withoutColumns(ratioRow("Samla / reference", samla, reference), NO_RATIO));
  return table;
}

function withoutColumns(row: Row, columns: ReadonlySet<number>): Row {
  return { label: row.label, cells: row.cells.map((cell, index) => (columns.has(index) ? "" : cell)) };
}

/** Samla's own relay delay over a phase (from its /metrics), as a sentence; empty if unknown. */
function relayDelayNote(result: PhaseResult | undefined): string[] {
  const delay = result?.relayDelay;
  if (delay === null || delay === undefined || delay.count === 0) return [];
  const index100 = delay.bounds.indexOf(0.1);
  const within100 = ((delay.cumulative[index100] ?? 0) / delay.count) * 100;
  const bound = (quantile: number) => {
    const ms = delayQuantileBoundMs(delay, quantile);
    return Number.isFinite(ms) ? `≤ ${ms} ms` : "> the largest bucket";
  };
  return [
    `Samla's own relay delay (its /metrics \`samla_relay_delay_seconds\`: an update's arrival to its relay, stored first; no network or generator in it): p50 ${bound(0.5)}, p99 ${bound(0.99)}, ${within100.toFixed(1)}% within 100 ms, over ${delay.count.toLocaleString("en")} updates.`,
  ];
}

function undelivered(result: PhaseResult): number {
  return result.expected - result.delivered + (result.presenceExpected - result.presenceDelivered);
}

function cpuPerDelivery(result: PhaseResult): number {
  return (result.serverCpuTotal * 1e6) / (result.delivered + result.presenceDelivered);
}

/** Grid at the normal rate, and presence on top of it: one session per server. */
export async function runGrid(bench: Bench, which: { grid: boolean; presence: boolean }): Promise<void> {
  const scripts = gridScripts(gridTables(bench), bench.settings.seed);
  const normal = new Map<ServerKind, PhaseResult>();
  const presence = new Map<ServerKind, PhaseResult>();
  const duration = seconds(bench, 20, 3);
  for (const kind of SERVERS) {
    await bench.withServer(kind, async (server) => {
      const grid = await openGrid(bench, server, scripts);
      await warmUp(bench, server, grid);
      if (which.grid) {
        bench.log(`${SERVER_LABEL[kind]}: grid at ${NORMAL_RATE} keystrokes/s per client`);
        normal.set(
          kind,
          await runPhase(server, bench.settings.pinning, {
            typists: grid.typists,
            rate: NORMAL_RATE,
            durationMs: duration,
            drainTimeoutMs: 30_000,
            seed: mixSeed(bench.settings.seed, PHASE.normal),
          }),
        );
      }
      if (which.presence) {
        bench.log(`${SERVER_LABEL[kind]}: grid with presence at 1 Hz`);
        presence.set(
          kind,
          await runPhase(server, bench.settings.pinning, {
            typists: grid.typists,
            rate: NORMAL_RATE,
            durationMs: duration,
            presences: grid.presences,
            drainTimeoutMs: 30_000,
            seed: mixSeed(bench.settings.seed, PHASE.presence),
          }),
        );
      }
      await closeAll(grid.clients);
      bench.converged(`${SERVER_LABEL[kind]} grid`, grid.loads);
    });
  }
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
          ...relayDelayNote(normal.get("samla")),
        ],
      ),
    );
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
      notes: [],
    };
    bench.table(table);
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

function mapRows(results: Map<ServerKind, PhaseResult>, row: (label: string, r: PhaseResult) => Row) {
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

interface RampStep {
  readonly rate: number;
  readonly result: PhaseResult;
  readonly saturated: boolean;
  /** Behind on every attempt while using less than STARVED_BELOW_CPU_PCT of its core. */
  readonly starved: boolean;
}

function cpuPct(result: PhaseResult): number {
  return (result.serverCpuWindow / (result.windowMs / 1000)) * 100;
}

/**
 * The rate per client at which the server would need one whole core, from what one keystroke
 * cost it in a step: a saturation point that does not depend on getting that core.
 */
function capacityRate(result: PhaseResult, clients: number): number {
  const cpuPerKeystroke = result.serverCpuWindow / Math.max(1, result.sent);
  return 1 / (cpuPerKeystroke * clients);
}

function saturated(result: PhaseResult): boolean {
  const behind = (result.expected - result.deliveredInWindow) / Math.max(1, result.expected);
  return (
    summarize(result.latencies).p99 > SATURATED_P99_MS || behind > 0.05 || result.delivered < result.expected
  );
}

/** Raises the rate step by step on a fresh grid until the server falls behind (or `maxRate`). */
async function ramp(bench: Bench, kind: ServerKind, maxRate: number): Promise<RampStep[]> {
  const steps: RampStep[] = [];
  await bench.withServer(kind, async (server) => {
    const grid = await openGrid(
      bench,
      server,
      gridScripts(gridTables(bench), mixSeed(bench.settings.seed, PHASE.ramp)),
    );
    await warmUp(bench, server, grid);
    for (const rate of RAMP_RATES) {
      if (rate > maxRate) break;
      let step: RampStep | null = null;
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await runPhase(server, bench.settings.pinning, {
          typists: grid.typists,
          rate,
          durationMs: seconds(bench, 3, 2),
          drainTimeoutMs: 20_000,
          seed: mixSeed(bench.settings.seed, PHASE.ramp, rate, attempt),
          deferApply: true,
        });
        const behind = saturated(result);
        const cpu = cpuPct(result);
        step = { rate, result, saturated: behind, starved: behind && cpu < STARVED_BELOW_CPU_PCT };
        bench.log(
          `${SERVER_LABEL[kind]} ramp: ${rate}/s per client → p99 ${summarize(result.latencies).p99.toFixed(0)} ms, server CPU ${cpu.toFixed(0)}%, others on its core ${result.othersOnServerCore.toFixed(0)}%, generator CPU ${((result.generatorCpu / ((result.windowMs + result.drainMs) / 1000)) * 100).toFixed(0)}% (others on its core ${result.othersOnGeneratorCore.toFixed(0)}%)${result.relayDelay === null ? "" : `, own relay delay p99 ≤ ${delayQuantileBoundMs(result.relayDelay, 0.99)} ms`}${behind ? " BEHIND" : ""}`,
        );
        // Behind with a core to spare means the server was kept off its core: try the step again.
        if (!step.starved) break;
        bench.log(`${SERVER_LABEL[kind]} ramp: behind at only ${cpu.toFixed(0)}% CPU (machine busy)`);
      }
      if (step === null) break;
      steps.push(step);
      if (step.saturated) break;
      await sleep(500);
    }
    await closeAll(grid.clients);
    // A saturated step may have been cut off by its drain timeout: only a full drain can converge.
    if (steps.every((step) => step.result.delivered === step.result.expected)) {
      bench.converged(`${SERVER_LABEL[kind]} ramp`, grid.loads);
    }
  });
  return steps;
}

/**
 * Finds the rate that saturates the reference (a ramp), then runs both servers at twice it.
 * Samla's own ramp, up to that doubled rate, is shown too (not in --quick).
 */
export async function runSaturation(bench: Bench): Promise<void> {
  const rampRows: Row[] = [];
  const rampRow = (kind: ServerKind, step: RampStep) => {
    const verdict = step.starved ? " (behind, starved)" : step.saturated ? " (saturated)" : "";
    const row = phaseRow(`${SERVER_LABEL[kind]} @ ${step.rate}/s${verdict}`, step.result);
    rampRows.push(withoutColumns(row, new Set()));
  };
  let rate = bench.settings.saturationRate ?? (bench.settings.quick ? QUICK_SATURATION_RATE : null);
  const notes: string[] = [];
  if (rate === null) {
    const steps = await ramp(bench, "reference", Number.POSITIVE_INFINITY);
    for (const step of steps) rampRow("reference", step);
    const last = steps.at(-1);
    if (last?.starved === true) {
      // Others kept the reference off its core: take the rate at which it would need all of it.
      const estimate = Math.round(capacityRate(last.result, gridTables(bench) * PER_TABLE) * 10) / 10;
      rate = estimate;
      notes.push(
        `The machine was busy: the reference fell behind at ${last.rate}/s while it got only ${cpuPct(last.result).toFixed(0)}% of its core. Its saturation rate is estimated from its CPU per keystroke in that step as the rate needing a whole core: ${estimate}/s per client.`,
      );
    } else if (last?.saturated === true) {
      rate = last.rate;
    } else {
      rate = RAMP_RATES[RAMP_RATES.length - 1] ?? 64;
      notes.push(`The reference kept up with every step; its saturation rate is taken as ${rate}/s.`);
    }
  } else if (bench.settings.saturationRate === null) {
    notes.push(`--quick: no ramp; the saturation rate is taken as ${rate}/s per client.`);
  } else {
    notes.push(`Saturation rate given on the command line: ${rate}/s per client.`);
  }
  const doubled = rate * 2;
  if (!bench.settings.quick) {
    for (const step of await ramp(bench, "samla", doubled)) rampRow("samla", step);
  }
  if (rampRows.length > 0) {
    bench.table({
      title: `Ramp: keystrokes/s per client on the grid (${gridTables(bench) * PER_TABLE} writers), until the server falls behind`,
      columns: PHASE_COLUMNS,
      rows: rampRows,
      notes: [
        `A step is saturated when p99 > ${SATURATED_P99_MS} ms, more than 5% of deliveries are still owed at the end of the window, or the backlog does not drain in 20 s, while the server used at least ${STARVED_BELOW_CPU_PCT}% of its core; behind with less, it was starved by other processes (tried 3 times).`,
        ...notes,
      ],
    });
  }
  const scripts = gridScripts(gridTables(bench), mixSeed(bench.settings.seed, PHASE.double));
  const results = new Map<ServerKind, PhaseResult>();
  for (const kind of SERVERS) {
    await bench.withServer(kind, async (server) => {
      const grid = await openGrid(bench, server, scripts);
      await warmUp(bench, server, grid);
      bench.log(
        `${SERVER_LABEL[kind]}: grid at ${doubled} keystrokes/s per client (2× the reference's saturation)`,
      );
      const result = await runPhase(server, bench.settings.pinning, {
        typists: grid.typists,
        rate: doubled,
        durationMs: seconds(bench, 15, 3),
        drainTimeoutMs: seconds(bench, 90, 30),
        seed: mixSeed(bench.settings.seed, PHASE.double),
        deferApply: true,
      });
      results.set(kind, result);
      await closeAll(grid.clients);
      if (result.delivered === result.expected)
        bench.converged(`${SERVER_LABEL[kind]} 2× saturation`, grid.loads);
      else bench.failures.push(`${SERVER_LABEL[kind]} at 2× saturation: backlog did not drain in time`);
    });
  }
  bench.table(
    comparison(
      `Grid at 2× the reference's saturation: ${doubled} keystrokes/s per client (${doubled * gridTables(bench) * PER_TABLE}/s offered)`,
      mapRows(results, phaseRow),
      [
        "Behind at end: deliveries still owed when the window closed (a server that backs up owes more and more).",
        "Latency counts every keystroke of the window, including those delivered while the backlog drained.",
        "Clients apply what they receive after the window (so the generator's core goes to sending and receiving).",
        ...relayDelayNote(results.get("samla")),
      ],
    ),
  );
  const samla = results.get("samla");
  const reference = results.get("reference");
  if (samla && reference) {
    const p99 = summarize(samla.latencies).p99;
    const refP99 = summarize(reference.latencies).p99;
    const refBehind = reference.expected - reference.deliveredInWindow;
    bench.budget({
      name: "grid at 2× the reference's saturation: Samla p99 < 100 ms while the reference backs up",
      pass: p99 < 100 && undelivered(samla) === 0 && (refP99 >= 100 || refBehind > 0.05 * reference.expected),
      detail: `Samla p99 ${p99.toFixed(1)} ms (its own relay delay p99 ${samla.relayDelay === null ? "unknown" : `≤ ${delayQuantileBoundMs(samla.relayDelay, 0.99)} ms`}), ${samla.expected - samla.deliveredInWindow} deliveries behind at the end of the window; reference p99 ${refP99.toFixed(1)} ms, ${refBehind} behind`,
    });
  }
}
