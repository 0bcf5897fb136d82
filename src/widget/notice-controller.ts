/**
 * Owns one side effect: a message shown for a while (an action that failed,
 * in words) and its timer, cleared when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class NoticeController implements ReactiveController {
  message: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly showFor = 8000,
  ) {
    host.addController(this);
  }

  show(message: string): void {
    this.message = message;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.message = undefined;
      this.host.requestUpdate();
    }, this.showFor);
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.message = undefined;
  }
}
