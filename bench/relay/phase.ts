import { monitorEventLoopDelay } from "node:perf_hooks";
import { collectGarbage } from "./heap.ts";
import { deferApplying, endDeferring, meter, type Presence, type Typist } from "./load.ts";
import { mixSeed, seededRng } from "./prng.ts";
import {
  coreBusySeconds,
  type DelayHistogram,
  delayDelta,
  type Pinning,
  relayMetrics,
  type ServerProcess,
} from "./servers.ts";

export interface PhasePlan {
  readonly typists: readonly Typist[];
  /** Keystrokes per second per typist (mean; each falls at a random point of its interval). */
  readonly rate: number;
  readonly durationMs: number;
  /** Clients that republish presence at 1 Hz during the phase. */
  readonly presences?: readonly Presence[];
  /** How long to wait for the backlog after the window before giving up. */
  readonly drainTimeoutMs: number;
  /** Same seed, same schedule: each server gets the same keystrokes at the same offsets. */
  readonly seed: number;
  /** Wait for a quiet machine first (default); warm-ups need not. */
  readonly quiet?: boolean;
  /**
   * Clients apply what they receive only after the phase, or catch up from the server then
   * (`deferApplying`): the generator's own work in the window is timed as the server's latency.
   */
  readonly deferApply?: boolean;
}

export interface PhaseResult {
  readonly windowMs: number;
  readonly sent: number;
  readonly expected: number;
  readonly delivered: number;
  readonly deliveredInWindow: number;
  readonly latencies: Float64Array;
  readonly presenceSent: number;
  readonly presenceExpected: number;
  readonly presenceDelivered: number;
  readonly presenceDeliveredInWindow: number;
  readonly presenceLatencies: Float64Array;
  /** Server CPU seconds during the window, and from its start until everything was delivered. */
  readonly serverCpuWindow: number;
  readonly serverCpuTotal: number;
  /** This (generator) process's CPU seconds over the same span as serverCpuTotal. */
  readonly generatorCpu: number;
  /** Time from the end of the window until the last delivery (or the drain timeout). */
  readonly drainMs: number;
  readonly rss: number;
  readonly peakRss: number;
  readonly unexpectedCloses: number;
  /**
   * CPU that other processes (and the hypervisor's steal) took during the window, in % of one
   * core: on the server's core, and on the generator's. The machine may be shared; this says
   * how much. Without pinning, both are the whole machine's.
   */
  readonly othersOnServerCore: number;
  readonly othersOnGeneratorCore: number;
  /**
   * Samla's own measure over the phase (its /metrics): each update's arrival to its relay, so
   * without the network's and the generator's share of the latency. Null for the reference.
   */
  readonly relayDelay: DelayHistogram | null;
  /**
   * How late Samla's event loop ran over the phase (its /metrics `samla_event_loop_delay_seconds`):
   * long turns, during which frames wait unread in its sockets. Null for the reference.
   */
  readonly serverLoopDelay: DelayHistogram | null;
  /** Samla's update frames to readers over the phase (one per reader per batch relayed); null for the reference. */
  readonly relayFramesOut: number | null;
  /**
   * How late this (generator) process's event loop ran during the window, p99 and max, in ms
   * (`monitorEventLoopDelay`): roughly how long a frame that reached a client's socket could wait
   * before the generator read and timed it. Merged windows keep the largest.
   */
  readonly generatorLoopDelay: { readonly p99Ms: number; readonly maxMs: number };
}

/** Measures what else ran on the cores while our processes did. */
export class Contention {
  private readonly busy0 = coreBusySeconds();
  private readonly server0: number;
  private readonly generator0 = process.cpuUsage();
  private readonly start = performance.now();

  constructor(
    private readonly server: ServerProcess,
    private readonly pinning: Pinning,
  ) {
    this.server0 = server.cpuSeconds();
  }

  /** Percent of one core taken by others since construction: [server core, generator core]. */
  read(): [number, number] {
    const seconds = (performance.now() - this.start) / 1000;
    const busy = coreBusySeconds().map((value, core) => value - (this.busy0[core] ?? 0));
    const server = this.server.cpuSeconds() - this.server0;
    const generatorUsage = process.cpuUsage(this.generator0);
    const generator = (generatorUsage.user + generatorUsage.system) / 1e6;
    const pct = (value: number) => Math.max(0, (value / seconds) * 100);
    if (!this.pinning.enabled) {
      const all = busy.reduce((sum, value) => sum + value, 0) - server - generator;
      return [pct(all), pct(all)];
    }
    return [
      pct((busy[this.pinning.serverCore] ?? 0) - server),
      pct((busy[this.pinning.generatorCore] ?? 0) - generator),
    ];
  }
}

