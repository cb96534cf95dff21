import type { Bench } from "./bench.ts";
import type { CpuBreakdown } from "./cpuSampling.ts";
import {
  breakdownOf,
  comparison,
  DEFERRED_NOTE,
  generatorDelayNote,
  gridScripts,
  gridTables,
  mapRows,
  openGrid,
  PER_TABLE,
  PHASE,
  PHASE_COLUMNS,
  phaseRow,
  relayDelayNote,
  SERVERS,
  sampledAlone,
  seconds,
  undelivered,
  warmUp,
} from "./grid.ts";
import { closeAll } from "./load.ts";
import { type PhaseResult, runPhase, sleep } from "./phase.ts";
import { mixSeed } from "./prng.ts";
import { type Row, summarize, withoutColumns } from "./report.ts";
import { delayQuantileBoundMs, SERVER_LABEL, type ServerKind } from "./servers.ts";

/**
 * The grid under load: a ramp finds the rate at which the reference falls behind, then both
 * servers run the grid at twice that rate.
 */

/** Keystrokes per second per client tried, in order, until the reference falls behind. */
const RAMP_RATES = [4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 64] as const;
/** A ramp step saturated the server: p99 over this, or more than 5% behind at the end of the window. */
const SATURATED_P99_MS = 250;
/** A step that falls behind while the server used less than this much of its core was starved by others. */
const STARVED_BELOW_CPU_PCT = 70;
/** --quick skips the ramp and takes this as the reference's saturation rate (keystrokes/s per client). */
const QUICK_SATURATION_RATE = 6;

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
          `${SERVER_LABEL[kind]} ramp: ${rate}/s per client → p99 ${summarize(result.latencies).p99.toFixed(0)} ms, server CPU ${cpu.toFixed(0)}%, others on its core ${result.othersOnServerCore.toFixed(0)}%, generator CPU ${((result.generatorCpu / ((result.windowMs + result.drainMs) / 1000)) * 100).toFixed(0)}% (others on its core ${result.othersOnGeneratorCore.toFixed(0)}%, its loop late by ≤ ${result.generatorLoopDelay.p99Ms.toFixed(0)} ms at p99)${result.relayDelay === null ? "" : `, own relay delay p99 ≤ ${delayQuantileBoundMs(result.relayDelay, 0.99)} ms`}${result.serverLoopDelay === null ? "" : `, own loop late p99 ≤ ${delayQuantileBoundMs(result.serverLoopDelay, 0.99)} ms`}${behind ? " BEHIND" : ""}`,
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
  const breakdowns = new Map<ServerKind, CpuBreakdown>();
  for (const kind of SERVERS) {
    await bench.withServer(kind, async (server) => {
      const grid = await openGrid(bench, server, scripts);
      await warmUp(bench, server, grid);
      bench.log(
        `${SERVER_LABEL[kind]}: grid at ${doubled} keystrokes/s per client (2× the reference's saturation)`,
      );
      const result = await sampledAlone(
        bench,
        server,
        `double-${kind}`,
        () =>
          runPhase(server, bench.settings.pinning, {
            typists: grid.typists,
            rate: doubled,
            durationMs: seconds(bench, 15, 3),
            drainTimeoutMs: seconds(bench, 90, 30),
            seed: mixSeed(bench.settings.seed, PHASE.double),
            deferApply: true,
          }),
        breakdowns,
      );
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
        DEFERRED_NOTE,
        ...relayDelayNote(results.get("samla")),
        ...generatorDelayNote(results),
      ],
    ),
  );
  breakdownOf(
    bench,
    "Where the CPU goes at 2× the reference's saturation (perf, CPU time)",
    results,
    breakdowns,
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
