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
