import { describe, expect, it } from "vitest";
import { DEFAULT_JOIN_LIMITS, JoinLimiter, TokenBuckets } from "../../server/http/rateLimit.ts";

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

describe("TokenBuckets", () => {
  const cases: { name: string; capacity: number; perSecond: number; steps: [number, boolean][] }[] = [
    {
      name: "a burst up to capacity, then refused",
      capacity: 3,
      perSecond: 1,
      steps: [
        [0, true],
        [0, true],
        [0, true],
        [0, false],
      ],
    },
    {
      name: "refills at its rate",
      capacity: 2,
      perSecond: 1,
      steps: [
        [0, true],
        [0, true],
        [0, false],
        [999, false],
        [1, true],
        [0, false],
      ],
    },
    {
      name: "never holds more than capacity after a long idle",
      capacity: 2,
      perSecond: 10,
      steps: [
        [0, true],
        [3_600_000, true],
        [0, true],
        [0, false],
      ],
    },
    {
      name: "a slow rate",
      capacity: 1,
      perSecond: 0.2,
      steps: [
        [0, true],
        [4_999, false],
        [1, true],
      ],
    },
  ];
  it.each(cases)("$name", ({ capacity, perSecond, steps }) => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ capacity, refillPerSecond: perSecond, maxKeys: 10 }, clock.now);
    for (const [advance, expected] of steps) {
      clock.advance(advance);
      expect(buckets.take("1.2.3.4")).toBe(expected);
    }
  });

  it("keeps keys apart", () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 1, maxKeys: 10 }, clock.now);
    expect(buckets.take("a")).toBe(true);
    expect(buckets.take("a")).toBe(false);
    expect(buckets.take("b")).toBe(true);
  });

  it("says when to retry", () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ capacity: 1, refillPerSecond: 0.2, maxKeys: 10 }, clock.now);
    expect(buckets.retryAfterSeconds("a")).toBe(0);
    buckets.take("a");
    expect(buckets.retryAfterSeconds("a")).toBe(5);
    clock.advance(2_500);
    expect(buckets.retryAfterSeconds("a")).toBe(3);
  });

  it("stays bounded: idle buckets go first, then the least recently used", () => {
    const clock = fakeClock();
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 1, maxKeys: 100 }, clock.now);
    for (let i = 0; i < 10_000; i++) {
      buckets.take(`10.0.${i >> 8}.${i & 255}`);
      expect(buckets.size).toBeLessThanOrEqual(100);
    }
    // A key still draining survives eviction of idle ones.
    buckets.take("busy");
    buckets.take("busy");
    clock.advance(5_000);
    for (let i = 0; i < 50; i++) buckets.take(`idle-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
    expect(buckets.available("busy")).toBe(2);
  });
});

describe("JoinLimiter", () => {
  it("lets 40 tablets behind one NAT join at 09:00 with the right codes, several times over", () => {
    const clock = fakeClock();
    const limiter = new JoinLimiter(DEFAULT_JOIN_LIMITS, clock.now);
    for (let i = 0; i < 40; i++) expect(limiter.attempt("venue").allowed).toBe(true);
    // The morning's stragglers and reloads, a few a minute.
    for (let minute = 0; minute < 60; minute++) {
      clock.advance(60_000);
      for (let i = 0; i < 40; i++) expect(limiter.attempt("venue").allowed).toBe(true);
    }
  });

  it("tolerates a venue's typos", () => {
    const clock = fakeClock();
    const limiter = new JoinLimiter(DEFAULT_JOIN_LIMITS, clock.now);
    for (let i = 0; i < 40; i++) {
      expect(limiter.attempt("venue").allowed).toBe(true);
      if (i % 3 === 0) limiter.failed("venue"); // 14 typos among 40 tablets
    }
  });

  it("stops guessing after 20 failures, then allows one per 5 seconds", () => {
    const clock = fakeClock();
    const limiter = new JoinLimiter(DEFAULT_JOIN_LIMITS, clock.now);
    for (let i = 0; i < 20; i++) {
      expect(limiter.attempt("guesser").allowed).toBe(true);
      limiter.failed("guesser");
    }
    expect(limiter.attempt("guesser")).toEqual({ allowed: false, retryAfterSeconds: 5 });
    clock.advance(5_000);
    expect(limiter.attempt("guesser").allowed).toBe(true);
    limiter.failed("guesser");
    expect(limiter.attempt("guesser").allowed).toBe(false);
    // Guessing for an hour yields at most 20 + 3600/5 tries.
    let tries = 0;
    for (let second = 0; second < 3600; second++) {
      clock.advance(1_000);
      if (limiter.attempt("guesser").allowed) {
        tries++;
        limiter.failed("guesser");
      }
    }
    expect(tries).toBeLessThanOrEqual(720);
    // Another address is not affected.
    expect(limiter.attempt("venue").allowed).toBe(true);
  });

  it("caps all attempts at a burst of 60 and 1 a second", () => {
    const clock = fakeClock();
    const limiter = new JoinLimiter(DEFAULT_JOIN_LIMITS, clock.now);
    for (let i = 0; i < 60; i++) expect(limiter.attempt("a").allowed).toBe(true);
    expect(limiter.attempt("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1_000);
    expect(limiter.attempt("a").allowed).toBe(true);
    expect(limiter.attempt("a").allowed).toBe(false);
  });
});
