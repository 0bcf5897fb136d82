/**
 * Time as the core sees it: read the clock, arm and clear timers. Injected so
 * tests drive expiry deterministically (test/support/fake-timers.ts).
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout's longest delay (about 24.8 days); a longer wait is armed in steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Lets the process exit while only this timer is pending (a real timer; a test's fake one is left as it is). */
export function unref<T>(handle: T): T {
  (handle as { unref?: () => void } | undefined)?.unref?.();
  return handle;
}
