/**
 * Owns one side effect: a message shown for a while (an action that failed,
 * in words) and its timer, cleared when the host leaves the page. It can be
 * dismissed at once, and outstays its time while `keep` says so (focus is on it).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { defaultTimers, type Timers } from '../sync/types.ts';

export class NoticeController implements ReactiveController {
  message: string | undefined;
  /** Asked when the time is up: true keeps the message for another round. */
  keep: () => boolean = () => false;
  private timer: unknown;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly showFor = 8000,
    private readonly timers: Timers = defaultTimers,
  ) {
    host.addController(this);
  }

  show(message: string): void {
    this.message = message;
    this.arm();
    this.host.requestUpdate();
  }

  dismiss(): void {
    this.timers.clearTimeout(this.timer);
    if (this.message === undefined) return;
    this.message = undefined;
    this.host.requestUpdate();
  }

  private arm(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      if (this.keep()) return this.arm();
      this.message = undefined;
      this.host.requestUpdate();
    }, this.showFor);
  }

  hostDisconnected(): void {
    this.timers.clearTimeout(this.timer);
    this.message = undefined;
  }
}
