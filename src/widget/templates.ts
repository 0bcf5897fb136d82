/** Small pieces of <image-chat>'s rendering and its public event detail types. */
import { html, nothing } from 'lit';
import type { Chat } from '../protocol/messages.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { ChatView } from './chat-list.ts';
import type { I18n } from './i18n/i18n.ts';

export type ImageChatStatus = ConnectionStatus;

/** Detail of `image-chat-created`, `image-chat-updated`, `image-chat-deleted`. */
export interface ImageChatChangeDetail {
  readonly chat: Chat;
  /** True for this element's own action (fired once the server confirmed it). */
  readonly local: boolean;
}

/** Detail of `image-chat-error`. */
export interface ImageChatErrorDetail {
  readonly code: string;
  /** The server's English message (for logs). */
  readonly message: string;
  /** What the reader was told, in the element's language. */
  readonly text: string;
}

/** The banner's sentence for a connection state other than online. */
export function statusText(i18n: I18n, status: Exclude<ConnectionStatus, 'online'>): string {
  return i18n.text.status[status];
}

/** Replies in a conversation (its messages after the first). */
export const replyCount = (chat: ChatView) => Math.max(0, chat.comments.length - 1);

/** A marker's accessible name: who started it, its opening words, its state and activity. */
export function markerLabel(i18n: I18n, chat: ChatView, number: number, unread = 0): string {
  const t = i18n.text.markers;
  const first = chat.comments[0]?.text ?? '';
  const replies = replyCount(chat);
  const parts = [i18n.format(t.marker, { number, author: chat.author.name, text: first.length > 80 ? first.slice(0, 80) + '…' : first })];
  if (chat.resolved) parts.push(t.resolved);
  if (chat.pending) parts.push(t.sending);
  if (replies) parts.push(i18n.plural(t.replies, replies));
  if (unread) parts.push(i18n.plural(t.unread, unread));
  return parts.join(' ');
}

/** Where and how a marker is drawn (marker-layer.ts). */
export interface MarkerPlace {
  readonly number: number;
  /** The corner of the pin on the point. */
  readonly tip: string;
  readonly style: string;
  /** Its viewer may move it. */
  readonly movable: boolean;
  readonly moving: boolean;
  /** Drawn above the others (open, moving or focused). */
  readonly above: boolean;
  readonly describedBy: string | undefined;
}

/**
 * One marker: a numbered button at its fraction of the image, so it stays on its point at any size.
 * `data-replies` (always) and `data-unread` (when there is unread activity, from unread.ts) carry its activity.
 */
export function markerTemplate(i18n: I18n, chat: ChatView, index: number, expanded: boolean, open: () => void, place?: MarkerPlace, unread = 0) {
  const number = place?.number ?? index + 1;
  return html`<button
    type="button"
    part="marker"
    data-chat-id=${chat.id}
    ?data-pending=${chat.pending}
    ?data-resolved=${chat.resolved}
    data-replies=${replyCount(chat)}
    data-unread=${unread > 0 ? unread : nothing}
    data-tip=${place?.tip ?? nothing}
    ?data-movable=${place?.movable}
    ?data-moving=${place?.moving}
    ?data-above=${place?.above}
    aria-label=${markerLabel(i18n, chat, number, unread)}
    aria-describedby=${place?.describedBy ?? nothing}
    aria-expanded=${expanded ? 'true' : 'false'}
    style=${place?.style ?? `left:${chat.x * 100}%;top:${chat.y * 100}%`}
    @click=${open}
  >
    ${i18n.number(number)}
  </button>`;
}
