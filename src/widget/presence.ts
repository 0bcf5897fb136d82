/**
 * Who else is viewing the image (`presence` part), and the timer behind this
 * page's own presence: once the page has been hidden for `awayAfterMs` (60 s)
 * the element tells the server it is not looking (`here: false`), and that it
 * is back as soon as the page is shown again. Who writes in the open
 * conversation is typing.ts's, with the parts. Clock and page signals are
 * injected, so the timer is tested without waiting.
 *
 * The presence part sits in the top start corner of the image (the list
 * toggle has the top end one) and is not drawn while nobody else is there.
 */
import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { PresenceMessage } from '../protocol/messages.ts';
import { browserPage, type PageSignals } from '../sync/page-signals.ts';
import { defaultTimers, type Timers } from '../sync/types.ts';
import type { I18n } from './i18n/i18n.ts';
import { loadParts, loadedParts } from './parts-loader.ts';

export interface PresenceSource {
  presence(): PresenceMessage | undefined;
  me(): string | undefined;
  /** The element's language (its `presence` section: i18n/en.ts). */
  i18n(): I18n;
  sendHere(here: boolean): void;
}

export interface PresenceOptions {
  readonly timers?: Timers;
  readonly page?: PageSignals;
  readonly awayAfterMs?: number;
}

export class PresenceController implements ReactiveController {
  /** The server was told this page is not looked at. */
  away = false;
  #awayTimer: unknown;
  #offPage: (() => void) | undefined;
  readonly #timers: Timers;
  readonly #page: PageSignals;
  readonly #options: PresenceOptions;
  readonly #source: PresenceSource;

  constructor(
    host: ReactiveControllerHost,
    source: PresenceSource,
    options: PresenceOptions = {},
  ) {
    this.#source = source;
    this.#options = options;
    this.#timers = options.timers ?? defaultTimers;
    this.#page = options.page ?? browserPage;
    host.addController(this);
  }

  hostConnected(): void {
    this.#offPage = this.#page.listen((signal) => {
      if (signal === 'hidden') this.#hidden();
      else if (signal === 'visible') this.#shown();
    });
    if (!this.#page.visible()) this.#hidden();
  }

  hostDisconnected(): void {
    this.#offPage?.();
    this.#offPage = undefined;
    this.#timers.clearTimeout(this.#awayTimer);
    this.#awayTimer = undefined;
  }

  /**
   * The `presence` part, `inset` px in from the host's `side` and `top` px down (the image's top start
   * corner: left, or right in a right-to-left language), or nothing while nobody else views the image.
   * Its view, which counts who else is there, comes with the element's lazily loaded parts
   * (presence-view.ts); they are fetched here once someone else may be there: a visitor alone never needs them.
   */
  badge(side: 'left' | 'right', inset: number, top: number): TemplateResult | typeof nothing {
    const p = this.#source.presence();
    if (!p) return nothing;
    const me = this.#source.me();
    const parts = loadedParts();
    if (parts) return parts.presenceBadge(this.#source.i18n(), p, me, this.away, side, inset, top);
    // Someone else is listed, or counted beside this page (which counts itself unless away). The element
    // re-renders when the parts arrive (onParts); until then the avatars are simply not drawn.
    if (p.viewers.some((v) => v.id !== me) || p.count > (this.away ? 0 : 1)) loadParts().catch(() => undefined);
    return nothing;
  }

  #hidden(): void {
    if (this.away || this.#awayTimer !== undefined) return;
    this.#awayTimer = this.#timers.setTimeout(() => {
      this.#awayTimer = undefined;
      this.away = true;
      this.#source.sendHere(false);
    }, this.#options.awayAfterMs ?? 60_000);
  }

  #shown(): void {
    this.#timers.clearTimeout(this.#awayTimer);
    this.#awayTimer = undefined;
    if (!this.away) return;
    this.away = false;
    this.#source.sendHere(true);
  }
}
