/**
 * Owns one side effect: a ResizeObserver on the host, telling whether the
 * element (not the viewport: an element in a sidebar is narrow on any screen)
 * is under `below` px wide — where the thread and the new-conversation
 * composer open as a full-screen sheet instead of a popup inside the image.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Under this many CSS px of element width, popups open as sheets. */
export const SHEET_BELOW = 768;

export class NarrowController implements ReactiveController {
  narrow = false;
  #observer: ResizeObserver | undefined;
  readonly #below;
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    below = SHEET_BELOW,
  ) {
    this.#host = host;
    this.#below = below;
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof ResizeObserver !== 'function') return;
    this.#observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      // Inline size: the width in a horizontal writing mode, what a sheet is about in any.
      const width = entry.borderBoxSize?.[0]?.inlineSize ?? entry.contentRect.width;
      this.#set(width < this.#below);
    });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  #set(narrow: boolean): void {
    if (narrow === this.narrow) return;
    this.narrow = narrow;
    this.#host.requestUpdate();
  }
}
