import { monitorEventLoopDelay } from "node:perf_hooks";
import { emptyHistogram, type Histogram } from "./relay/stats.ts";

/**
 * Node's sampling timer runs in libuv, with no JavaScript per sample; it still wakes an idle
 * process, so not too often (20 ms: ≈ 0.3% of a core on this machine, a 10 ms JavaScript timer 1.7%).
 */
export const LOOP_DELAY_RESOLUTION_MS = 20;

/**
 * Upper bounds (seconds) of the event-loop delay histogram. A turn of the loop that runs long
 * delays everything behind it: frames wait in their sockets unread, whatever the relay's own delay
 * says (that starts when a frame is read).
 */
export const LOOP_DELAY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * How late the event loop runs (Node's `monitorEventLoopDelay`), as a cumulative histogram that a
 * scraper can diff between two reads. Node's histogram is folded into the buckets when read, by its
 * percentiles (fine-grained at the tail, where the 5 ms and larger buckets are), then reset; Node
 * does not count the first interval after a reset, so a stall that spans a read is missed.
 */
export class LoopDelaySampler {
  private readonly cumulative: Histogram = emptyHistogram(LOOP_DELAY_BUCKETS);
  private readonly monitor = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });

  start(): void {
    this.monitor.enable();
  }

  stop(): void {
    this.monitor.disable();
  }

  /** Everything sampled so far: folds in what Node sampled since the last read, and resets it. */
  read(): Histogram {
    const { monitor, cumulative } = this;
    const count = monitor.count;
    if (count > 0) {
      // Node records each interval between its timer's runs: the lateness is what exceeds the resolution.
      const points = [...monitor.percentiles].sort(([a], [b]) => a - b);
      cumulative.bounds.forEach((bound, index) => {
        const share = shareAtOrBelow(points, (bound * 1000 + LOOP_DELAY_RESOLUTION_MS) * 1e6);
        cumulative.buckets[index] = (cumulative.buckets[index] ?? 0) + Math.round(count * share);
      });
      cumulative.count += count;
      cumulative.sumSeconds += (count * Math.max(0, monitor.mean / 1e6 - LOOP_DELAY_RESOLUTION_MS)) / 1000;
      monitor.reset();
    }
    return cumulative;
  }
}

/** The share of samples at or below `ns`, from a histogram's (percentile, value) points in order. */
export function shareAtOrBelow(points: readonly (readonly [number, number])[], ns: number): number {
  let share = 0;
  for (const [percentile, value] of points) {
    if (value > ns) break;
    share = percentile / 100;
  }
  return share;
}
