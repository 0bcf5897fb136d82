/**
 * Runs a key's work once per burst of changes, and at most once per
 * `intervalMs` per key: the first change after a quiet interval runs on the
 * next turn of the event loop (so one tick's burst is one run), later ones
 * wait for the interval to end and then run once for all of them. Presence
 * and typing use it so a crowd coming and going costs each socket about one
 * frame a second, whatever the crowd's size.
 */
import { unref } from './clock.ts';
import type { Clock } from './clock.ts';

interface KeyState {
  /** When the key's work last ran (on the clock). */
  last: number;
  /** A run is scheduled: further changes join it. */
  armed: boolean;
  timer: unknown;
}

export class Coalescer {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly run: (key: string) => void,
  ) {}

  /** Something of `key` changed: its work runs promptly, or at the end of its interval. */
  mark(key: string): void {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { last: -Infinity, armed: false, timer: undefined }));
    if (state.armed) return;
    state.armed = true;
    const s = state;
    const wait = s.last + this.intervalMs - this.clock.now();
    // Not a timed wait: the next turn of the loop, so the changes of one tick go out together.
    if (wait <= 0) setImmediate(() => this.fire(key, s));
    else s.timer = unref(this.clock.setTimeout(() => this.fire(key, s), wait));
  }

  /** Drops the key: a scheduled run is cancelled. */
  forget(key: string): void {
    const state = this.keys.get(key);
    if (!state) return;
    this.clock.clearTimeout(state.timer);
    this.keys.delete(key);
  }

  /** Keys with state (tests, leak checks). */
  get size(): number {
    return this.keys.size;
  }

  private fire(key: string, state: KeyState): void {
    // Forgotten (or forgotten and marked again) meanwhile: that state's run is not this one.
    if (this.keys.get(key) !== state || !state.armed) return;
    state.armed = false;
    state.timer = undefined;
    state.last = this.clock.now();
    this.run(key);
  }
}
