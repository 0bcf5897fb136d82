/**
 * The `new-chat` popup (new-chat.ts decides when it shows): the text box for a new conversation, a
 * full-screen sheet with its head where the element is narrow. It comes with the lazily loaded parts.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { composerTemplate } from './composer.ts';
import type { Refused } from './composer.ts';
import { sheetHead } from './sheet.ts';
import type { I18n } from './i18n/i18n.ts';

export interface NewChatView {
  readonly i18n: I18n;
  /** A full-screen sheet (a narrow element) rather than a popup at `style`. */
  readonly sheet: boolean;
  readonly style: string | undefined;
  /** Why nothing can be sent (refused, offline, reconnecting), under the text box. */
  readonly error: string | undefined;
  readonly disabled: boolean;
  readonly draftKey: string;
  onSend(text: string, refused: Refused): boolean;
  onCancel(): void;
  onInput(): void;
}

export function newChatTemplate(o: NewChatView): TemplateResult {
  const t = o.i18n.text.composer;
  return html`<div
    part="new-chat"
    class="popup"
    role="dialog"
    aria-label=${t.newChat}
    aria-modal=${o.sheet ? 'true' : nothing}
    ?data-sheet=${o.sheet}
    popover=${o.sheet ? 'manual' : nothing}
    tabindex=${o.sheet ? '-1' : nothing}
    style=${o.style ?? nothing}
  >
    ${o.sheet ? sheetHead(o.i18n, t.newChat, o.onCancel) : nothing}
    ${composerTemplate({
      i18n: o.i18n,
      label: t.newChat,
      placeholder: t.placeholder,
      sendLabel: t.send,
      error: o.error,
      disabled: o.disabled,
      draftKey: o.draftKey,
      cancelLabel: t.cancel,
      onSend: o.onSend,
      onCancel: o.onCancel,
      onInput: o.onInput,
    })}
  </div>`;
}
