/**
 * The text box shared by the new-conversation popup, the thread's reply box
 * and a comment being edited: `<image-chat-composer>`, rendered into its own
 * light DOM, so its `composer` and `send` parts are parts of <image-chat>.
 *
 * It owns what the text goes through: the draft (kept per conversation in
 * draft-store.ts, so another thread's box never shows it and closing or a
 * reload does not lose it), the character counter near the limit, asking
 * before a non-empty draft is discarded, and a sent text the server refused
 * coming back into the box with the reason and a retry.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { MAX_TEXT_CHARS, textLength } from '../protocol/limits.ts';
import { drafts } from './draft-store.ts';
import type { SyncErrorReport } from './chat-sync.ts';
import { confirmTemplate, focusConfirm } from './confirm.ts';
import type { I18n } from './i18n/i18n.ts';

/** The counter shows once this few characters are left. */
export const COUNTER_FROM = 200;


/** Called with the reason (and its facts: code, reason word, numbers) when the server refuses what was sent (or it never got there). */
export type Refused = (reason: string, report?: SyncErrorReport) => void;

export interface ComposerOptions {
  /** The element's language (its own sentences: counter, refusal, discard). */
  readonly i18n: I18n;
  readonly label: string;
  readonly placeholder: string;
  readonly sendLabel: string;
  /** A hint or refusal shown under the box. */
  readonly error: string | undefined;
  readonly disabled: boolean;
  /**
   * Gets the text and what to call if the server refuses it; returns true when
   * it was accepted (the box is then cleared).
   */
  onSend(text: string, refused: Refused): boolean;
  /** Escape, or the cancel button once the draft is discarded. */
  onCancel(): void;
  /** Each input event, with the text the box holds now. */
  onInput?(text: string): void;
  /** Where the unsent text is kept (draft-store.ts `draftKey`); without one it is not kept. */
  readonly draftKey?: string;
  /** The text to start from when no draft is kept (editing a comment). */
  readonly value?: string;
  /**
   * The cancel button: with a label, always shown and closing (a new
   * conversation's Cancel, an edit's Cancel); without, a Discard button shown
   * while there is text, which empties the box and leaves it open (a reply).
   * Either asks first when a kept draft would be lost.
   */
  readonly cancelLabel?: string;
  /** The text box's part (default `composer`; none for an edit). */
  readonly part?: string;
}

let ids = 0;

export class ImageChatComposer extends LitElement {
  static override properties = {
    options: { attribute: false },
    text: { state: true },
    refusal: { state: true },
    asking: { state: true },
  };
  declare options: ComposerOptions | undefined;
  /** What the box holds, mirrored for the counter and the discard button. */
  declare private text: string;
  declare private refusal: string | undefined;
  declare private asking: boolean;
  readonly #uid = `ic-composer-${++ids}`;
  #key: string | undefined;
  /** The draft key has been read once (it may be undefined: nothing kept). */
  #keyRead = false;
  #unwatch: (() => void) | undefined;

  constructor() {
    super();
    this.options = undefined;
    this.text = '';
    this.refusal = undefined;
    this.asking = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unwatch = drafts.watch((key) => {
      if (key === this.#key) this.#load();
    });
    // Drawn at once, so whoever opened it can focus the box as soon as its own render is done.
    if (!this.hasUpdated) this.performUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unwatch?.();
  }

  /** The text box. */
  get box(): HTMLTextAreaElement | null {
    return this.querySelector('textarea');
  }

  protected override updated(changed: PropertyValues): void {
    const key = this.options?.draftKey;
    if (!this.#keyRead || key !== this.#key) {
      this.#keyRead = true;
      this.#key = key;
      this.asking = false;
      this.#load(this.options?.value ?? '');
    }
    if (changed.has('asking') && this.asking) focusConfirm(this);
  }

  /** Puts the kept draft (or `fallback` when none is kept) into the box. */
  #load(fallback = ''): void {
    const box = this.box;
    const text = this.#key ? drafts.get(this.#key) : fallback;
    if (box && box.value !== text) box.value = text;
    this.text = text;
    this.refusal = this.#key ? drafts.refusal(this.#key) : undefined;
  }

