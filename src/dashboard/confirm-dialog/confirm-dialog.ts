/**
 * `<dashboard-confirm>`: asks before something that cannot be undone, in a
 * modal `<dialog>`: focus moves into it (on Cancel, the safe answer), stays
 * in it, Escape cancels, and on closing focus returns to where it was.
 *
 * ```js
 * if (await confirm.ask({ heading: 'Delete this conversation?', message: '…', confirmLabel: 'Delete' })) …
 * ```
 *
 * @csspart dialog - The `<dialog>`.
 * @csspart confirm - The button that goes ahead.
 * @csspart cancel - The button that does not.
 */
import { LitElement, html } from 'lit';
import { styles } from './confirm-dialog.styles.ts';

export interface ConfirmRequest {
  readonly heading: string;
  readonly message: string;
  readonly confirmLabel: string;
}

export class DashboardConfirm extends LitElement {
  static override styles = styles;
  static override properties = { request: { state: true } };

  declare private request: ConfirmRequest | undefined;
  private answer: ((yes: boolean) => void) | undefined;
  private opener: HTMLElement | undefined;

  /** Shows the question; resolves true for the confirm button, false for Cancel or Escape. */
  async ask(request: ConfirmRequest): Promise<boolean> {
    this.answer?.(false);
    const answered = new Promise<boolean>((resolve) => (this.answer = resolve));
    if (!this.open) this.opener = deepActiveElement();
    this.request = request;
    await this.updateComplete;
    const dialog = this.dialog;
    if (!dialog.open) dialog.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('[part="cancel"]')!.focus();
    return answered;
  }

  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  private finish(yes: boolean): void {
    const answer = this.answer;
    this.answer = undefined;
    if (this.dialog.open) this.dialog.close();
    // Back where the moderator was, even across shadow roots (the browser's own restore may not reach it).
    if (this.opener?.isConnected) this.opener.focus();
    this.opener = undefined;
    answer?.(yes);
  }

  override render() {
    const r = this.request;
    return html`
      <dialog
        part="dialog"
        aria-labelledby="heading"
        aria-describedby="message"
        @cancel=${(e: Event) => {
          e.preventDefault();
          this.finish(false);
        }}
      >
        <h2 id="heading">${r?.heading ?? ''}</h2>
        <p id="message">${r?.message ?? ''}</p>
        <div class="buttons">
          <button part="cancel" class="secondary" @click=${() => this.finish(false)}>Cancel</button>
          <button part="confirm" class="danger strong" @click=${() => this.finish(true)}>${r?.confirmLabel ?? 'OK'}</button>
        </div>
      </dialog>
    `;
  }
}

/** The focused element, looking inside open shadow roots. */
export function deepActiveElement(): HTMLElement | undefined {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement && el !== document.body ? el : undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-confirm': DashboardConfirm;
  }
}
