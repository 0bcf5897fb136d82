/**
 * The `thread` popup of the open conversation (`<image-chat-thread>`), built from what the element lends
 * it, and this user's typing in it. Comes with the lazily loaded parts: the element opens a thread only
 * once they are here.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Author, Change, User } from '../protocol/messages.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { ChatView } from './chat-list.ts';
import type { Refused } from './composer.ts';
import type { ThreadContext } from './context.ts';
import type { I18n } from './i18n/i18n.ts';
import { Typing, othersTyping, type TypingOptions } from './typing.ts';
import { validateText } from './validate-text.ts';

export interface ThreadPopupSource {
  readonly i18n: I18n;
  readonly chat: ChatView;
  /** Its number on the marker, and its accessible name. */
  readonly number: number;
  readonly label: string;
  /** A full-screen sheet (a narrow element) rather than a popup at `style`. */
  readonly sheet: boolean;
  readonly style: string | undefined;
  readonly user: User | undefined;
  readonly status: ConnectionStatus;
  readonly readonly: boolean;
  /** `imageScope` of the image (image-id.ts): the reply's draft is kept under it. */
  readonly scope: string;
  readonly serverUnreachable: boolean;
  /** Who writes in the conversation now, as the server says (this user among them, maybe). */
  readonly typists: readonly Author[];
  /** The element's own; each returns why it was refused, or undefined once sent. */
  reply(text: string, refused?: Refused): string | undefined;
  update(change: Change, refused?: Refused): string | undefined;
  deleteChat(): string | undefined;
  /** Closes the thread; `restoreFocus`: back to its marker. */
  close(restoreFocus: boolean): void;
}

export class ThreadPopup {
  readonly typing: Typing;

  constructor(sendTyping: (chatId: string, stop: boolean) => void, options?: TypingOptions) {
    this.typing = new Typing(sendTyping, options);
  }

  render(s: ThreadPopupSource): TemplateResult {
    const { chat, i18n, sheet } = s;
    const context: ThreadContext = {
      chat,
      number: s.number,
      user: s.user,
      status: s.status,
      readonly: s.readonly,
      i18n,
      scope: s.scope,
      sheet,
      serverUnreachable: s.serverUnreachable,
      typing: othersTyping(s.typists, s.user?.id),
      drafting: (text) => s.readonly || this.typing.input(chat.id, text),
      reply: (text, refused) => {
        const refusal = s.reply(text, refused);
        if (refusal === undefined) this.typing.stop();
        return refusal;
      },
      editComment: (commentId, text, refused) => validateText(i18n, text) ?? s.update({ kind: 'edit-comment', commentId, text }, refused),
      deleteChat: s.deleteChat,
      deleteComment: (commentId) => s.update({ kind: 'delete-comment', commentId }),
      setResolved: (resolved) => s.update({ kind: 'resolve', resolved }),
      close: () => s.close(true),
    };
    return html`<image-chat-thread
      part="thread"
      role="dialog"
      aria-label=${s.label}
      aria-modal=${sheet ? 'true' : nothing}
      ?data-sheet=${sheet}
      popover=${sheet ? 'manual' : nothing}
      tabindex=${sheet ? '-1' : nothing}
      style=${s.style ?? nothing}
      .context=${context}
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.preventDefault(), s.close(true))}
    ></image-chat-thread>`;
  }
}
