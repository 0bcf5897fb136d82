/**
 * A question asked in place before something is lost (a conversation with
 * other people's replies, a draft): `part="confirm"`, role=alertdialog. The
 * safe answer is the one focused (`focusConfirm`), and Escape gives it, without
 * closing what the question sits in.
 */
import { html, nothing, type TemplateResult } from 'lit';

export interface ConfirmOptions {
  /** Unique in the shadow root: the question's and the detail's ids are made from it. */
  readonly id: string;
  readonly question: string;
  readonly detail?: string;
  /** The button that goes ahead (drawn as dangerous). */
  readonly confirmLabel: string;
  /** The button that keeps things as they are. */
  readonly keepLabel: string;
  onConfirm(): void;
  onKeep(): void;
}

export function confirmTemplate(o: ConfirmOptions): TemplateResult {
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    o.onKeep();
  };
  return html`<div
    part="confirm"
    class="confirm"
    role="alertdialog"
    aria-labelledby="${o.id}-q"
    aria-describedby=${o.detail ? `${o.id}-d` : nothing}
    @keydown=${onKey}
  >
    <p class="question" id="${o.id}-q">${o.question}</p>
    ${o.detail ? html`<p class="detail" id="${o.id}-d">${o.detail}</p>` : nothing}
    <div class="actions">
      <button type="button" class="danger" @click=${() => o.onConfirm()}>${o.confirmLabel}</button>
      <button type="button" class="secondary keep" @click=${() => o.onKeep()}>${o.keepLabel}</button>
    </div>
  </div>`;
}

/** Focuses the safe answer of the question shown inside `root`. */
export function focusConfirm(root: ParentNode): void {
  root.querySelector<HTMLElement>('[part~="confirm"] .keep')?.focus();
}
