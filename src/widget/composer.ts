/** The text box shared by the new-conversation popup and the thread's reply box. */
import { html, nothing, type TemplateResult } from 'lit';
import { MAX_TEXT_CHARS, textLength } from '../protocol/limits.ts';

/** Why a text cannot be sent, in words, or undefined when it can. */
export function validateText(text: string): string | undefined {
  if (text.trim() === '') return 'Write a message first.';
  const n = textLength(text);
  if (n > MAX_TEXT_CHARS) return `This message is ${n} characters long; the limit is ${MAX_TEXT_CHARS}.`;
  return undefined;
}

export interface ComposerOptions {
  readonly label: string;
  readonly placeholder: string;
  readonly sendLabel: string;
  /** A hint or refusal shown under the box. */
  readonly error: string | undefined;
  readonly disabled: boolean;
  /** Gets the text; returns true when it was accepted (the box is then cleared). */
  onSend(text: string): boolean;
  onCancel(): void;
  onInput?(): void;
}

export function composerTemplate(o: ComposerOptions): TemplateResult {
  const box = (e: Event) =>
    (e.currentTarget as HTMLElement).closest('.composer')?.querySelector('textarea') as HTMLTextAreaElement | null;
  const send = (area: HTMLTextAreaElement | null) => {
    if (area && o.onSend(area.value)) area.value = '';
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(e.currentTarget as HTMLTextAreaElement);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      o.onCancel();
    }
  };
  return html`<div class="composer">
    <textarea
      part="composer"
      rows="2"
      aria-label=${o.label}
      placeholder=${o.placeholder}
      aria-invalid=${o.error ? 'true' : 'false'}
      ?disabled=${o.disabled}
      @keydown=${onKey}
      @input=${() => o.onInput?.()}
    ></textarea>
    ${o.error ? html`<p class="hint" role="alert">${o.error}</p>` : nothing}
    <div class="actions">
      <button type="button" class="secondary" @click=${() => o.onCancel()}>Cancel</button>
      <button type="button" part="send" ?disabled=${o.disabled} @click=${(e: Event) => send(box(e))}>${o.sendLabel}</button>
    </div>
  </div>`;
}
