/** Small pieces of <image-chat>'s rendering and its public event detail types. */
import { html, nothing } from 'lit';
import type { Chat } from '../protocol/messages.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { ChatView } from './chat-list.ts';
import { placePopup, type Point, type Rect, type Size } from './geometry.ts';

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
  readonly message: string;
}

export const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: '',
  reconnecting: 'Reconnecting… You can’t post until the connection is back.',
  // The browser's own offline state only: a server that does not answer is said so (status-banner.ts).
  offline: 'You are offline. Conversations show as last seen; you can’t post until your network is back.',
};

/**
 * Why nothing can be posted, replied, edited or deleted right now, or undefined when it can.
 * Actions are refused rather than queued: one made offline would otherwise land later, out of context.
 */
export function blockedReason(status: ConnectionStatus, serverUnreachable = false): string | undefined {
  if (serverUnreachable && status !== 'online') return 'The server cannot be reached, so you can’t post, reply or delete until it is back. Conversations stay readable.';
  switch (status) {
    case 'online':
      return undefined;
    case 'connecting':
      return 'Connecting… you can write once connected.';
    case 'reconnecting':
      return 'Reconnecting… you can’t post, reply or delete until the connection is back.';
    case 'offline':
      return 'You are offline, so you can’t post, reply or delete. Conversations stay readable.';
  }
}

/** Said in the banner to whoever was reading a conversation someone else deleted (its thread closes). */
export const goneText = (n: number) => `Conversation ${n} was deleted by someone else.`;

/** Inline style placing a popup next to a point (fractions of the image content) inside the host. */
export function popupStyle(content: Rect, at: Point, width: number, bounds: Size): string {
  const p = placePopup({ x: content.x + at.x * content.width, y: content.y + at.y * content.height }, width, bounds);
  const v = p.top !== undefined ? `top:${p.top}px` : `bottom:${p.bottom ?? 0}px`;
  return `left:${p.left}px;width:${p.width}px;${v};max-height:${p.maxHeight}px`;
}

/** Replies in a conversation (its messages after the first). */
export const replyCount = (chat: ChatView) => Math.max(0, chat.comments.length - 1);

const ACTIVITY = {
  replies: (n: number) => (n === 1 ? '1 reply.' : `${n} replies.`),
  unread: (n: number) => (n === 1 ? '1 unread message.' : `${n} unread messages.`),
};

export function markerLabel(chat: ChatView, index: number, unread = 0): string {
  const first = chat.comments[0]?.text ?? '';
  const replies = replyCount(chat);
  return (
    `Conversation ${index + 1} by ${chat.author.name}: ${first.length > 80 ? first.slice(0, 80) + '…' : first}` +
    `${chat.resolved ? ' (resolved)' : ''}${chat.pending ? ' (sending)' : ''}` +
    `${replies ? ` ${ACTIVITY.replies(replies)}` : ''}${unread ? ` ${ACTIVITY.unread(unread)}` : ''}`
  );
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
export function markerTemplate(chat: ChatView, index: number, expanded: boolean, open: () => void, place?: MarkerPlace, unread = 0) {
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
    aria-label=${markerLabel(chat, index, unread)}
    aria-describedby=${place?.describedBy ?? nothing}
    aria-expanded=${expanded ? 'true' : 'false'}
    style=${place?.style ?? `left:${chat.x * 100}%;top:${chat.y * 100}%`}
    @click=${open}
  >
    ${place?.number ?? index + 1}
  </button>`;
}
