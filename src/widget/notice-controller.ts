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
  #timer: unknown;
  readonly #timers: Timers;
  readonly #showFor;
  readonly #host: ReactiveControllerHost;

  constructor(
    host: ReactiveControllerHost,
    showFor = 8000,
    timers: Timers = defaultTimers,
  ) {
    this.#host = host;
    this.#showFor = showFor;
    this.#timers = timers;
    host.addController(this);
  }

  show(message: string): void {
    this.message = message;
    this.#arm();
    this.#host.requestUpdate();
  }

  dismiss(): void {
    this.#timers.clearTimeout(this.#timer);
    if (this.message === undefined) return;
    this.message = undefined;
    this.#host.requestUpdate();
  }

  #arm(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      if (this.keep()) return this.#arm();
      this.message = undefined;
      this.#host.requestUpdate();
    }, this.#showFor);
  }

  hostDisconnected(): void {
    this.#timers.clearTimeout(this.#timer);
    this.message = undefined;
  }
}
