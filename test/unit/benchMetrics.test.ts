import { describe, expect, it } from "vitest";
import { delayDelta, delayQuantileBoundMs, histogramOf } from "../../bench/relay/servers.ts";
import { shareAtOrBelow } from "../../server/loopDelay.ts";

/** /metrics text as Samla renders a histogram: cumulative buckets, +Inf, sum and count. */
const METRICS = [
  "# TYPE samla_relay_delay_seconds histogram",
  'samla_relay_delay_seconds_bucket{le="0.001"} 10',
  'samla_relay_delay_seconds_bucket{le="0.01"} 90',
  'samla_relay_delay_seconds_bucket{le="0.1"} 99',
  'samla_relay_delay_seconds_bucket{le="+Inf"} 100',
  "samla_relay_delay_seconds_sum 1.5",
  "samla_relay_delay_seconds_count 100",
  'samla_event_loop_delay_seconds_bucket{le="0.005"} 7',
  'samla_event_loop_delay_seconds_bucket{le="+Inf"} 8',
  "samla_event_loop_delay_seconds_count 8",
].join("\n");

describe("the bench's reading of Samla's /metrics histograms", () => {
  it.each([
    ["samla_relay_delay_seconds", { bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 99], count: 100 }],
    ["samla_event_loop_delay_seconds", { bounds: [0.005], cumulative: [7], count: 8 }],
    // A prefix of another histogram's name is not that histogram.
    ["samla_relay_delay", null],
    ["samla_store_write_seconds", null],
  ])("reads %s", (name, expected) => {
    expect(histogramOf(METRICS, name)).toEqual(expected);
  });

  const histogram = { bounds: [0.001, 0.01, 0.1], cumulative: [10, 90, 99], count: 100 };
  it.each([
    [0.05, 1],
    [0.1, 1],
    [0.5, 10],
    [0.9, 10],
    [0.99, 100],
    // Past the largest bound: only +Inf holds it.
    [0.999, Number.POSITIVE_INFINITY],
  ])("bounds quantile %s at %s ms", (quantile, ms) => {
    expect(delayQuantileBoundMs(histogram, quantile)).toBe(ms);
  });

  it("subtracts an earlier read, bucket by bucket", () => {
    const before = { bounds: [0.001, 0.01, 0.1], cumulative: [4, 40, 45], count: 50 };
    expect(delayDelta(before, histogram)).toEqual({
      bounds: [0.001, 0.01, 0.1],
      cumulative: [6, 50, 54],
      count: 50,
    });
  });
});

describe("shareAtOrBelow (folding Node's event-loop delay histogram into buckets)", () => {
  const points: [number, number][] = [
    [0, 10e6],
    [50, 20e6],
    [75, 21e6],
    [87.5, 40e6],
    [100, 170e6],
  ];
  it.each([
    [5e6, 0],
    [10e6, 0],
    [20e6, 0.5],
    [25e6, 0.75],
    [45e6, 0.875],
    [120e6, 0.875],
    [170e6, 1],
    [1e12, 1],
  ])("at or below %d ns: %d", (ns, share) => {
    expect(shareAtOrBelow(points, ns)).toBe(share);
  });
});
