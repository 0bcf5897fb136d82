/**
 * Owns one side effect: a message shown for a while (an action that failed,
 * in words) and its timer, cleared when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { defaultTimers, type Timers } from '../sync/types.ts';

export class NoticeController implements ReactiveController {
  message: string | undefined;
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
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.message = undefined;
      this.host.requestUpdate();
    }, this.showFor);
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.timers.clearTimeout(this.timer);
    this.message = undefined;
  }
}
