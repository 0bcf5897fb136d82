/**
 * Runs a task every few seconds while its host is connected and the page is
 * visible: a hidden tab asks the server nothing, and catches up at once when
 * shown again. A run starts only after the previous one ended, so a slow
 * server never piles requests up.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers } from '../sync/types.ts';

export interface PollOptions {
  /** Shows its own errors; a failed run does not stop the polling. */
  readonly task: () => Promise<void>;
  /** Read before each wait, so a host may change it. */
  readonly intervalMs: () => number;
  readonly visible?: () => boolean;
  readonly timers?: Timers;
}

export class PollController implements ReactiveController {
  private timer: unknown;
  private running = false;
  private connected = false;
  private readonly visible: () => boolean;
  private readonly timers: Timers;
  private readonly onVisibility = () => (this.visible() ? this.runNow() : this.pause());

  constructor(
    host: ReactiveControllerHost,
    private readonly options: PollOptions,
  ) {
    this.visible = options.visible ?? (() => document.visibilityState === 'visible');
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    document.addEventListener('visibilitychange', this.onVisibility);
    if (this.visible()) this.schedule();
  }

  hostDisconnected(): void {
    this.connected = false;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.pause();
  }

  /** Runs the task at once (unless a run is under way) and goes on from there. */
  runNow(): void {
    this.pause();
    if (this.running || !this.connected) return;
    this.running = true;
    this.options
      .task()
      .catch(() => {
        // The task shows its own errors; polling goes on.
      })
      .finally(() => {
        this.running = false;
        if (this.connected && this.visible()) this.schedule();
      });
  }

  private schedule(): void {
    this.pause();
    this.timer = this.timers.setTimeout(() => this.runNow(), this.options.intervalMs());
  }

  private pause(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
