import { emptyHistogram, type Histogram, observe } from "./relay/stats.ts";

/** How often the sampler looks at the clock: finer than the buckets that matter (≥ 5 ms). */
const SAMPLE_EVERY_MS = 10;

/**
 * Upper bounds (seconds) of the event-loop delay histogram. A turn of the loop that runs long
 * delays everything behind it: frames wait in their sockets unread, whatever the relay's own delay
 * says (that starts when a frame is read).
 */
export const LOOP_DELAY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * How late the event loop runs, as a cumulative histogram: a timer due every `SAMPLE_EVERY_MS`
 * observes how late it fired. A turn of 100 ms shows as one observation of ≈ 90 ms, as Node's
 * `monitorEventLoopDelay` samples it, but cumulative, so a scraper can diff two reads.
 */
export class LoopDelaySampler {
  readonly histogram: Histogram = emptyHistogram(LOOP_DELAY_BUCKETS);
  private timer: NodeJS.Timeout | null = null;
  private due = 0;

  start(): void {
    if (this.timer !== null) return;
    this.due = performance.now() + SAMPLE_EVERY_MS;
    this.timer = setTimeout(this.tick, SAMPLE_EVERY_MS).unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly tick = (): void => {
    const now = performance.now();
    observe(this.histogram, Math.max(0, now - this.due) / 1000);
    this.due = now + SAMPLE_EVERY_MS;
    this.timer = setTimeout(this.tick, SAMPLE_EVERY_MS).unref();
  };
}
