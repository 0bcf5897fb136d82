/** Small helpers shared by the Redis bus and counters. */

/** The URL without its password, for logs. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** Doubling from 50 ms to 2 s, with ±25 % jitter so a fleet of nodes does not reconnect in step. */
export function backoff(attempt: number): number {
  const base = Math.min(2000, 50 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
