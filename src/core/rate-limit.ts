/**
 * Token buckets keyed by a string (tenant + user, tenant + IP): each holds at
 * most `burst` tokens and refills `perMinute` a minute; an action takes one.
 * Full buckets are forgotten, so the map only holds keys that acted recently.
 */

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweeps = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes a token for `key`; false when the bucket is empty (the caller refuses with `rate-limited`). */
  take(key: string, perMinute: number, burst: number, now = this.now()): boolean {
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perMinute) / 60_000);
    b.at = now;
    this.buckets.set(key, b);
    if (++this.sweeps >= 1000) this.sweep(now, perMinute, burst);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until `key` has a token again (for the error message). */
  waitSeconds(key: string, perMinute: number): number {
    const b = this.buckets.get(key);
    if (!b || b.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / perMinute));
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number, perMinute: number, burst: number): void {
    this.sweeps = 0;
    // Drops buckets that would be full again by now (approximated with the current key's rates).
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) * perMinute) / 60_000 >= burst) this.buckets.delete(key);
  }
}