const TICK_MS = 2;

/**
 * Open-loop load: every typist sends keystrokes on its own schedule whether or not the server
 * keeps up (a backed-up server shows as growing latency, not as a slower generator). Then waits
 * until every keystroke reached every other client of its document, or the drain timeout.
 */
export async function runPhase(
  server: ServerProcess,
  pinning: Pinning,
  plan: PhasePlan,
): Promise<PhaseResult> {
  // Keystroke k of a typist falls at a random point of the k-th interval: the mean rate is exact,
  // gaps vary from 0 to 2 intervals, and every keystroke is due within the window.
  const perTypist = Math.floor((plan.rate * plan.durationMs) / 1000);
  for (const typist of plan.typists) typist.script.ensure(typist.sent + perTypist);
  const interval = 1000 / plan.rate;
  const schedules = plan.typists.map((typist) => {
    const rng = seededRng(mixSeed(plan.seed, typist.script.clientId));
    return { typist, rng, k: 0, next: rng() * interval };
  });
  const perPresence = Math.floor(plan.durationMs / 1000);
  const presences = (plan.presences ?? []).map((presence, index) => ({
    presence,
    k: 0,
    next: (index * 7919) % 1000,
  }));

  await settle(server);
  collectGarbage();
  if (plan.quiet !== false) await awaitQuiet(server, pinning);
  if (plan.deferApply === true) deferApplying();
  const metrics0 = await relayMetrics(server);
  const cpu0 = server.cpuSeconds();
  const gen0 = process.cpuUsage();
  const contention = new Contention(server, pinning);
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const start = performance.now();
  meter.begin(start);
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const last = now - start >= plan.durationMs;
      const elapsed = last ? Number.POSITIVE_INFINITY : now - start;
      for (const schedule of schedules) {
        while (schedule.k < perTypist && schedule.next <= elapsed) {
          schedule.typist.sendNext(now);
          schedule.k++;
          schedule.next = (schedule.k + schedule.rng()) * interval;
        }
      }
      for (const entry of presences) {
        while (entry.k < perPresence && entry.next <= elapsed) {
          entry.presence.sendNext(now);
          entry.k++;
          entry.next += 1000;
        }
      }
      if (last) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
  const windowEnd = performance.now();
  loopDelay.disable();
  meter.windowEnd = windowEnd;
  const serverCpuWindow = server.cpuSeconds() - cpu0;
  const [othersOnServerCore, othersOnGeneratorCore] = contention.read();
  const deadline = windowEnd + plan.drainTimeoutMs;
  while (meter.outstanding > 0 && performance.now() < deadline) await sleep(5);
  const drained = performance.now();
  const serverCpuTotal = server.cpuSeconds() - cpu0;
  const gen = process.cpuUsage(gen0);
  meter.end();
  const memory = server.memory();
  const metrics1 = await relayMetrics(server);
  // After the server's metrics are read: catching up is the server's work, but not the phase's.
  if (plan.deferApply === true) await endDeferring();
  return {
    windowMs: windowEnd - start,
    sent: meter.sent,
    expected: meter.expected,
    delivered: meter.delivered,
    deliveredInWindow: meter.deliveredInWindow,
    latencies: meter.latencies.toFloat64Array(),
    presenceSent: meter.presenceSent,
    presenceExpected: meter.presenceExpected,
    presenceDelivered: meter.presenceDelivered,
    presenceDeliveredInWindow: meter.presenceDeliveredInWindow,
    presenceLatencies: meter.presenceLatencies.toFloat64Array(),
    serverCpuWindow,
    serverCpuTotal,
    generatorCpu: (gen.user + gen.system) / 1e6,
    drainMs: drained - windowEnd,
    rss: memory.rss,
    peakRss: memory.peak,
    unexpectedCloses: meter.unexpectedCloses,
    othersOnServerCore,
    othersOnGeneratorCore,
    relayDelay: metrics0 !== null && metrics1 !== null ? delayDelta(metrics0.delay, metrics1.delay) : null,
    relayFramesOut: metrics0 !== null && metrics1 !== null ? metrics1.framesOut - metrics0.framesOut : null,
    serverLoopDelay:
      metrics0 !== null && metrics1 !== null ? delayDelta(metrics0.loopDelay, metrics1.loopDelay) : null,
    generatorLoopDelay: { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the server has been idle for a moment (at most one clock tick of CPU in 300 ms), up to
 * `maxMs`: work left from setup (SQLite compaction, GC) is not billed to the next phase.
 */
export async function settle(server: ServerProcess, maxMs = 10_000): Promise<void> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const before = server.cpuSeconds();
    await sleep(300);
    if (server.cpuSeconds() - before <= 0.0101) return;
  }
}

/**
 * How long to wait, before each measured phase, for other processes to leave the cores alone
 * (the machine may be shared: other people's test runs show up as "others on server core").
 */
export const quietPolicy = { maxWaitMs: 10_000, totalBudgetMs: 120_000, waitedMs: 0, notQuiet: 0 };

const QUIET_SERVER_CORE_PCT = 10;
const QUIET_GENERATOR_CORE_PCT = 25;

/**
 * Waits until others use little of either core over half a second: at most `maxWaitMs` each
 * time, and `totalBudgetMs` over the whole run (a machine that never quiets down does not make
 * the run take forever; the "others" columns then say how busy it was).
 */
export async function awaitQuiet(server: ServerProcess, pinning: Pinning): Promise<void> {
  const start = performance.now();
  for (;;) {
    const contention = new Contention(server, pinning);
    await sleep(500);
    const [serverCore, generatorCore] = contention.read();
    if (serverCore <= QUIET_SERVER_CORE_PCT && generatorCore <= QUIET_GENERATOR_CORE_PCT) break;
    const waited = performance.now() - start;
    if (waited > quietPolicy.maxWaitMs || quietPolicy.waitedMs + waited > quietPolicy.totalBudgetMs) {
      quietPolicy.notQuiet++;
      break;
    }
  }
  quietPolicy.waitedMs += performance.now() - start;
}

/**
 * One result from several windows of the same server (the interleaved rounds of a phase): counts,
 * CPU and time add up, latencies are pooled, memory is the last window's (peak: the highest), and
 * the machine's other load is averaged over the windows' time.
 */
export function mergeResults(parts: readonly PhaseResult[]): PhaseResult {
  const [first, ...rest] = parts;
  if (first === undefined) throw new Error("no windows to merge");
  if (rest.length === 0) return first;
  const sum = (pick: (result: PhaseResult) => number) => parts.reduce((total, r) => total + pick(r), 0);
  const pooled = (pick: (result: PhaseResult) => Float64Array) => {
    const out = new Float64Array(sum((r) => pick(r).length));
    let at = 0;
    for (const r of parts) {
      out.set(pick(r), at);
      at += pick(r).length;
    }
    return out;
  };
  const windowMs = sum((r) => r.windowMs);
  const last = parts[parts.length - 1] ?? first;
  return {
    windowMs,
    sent: sum((r) => r.sent),
    expected: sum((r) => r.expected),
    delivered: sum((r) => r.delivered),
    deliveredInWindow: sum((r) => r.deliveredInWindow),
    latencies: pooled((r) => r.latencies),
    presenceSent: sum((r) => r.presenceSent),
    presenceExpected: sum((r) => r.presenceExpected),
    presenceDelivered: sum((r) => r.presenceDelivered),
    presenceDeliveredInWindow: sum((r) => r.presenceDeliveredInWindow),
    presenceLatencies: pooled((r) => r.presenceLatencies),
    serverCpuWindow: sum((r) => r.serverCpuWindow),
    serverCpuTotal: sum((r) => r.serverCpuTotal),
    generatorCpu: sum((r) => r.generatorCpu),
    drainMs: sum((r) => r.drainMs),
    rss: last.rss,
    peakRss: Math.max(...parts.map((r) => r.peakRss)),
    unexpectedCloses: sum((r) => r.unexpectedCloses),
    othersOnServerCore: sum((r) => r.othersOnServerCore * r.windowMs) / windowMs,
    othersOnGeneratorCore: sum((r) => r.othersOnGeneratorCore * r.windowMs) / windowMs,
    relayDelay: mergeDelays(parts.map((r) => r.relayDelay)),
    serverLoopDelay: mergeDelays(parts.map((r) => r.serverLoopDelay)),
    relayFramesOut: parts.some((r) => r.relayFramesOut === null) ? null : sum((r) => r.relayFramesOut ?? 0),
    generatorLoopDelay: {
      p99Ms: Math.max(...parts.map((r) => r.generatorLoopDelay.p99Ms)),
      maxMs: Math.max(...parts.map((r) => r.generatorLoopDelay.maxMs)),
    },
  };
}

function mergeDelays(parts: readonly (DelayHistogram | null)[]): DelayHistogram | null {
  let merged: DelayHistogram | null = null;
  for (const part of parts) {
    if (part === null) return null;
    merged =
      merged === null
        ? part
        : {
            bounds: part.bounds,
            cumulative: part.cumulative.map((value, index) => value + (merged?.cumulative[index] ?? 0)),
            count: part.count + merged.count,
          };
  }
  return merged;
}
