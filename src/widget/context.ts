/** What <image-chat> hands its thread popup (`<image-chat-thread>`'s `context` property). */
import type { Author, User } from '../protocol/messages.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { ChatView } from './chat-list.ts';
import type { Refused } from './composer.ts';
import type { I18n } from './i18n/i18n.ts';

export interface ThreadContext {
  /** The open conversation, or undefined when none is open. */
  readonly chat: ChatView | undefined;
  /** Its number as shown on the marker. */
  readonly number: number;
  readonly user: User | undefined;
  readonly status: ConnectionStatus;
  readonly readonly: boolean;
  /** The element's language. */
  readonly i18n: I18n;
  /** `imageScope` of the image (draft-store.ts): the reply's draft is kept under it. */
  readonly scope: string;
  /** Shown as a full-screen sheet (a narrow element): the thread adds a Back button. */
  readonly sheet?: boolean;
  /** The server does not answer (not the browser offline): the reason says so. */
  readonly serverUnreachable?: boolean;
  /** Who else is writing in this conversation now (the `typing` part). */
  readonly typing?: readonly Author[];
  /** The reply box holds this text now (typing is announced from it, throttled: presence.ts). */
  drafting?(text: string): void;
  /** Each returns an error text to show, or undefined when the action was sent. */
  reply(text: string, refused?: Refused): string | undefined;
  editComment(commentId: string, text: string, refused?: Refused): string | undefined;
  deleteChat(): string | undefined;
  deleteComment(commentId: string): string | undefined;
  setResolved(resolved: boolean): string | undefined;
  close(): void;
}
