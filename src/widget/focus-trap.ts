/**
 * Keeps Tab inside an open popup: from its last control Tab goes to its
 * first, from its first Shift+Tab to its last. Escape (handled by the popup's
 * owner) is the way out. One side effect: a keydown listener on the host,
 * added while it is connected.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const FOCUSABLE = 'a[href], button, textarea, input, select, [tabindex]';

/** The host's controls Tab would visit, in order. */
export function tabbables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0,
  );
}

export class FocusTrap implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#host.addEventListener('keydown', this.#onKey);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#onKey);
  }

  readonly #onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Tab' || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = tabbables(this.#host);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    const active = (this.#host.getRootNode() as Document | ShadowRoot).activeElement;
    if (e.shiftKey && (active === first || !this.#host.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !this.#host.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
}
