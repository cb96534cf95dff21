/** Milliseconds since some epoch; injectable so tests can move time by hand. */
export type Clock = () => number;

export interface BucketOptions {
  /** Tokens a fresh (or long idle) key holds: the burst it may spend at once. */
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Keys kept at most; idle (full) buckets go first, then the least recently used. */
  readonly maxKeys: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per key (a client IP). A key missing from the map is a full bucket, so
 * dropping full buckets loses nothing: memory is bounded by the keys that spent recently.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: BucketOptions,
    private readonly now: Clock = Date.now,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Tokens the key holds now. */
  available(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket === undefined ? this.options.capacity : this.refilled(bucket, this.now());
  }

  /** Seconds until the key holds a whole token again (0 if it holds one). */
  retryAfterSeconds(key: string): number {
    const missing = 1 - this.available(key);
    return missing <= 0 ? 0 : Math.ceil(missing / this.options.refillPerSecond);
  }

  /** Spends one token if there is one; false (nothing spent) if not. */
  take(key: string): boolean {
    const now = this.now();
    const existing = this.buckets.get(key);
    const tokens = existing === undefined ? this.options.capacity : this.refilled(existing, now);
    if (tokens < 1) return false;
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens - 1, updatedAt: now });
    if (this.buckets.size > this.options.maxKeys) this.evict(now);
    return true;
  }

  private refilled(bucket: Bucket, now: number): number {
    const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
    return Math.min(this.options.capacity, bucket.tokens + elapsed * this.options.refillPerSecond);
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.options.capacity) this.buckets.delete(key);
    }
    // Down to 90%, so a flood of new addresses pays for a full sweep only once in a while.
    const target = Math.floor(this.options.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }
}

export type JoinVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface JoinLimitOptions {
  readonly attempts: BucketOptions;
  readonly failures: BucketOptions;
}

/**
 * A venue joins from one NAT address: 40 tablets at 09:00 with the right codes spend only the
 * generous attempts bucket. Guessing is what fails, so wrong codes also drain a small failures
 * bucket; once it is empty the address is refused until it refills, before the code is looked up
 * (answering would tell a guesser which codes exist).
 */
export const DEFAULT_JOIN_LIMITS: JoinLimitOptions = {
  attempts: { capacity: 60, refillPerSecond: 1, maxKeys: 10_000 },
  failures: { capacity: 20, refillPerSecond: 0.2, maxKeys: 10_000 },
};

export class JoinLimiter {
  private readonly attempts: TokenBuckets;
  private readonly failures: TokenBuckets;

  constructor(options: JoinLimitOptions = DEFAULT_JOIN_LIMITS, now: Clock = Date.now) {
    this.attempts = new TokenBuckets(options.attempts, now);
    this.failures = new TokenBuckets(options.failures, now);
  }

  /** Call before looking the code up; an allowed attempt has spent one attempt token. */
  attempt(client: string): JoinVerdict {
    if (this.failures.available(client) < 1) {
      return { allowed: false, retryAfterSeconds: this.failures.retryAfterSeconds(client) };
    }
    if (!this.attempts.take(client)) {
      return { allowed: false, retryAfterSeconds: this.attempts.retryAfterSeconds(client) };
    }
    return { allowed: true };
  }

  /** Call when the code was wrong. */
  failed(client: string): void {
    this.failures.take(client);
  }

  /** Keys held, for tests of the memory bound. */
  get size(): number {
    return Math.max(this.attempts.size, this.failures.size);
  }
}
