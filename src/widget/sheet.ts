/**
 * The full-screen sheet a narrow element opens its thread and new-conversation
 * composer in (narrow-controller.ts says when). The sheet is the `thread` or
 * `new-chat` part itself, marked `data-sheet` and `aria-modal="true"`, so
 * integrators' selectors keep working.
 *
 * `SheetController` owns what a modal needs: the sheet is shown in the top
 * layer where the browser can (a popover: no transformed or clipping ancestor
 * of the host page can cut it, no z-index can cover it), focus moves in when
 * it opens, Tab and Shift+Tab cycle inside it (the sheet itself takes focus
 * when its background is tapped, so focus never falls to the page), Escape
 * closes it, and focus returns to where it was when it closes. The host page's scrolling is left alone: the sheet covers the
 * viewport and contains its own overscroll, nothing is set on <body>.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { I18n } from './i18n/i18n.ts';

export function backButton(i18n: I18n, onBack: () => void): TemplateResult {
  const t = i18n.text.sheet;
  // The arrow points back the way a reader of the language reads: left, or right in Hebrew and Arabic.
  // ‹ is a mirrored character (Unicode Bidi_Mirrored): in a right-to-left line the browser draws it as ›,
  // so one character serves both (choosing › for right to left would be mirrored back to ‹).
  return html`<button type="button" class="back secondary" aria-label=${t.backLabel} @click=${onBack}>
    <span aria-hidden="true">‹</span> ${t.back}
  </button>`;
}

/** The head of a sheet that has none of its own (the new-conversation composer). */
export function sheetHead(i18n: I18n, title: string, onClose: () => void): TemplateResult {
  return html`<div class="sheet-head">
    ${backButton(i18n, onClose)}
    <h2 class="title">${title}</h2>
    <button type="button" class="close icon" aria-label=${i18n.text.sheet.close} @click=${onClose}>×</button>
  </div>`;
}

const FOCUSABLE = 'button, textarea, input, select, a[href], [tabindex]:not([tabindex="-1"])';

/** What Tab can reach inside `root`, in order. */
export function focusables(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0 && !el.closest('[inert]'),
  );
}

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class SheetController implements ReactiveController {
  /** The sheet open now. */
  #sheet: HTMLElement | undefined;
  /** What had focus when it opened. */
  #returnTo: HTMLElement | undefined;
  readonly #close: () => void;
  readonly #host: Host;

  constructor(
    host: Host,
    /** Closes whichever sheet is open (Escape). */
    close: () => void,
  ) {
    this.#host = host;
    this.#close = close;
    host.addController(this);
  }

  hostConnected(): void {
    this.#host.renderRoot.addEventListener('keydown', this.#onKey as EventListener);
  }

  hostDisconnected(): void {
    this.#host.renderRoot.removeEventListener('keydown', this.#onKey as EventListener);
    this.#sheet = undefined;
  }

  hostUpdated(): void {
    const sheet = this.#host.renderRoot.querySelector<HTMLElement>('[data-sheet]') ?? undefined;
    if (sheet === this.#sheet) return;
    const before = this.#sheet;
    if (!before) this.#returnTo = this.#focused();
    this.#sheet = sheet;
    if (sheet) {
      // Where popovers are missing it stays a fixed layer over the page.
      if (sheet.isConnected && sheet.hasAttribute('popover') && typeof sheet.showPopover === 'function' && !sheet.matches(':popover-open')) sheet.showPopover();
      void this.#focusIn(sheet);
    } else {
      void this.#restore();
    }
  }

  /** The focused element inside the host's shadow root, if any. */
  #focused(): HTMLElement | undefined {
    const root = this.#host.renderRoot as ShadowRoot;
    return (root.activeElement as HTMLElement | null) ?? undefined;
  }

  /** Once the opener and the sheet itself have placed focus (they know best: the text box), make sure it is inside. */
  async #focusIn(sheet: HTMLElement): Promise<void> {
    await this.#host.updateComplete;
    await (sheet as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    if (this.#sheet !== sheet || sheet.contains(this.#focused() ?? null)) return;
    focusables(sheet)[0]?.focus();
  }

  /** Closing code usually moves focus itself (to the marker, or the image); where it did not, it goes back where it was. */
  async #restore(): Promise<void> {
    const back = this.#returnTo;
    this.#returnTo = undefined;
    await this.#host.updateComplete;
    if (this.#sheet || this.#focused()) return;
    if (back?.isConnected) back.focus();
  }

  readonly #onKey = (e: KeyboardEvent): void => {
    const sheet = this.#sheet;
    if (!sheet) return;
    if (e.key === 'Escape') {
      // The text box and the thread close on Escape themselves (and say so by preventing the default).
      if (!e.defaultPrevented) {
        e.preventDefault();
        this.#close();
      }
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(sheet);
    const first = items[0];
    const last = items[items.length - 1];
    const active = this.#focused();
    if (!first || !last) {
      e.preventDefault();
      return;
    }
    if (!active || active === sheet || !sheet.contains(active)) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    } else if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    }
  };
}