  #onInput(): void {
    const value = this.box?.value ?? '';
    this.text = value;
    if (this.#key) {
      drafts.set(this.#key, value);
      drafts.clearRefusal(this.#key);
    }
    this.refusal = undefined;
    this.options?.onInput?.(value);
  }

  #send(): void {
    const o = this.options;
    const box = this.box;
    if (!o || !box) return;
    const text = box.value;
    const key = this.#key;
    const refused: Refused = (reason) => {
      if (key) drafts.restore(key, text, reason);
    };
    if (!o.onSend(text, refused)) return;
    box.value = '';
    this.text = '';
    this.refusal = undefined;
    if (key) drafts.clear(key);
  }

  /** The cancel or discard button: asks first when a kept, non-empty draft would be lost. */
  #cancel(): void {
    if (this.#key && this.text.trim() !== '') this.asking = true;
    else this.#discard();
  }

  #discard(): void {
    this.asking = false;
    if (this.#key) drafts.clear(this.#key);
    if (this.box) this.box.value = '';
    this.text = '';
    this.refusal = undefined;
    if (this.options?.cancelLabel) this.options.onCancel();
    else this.box?.focus();
  }

  #keep(): void {
    this.asking = false;
    this.box?.focus();
  }

  #onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.#send();
    } else if (e.key === 'Escape') {
      // Closing keeps the draft; only the discard button throws it away.
      e.preventDefault();
      e.stopPropagation();
      this.options?.onCancel();
    }
  }

  #counter(): TemplateResult | typeof nothing {
    const left = MAX_TEXT_CHARS - textLength(this.text);
    const i18n = this.options?.i18n;
    if (left > COUNTER_FROM || !i18n) return nothing;
    const t = i18n.text.composer;
    return html`<p class="counter ${left < 0 ? 'over' : ''}" id="${this.#uid}-count">${left < 0 ? i18n.plural(t.over, -left) : i18n.plural(t.left, left)}</p>`;
  }

  override render() {
    const o = this.options;
    if (!o) return nothing;
    const { i18n } = o;
    const t = i18n.text.composer;
    const counter = this.#counter();
    return html`<div class="composer">
      <textarea
        part=${o.part ?? 'composer'}
        rows="2"
        dir=${writtenDirection(this.text, i18n)}
        aria-label=${o.label}
        placeholder=${o.placeholder}
        aria-invalid=${o.error ? 'true' : 'false'}
        aria-describedby=${counter === nothing ? nothing : `${this.#uid}-count`}
        ?disabled=${o.disabled}
        @keydown=${this.#onKey}
        @input=${this.#onInput}
      ></textarea>
      ${counter}
      ${o.error ? html`<p class="hint" role="alert">${o.error}</p>` : nothing}
      ${this.refusal
        ? html`<div class="refused">
            <p class="hint" role="alert">${i18n.format(t.notSent, { reason: this.refusal })}</p>
            <button type="button" class="secondary retry" ?disabled=${o.disabled} @click=${() => this.#send()}>${t.retry}</button>
          </div>`
        : nothing}
      ${this.asking
        ? confirmTemplate({
            id: `${this.#uid}-discard`,
            question: t.discardQuestion,
            detail: t.discardDetail,
            confirmLabel: t.discard,
            keepLabel: t.keep,
            onConfirm: () => this.#discard(),
            onKeep: () => this.#keep(),
          })
        : html`<div class="actions">
            ${o.cancelLabel
              ? html`<button type="button" class="secondary" @click=${() => this.#cancel()}>${o.cancelLabel}</button>`
              : this.text.trim() !== ''
                ? html`<button type="button" class="secondary" @click=${() => this.#cancel()}>${t.discard}</button>`
                : nothing}
            <button type="button" part="send" ?disabled=${o.disabled} @click=${() => this.#send()}>${o.sendLabel}</button>
          </div>`}
    </div>`;
  }
}

/**
 * The box's `dir`: what is written lays itself out by its own direction (`auto`); an empty box (the
 * placeholder, the caret) and one with no letters yet (`dir="auto"` would make them left to right)
 * take the language's.
 */
function writtenDirection(text: string, i18n: I18n): 'auto' | 'ltr' | 'rtl' {
  return /[\p{L}]/u.test(text) ? 'auto' : i18n.dir;
}

/** The composer for `o`; the element must be defined (image-chat.ts does it). */
export function composerTemplate(o: ComposerOptions): TemplateResult {
  return html`<image-chat-composer .options=${o}></image-chat-composer>`;
}
