/**
 * The `status` banner: what the connection is doing, in words, and the
 * notices (an action refused, e.g. rate-limited) that can be dismissed.
 *
 * - "You are offline" only when the browser says so (its `offline` event);
 *   a server that does not answer is "The server cannot be reached", with a
 *   live "Retrying in N s." countdown to the next try and a "Retry now" button.
 * - The region is a polite live region. The countdown is aria-hidden: a
 *   sentence re-read every second would drown everything else out; the
 *   sentence itself changes only when the situation does.
 * - A notice stays while focus is in the banner (its Dismiss button would
 *   otherwise vanish under a keyboard user).
 *
 * `bannerView` is pure (state + time → what to show); `StatusBanner` owns the
 * one side effect, the timer that re-renders when the countdown's number changes.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ConnectionState } from '../sync/state.ts';
import { defaultTimers, type Timers } from '../sync/types.ts';
import type { NoticeController } from './notice-controller.ts';
import { statusText } from './templates.ts';
import type { I18n } from './i18n/i18n.ts';
import type { ActionFacts } from '../sync/types.ts';

export type BannerView =
  | { readonly kind: 'none' }
  /** Something that failed (an action refused): dismissible. */
  | { readonly kind: 'notice'; readonly text: string }
  /** Refused for good (unknown tenant, expired sign-in): stays until the page changes something. */
  | { readonly kind: 'refused'; readonly text: string }
  /** Connecting, reconnecting, offline, or why this identity may only view. */
  | { readonly kind: 'info'; readonly text: string }
  /** `retryIn`: whole seconds to the next try, or undefined while a try is under way. */
  | { readonly kind: 'unreachable'; readonly text: string; readonly retryIn: number | undefined };

export interface BannerInput {
  readonly state: ConnectionState;
  readonly notice: string | undefined;
  /** Why this identity may only view, shown while online (the server made it read-only). */
  readonly viewOnly: string | undefined;
  readonly now: number;
  readonly i18n: I18n;
  /**
   * The connection's refusal in the reader's words (i18n/error-reason.ts, which comes with the parts):
   * '' while they are on their way (nothing is shown), undefined to say the server's English `reason`.
   */
  readonly refusal?: ((facts: ActionFacts) => string | undefined) | undefined;
}

/** The server did not answer at least one try and the browser has a network: retries go on. */
export function serverUnreachable(state: ConnectionState): boolean {
  if (state.status === 'reconnecting') return state.attempt >= 1;
  return state.status === 'offline' && state.retry && !state.network;
}

/** When the next try is due, if one is planned. */
const retryAt = (state: ConnectionState): number | undefined => (state.status === 'reconnecting' || state.status === 'offline' ? state.retryAt : undefined);

/** Whole seconds until `at`, at least 1; undefined when it is not in the future. */
export function secondsUntil(at: number | undefined, now: number): number | undefined {
  return at !== undefined && at > now ? Math.max(1, Math.ceil((at - now) / 1000)) : undefined;
}

export function bannerView({ state, notice, viewOnly, now, i18n, refusal }: BannerInput): BannerView {
  if (notice) return { kind: 'notice', text: notice };
  if (state.status === 'offline' && !state.retry) {
    const text = (state.refusal && refusal?.(state.refusal)) ?? state.reason;
    return text ? { kind: 'refused', text } : { kind: 'none' };
  }
  if (state.status === 'online') return viewOnly ? { kind: 'info', text: viewOnly } : { kind: 'none' };
  if (serverUnreachable(state)) {
    return { kind: 'unreachable', text: i18n.text.status.unreachable, retryIn: secondsUntil(retryAt(state), now) };
  }
  return { kind: 'info', text: statusText(i18n, state.status) };
}

export interface StatusBannerOptions {
  readonly notice: NoticeController;
  readonly state: () => ConnectionState;
  readonly viewOnly: () => string | undefined;
  readonly retryNow: () => void;
  /** Where focus goes once a notice is dismissed from the keyboard (its button is gone). */
  readonly refocus: () => void;
  readonly i18n: () => I18n;
  readonly refusal?: BannerInput['refusal'];
  readonly now?: () => number;
  readonly timers?: Timers;
}

type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

export class StatusBanner implements ReactiveController {
  #timer: unknown;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #o: StatusBannerOptions;
  readonly #host: Host;

  constructor(
    host: Host,
    o: StatusBannerOptions,
  ) {
    this.#host = host;
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#timers = o.timers ?? defaultTimers;
    host.addController(this);
    o.notice.keep = () => !!this.#element?.matches(':focus-within');
  }

  /** Re-renders when the countdown's number would change, and only while there is one. */
  hostUpdated(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const state = this.#o.state();
    const at = retryAt(state);
    const left = at === undefined ? 0 : at - this.#now();
    if (left <= 0 || !serverUnreachable(state)) return;
    const untilNextNumber = left - (Math.ceil(left / 1000) - 1) * 1000;
    this.#timer = this.#timers.setTimeout(() => this.#host.requestUpdate(), untilNextNumber);
  }

  hostDisconnected(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  render(): TemplateResult {
    const i18n = this.#o.i18n();
    const view = bannerView({ state: this.#o.state(), notice: this.#o.notice.message, viewOnly: this.#o.viewOnly(), now: this.#now(), i18n, refusal: this.#o.refusal });
    return html`<div part="status" role="status" aria-live="polite">${view.kind === 'none' ? nothing : this.#banner(view, i18n)}</div>`;
  }

  get #element(): HTMLElement | null {
    return this.#host.renderRoot.querySelector('[part~="status"]');
  }

  #banner(view: Exclude<BannerView, { kind: 'none' }>, i18n: I18n): TemplateResult {
    const t = i18n.text.status;
    const tone = view.kind === 'notice' || view.kind === 'refused' ? 'error' : view.kind === 'unreachable' ? 'warning' : '';
    return html`<div class="banner ${tone}">
      <span class="message">${view.text}</span>
      ${view.kind === 'unreachable'
        ? html`<span class="countdown" aria-hidden="true"
              >${view.retryIn === undefined ? t.retrying : i18n.format(t.retryIn, { seconds: view.retryIn })}</span
            >
            <button type="button" class="retry secondary" @click=${() => this.#o.retryNow()}>${t.retryNow}</button>`
        : nothing}
      ${view.kind === 'notice'
        ? html`<button type="button" class="dismiss icon" aria-label=${t.dismiss} title=${t.dismiss} @click=${() => this.#dismiss()}>
            <span aria-hidden="true">×</span>
          </button>`
        : nothing}
    </div>`;
  }

  #dismiss(): void {
    const hadFocus = !!this.#element?.matches(':focus-within');
    this.#o.notice.dismiss();
    if (hadFocus) this.#o.refocus();
  }
}
