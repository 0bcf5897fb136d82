/**
 * Owns one side effect: following `prefers-color-scheme` while the host is
 * connected, and writing the resolved theme to the host's `data-theme`, which
 * the styles key on (so `theme="auto"` flips live with the system setting).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Theme = 'light' | 'dark' | 'auto';

export class ThemeController implements ReactiveController {
  readonly #query = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  readonly #onChange = () => this.apply();
  readonly #theme: () => Theme;
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    theme: () => Theme,
  ) {
    this.#host = host;
    this.#theme = theme;
    host.addController(this);
  }

  hostConnected(): void {
    this.#query?.addEventListener?.('change', this.#onChange);
    this.apply();
  }

  hostDisconnected(): void {
    this.#query?.removeEventListener?.('change', this.#onChange);
  }

  apply(): void {
    const theme = this.#theme();
    const dark = theme === 'dark' || (theme !== 'light' && !!this.#query?.matches);
    this.#host.setAttribute('data-theme', dark ? 'dark' : 'light');
  }
}
