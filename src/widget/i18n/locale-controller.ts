/**
 * Keeps an element speaking the right language (pick-locale.ts says which): re-decides when its
 * `locale` changes, when a `lang` above it changes, and when the browser's languages change, and
 * re-renders the host once the language's catalog has arrived. Until then the host speaks English.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { english, I18n } from './i18n.ts';
import { loadCatalog } from './load.ts';
import { pickLocale, requestedLocales } from './pick-locale.ts';

export class LocaleController implements ReactiveController {
  /** What the host speaks now. */
  i18n: I18n = english;
  /** The locale decided last (the catalog may still be on its way). */
  #wanted = 'en';
  /** The `locale` attribute the last decision was made with. */
  #decidedFor: string | undefined;
  #pending: Promise<void> | undefined;
  #observer: MutationObserver | undefined;
  readonly #attribute: () => string | undefined;
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    attribute: () => string | undefined,
  ) {
    this.#host = host;
    this.#attribute = attribute;
    host.addController(this);
  }

  hostConnected(): void {
    // `lang` may be set on any ancestor at any time (a page switching language): one observer on the document tree.
    (this.#observer ??= new MutationObserver(this.#decide)).observe(this.#host.ownerDocument.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    globalThis.addEventListener?.('languagechange', this.#decide);
    this.#decide();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    globalThis.removeEventListener?.('languagechange', this.#decide);
  }

  /**
   * Before each render: re-decides only when the `locale` attribute changed (ancestors' `lang` and the
   * browser's languages are watched; walking the ancestors on every render would be wasted work).
   */
  hostUpdate(): void {
    if (this.#attribute() !== this.#decidedFor) this.#decide();
  }

  /** Resolves once the language decided now is the one spoken (tests and the embed page wait on it). */
  get ready(): Promise<void> {
    return this.#pending ?? Promise.resolve();
  }

  readonly #decide = (): void => {
    this.#decidedFor = this.#attribute();
    const { locale, language } = pickLocale(requestedLocales(this.#host, this.#decidedFor));
    if (locale === this.#wanted) return;
    this.#wanted = locale;
    this.#pending = undefined;
    if (language === 'en') return this.#use(locale === 'en' ? english : new I18n(locale, 'en', english.text));
    this.#pending = loadCatalog(language).then(
      (text) => {
        if (this.#wanted === locale) this.#use(new I18n(locale, language, text));
      },
      // Stays in the language it speaks; asked again (another `lang`, or reconnecting the element) it retries.
      () => {
        if (this.#wanted === locale) this.#wanted = this.i18n.locale;
      },
    );
  };

  /** Speaks `i18n` (the same language again only re-renders: nothing changes on screen). */
  #use(i18n: I18n): void {
    this.i18n = i18n;
    this.#host.requestUpdate();
  }
}
