/**
 * Test helper (not a test): timers and a clock in one, for code that takes
 * them injected (the socket driver, the notice, the server's token expiry).
 */
import type { Timers } from '../../src/sync/types.ts';

/** Timers and a clock in one: `advance` moves time and fires what falls due, in order. */
export class FakeTimers implements Timers {
  private next = 1;
  t = 0;
  readonly due = new Map<number, { fn: () => void; ms: number; at: number }>();
  readonly now = () => this.t;
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.due.set(id, { fn, ms, at: this.t + ms });
    return id;
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const [id, first] = [...this.due].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !first || first.at > end) break;
      this.due.delete(id);
      this.t = first.at;
      first.fn();
    }
    this.t = end;
  }
  clearTimeout(h: unknown) {
    this.due.delete(h as number);
  }
  /** Runs the timers whose delay is at most `ms`. */
  run(ms = Infinity) {
    for (const [id, t] of [...this.due]) {
      if (t.ms <= ms) {
        this.due.delete(id);
        t.fn();
      }
    }
  }
}
