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
  #observer: MutationObserver | undefined;
  readonly #onLanguages = () => this.#decide();
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
    this.#observer = new MutationObserver(() => this.#decide());
    this.#observer.observe(this.#host.ownerDocument.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    globalThis.addEventListener?.('languagechange', this.#onLanguages);
    this.#decide();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    globalThis.removeEventListener?.('languagechange', this.#onLanguages);
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

  #pending: Promise<void> | undefined;

  /** The `locale` attribute the last decision was made with. */
  #decidedFor: string | undefined;

  #decide(): void {
    this.#decidedFor = this.#attribute();
    const { locale, language } = pickLocale(requestedLocales(this.#host, this.#decidedFor));
    if (locale === this.#wanted) return;
    this.#wanted = locale;
    if (language === 'en') {
      this.#pending = undefined;
      this.#use(locale === 'en' ? english : new I18n(locale, 'en', english.text));
      return;
    }
    this.#pending = loadCatalog(language).then(
      (text) => {
        if (this.#wanted === locale) this.#use(new I18n(locale, language, text));
      },
      // Stays in the language it speaks; asked again (another `lang`, or reconnecting the element) it retries.
      () => {
        if (this.#wanted === locale) this.#wanted = this.i18n.locale;
      },
    );
  }

  #use(i18n: I18n): void {
    if (this.i18n.locale === i18n.locale && this.i18n.language === i18n.language) return;
    this.i18n = i18n;
    this.#host.requestUpdate();
  }
}
