/**
 * The conversations of one image, as pure immutable state: what the server
 * confirmed (from the snapshot, events and acks) plus our own actions still in
 * flight, laid over it optimistically. An ack folds the action into the
 * confirmed state; an error drops exactly that action, which is the rollback.
 * Making, confirming and drawing our actions is chat-actions.ts's, which comes
 * with the lazily loaded parts: a visitor who never acts never loads it.
 *
 * Exactly once: the list holds the last applied `{epoch, seq}`; an event at or
 * below it is ignored, one above the next is a gap (`eventFit`: the caller
 * catches up by subscribing with `since`). Each conversation also remembers
 * the seq it was last set at, so an event already folded in by an ack (or
 * read from the cache) is never applied a second time.
 */
import type {
  ActionMessage,
  AppliedChange,
  Author,
  Chat,
  ChatEvent,
  Comment,
  SeqPosition,
  SnapshotMessage,
} from '../protocol/messages.ts';
import type { CachedList } from '../sync/cache.ts';

export interface CommentView extends Comment {
  /** Sent by us, not confirmed yet. */
  readonly pending: boolean;
}

export interface ChatView extends Chat {
  /** Created, changed or being deleted by us and not confirmed yet. */
  readonly pending: boolean;
  /** Created by us and not stored yet: its id is our broadcastId, it cannot be changed yet. */
  readonly unsaved: boolean;
  readonly comments: readonly CommentView[];
}

export interface PendingAction {
  readonly action: ActionMessage;
  readonly author: Author;
  readonly at: number;
  /**
   * The seq its ack gave it, while the list has not reached the seq before it:
   * still drawn from here, folded in by its echo (or a snapshot at or past it).
   */
  readonly acked?: number;
}

export interface ChatListState {
  /** The server's snapshot or replay has been applied (not just the cache). */
  readonly loaded: boolean;
  /** Showing what the cache held, not yet confirmed by the server. */
  readonly cached: boolean;
  readonly epoch: string | undefined;
  /** Highest event seq applied. */
  readonly seq: number;
  /** Server truth, with the seq at which each conversation was last set. */
  readonly confirmed: ReadonlyMap<string, { readonly chat: Chat; readonly seq: number }>;
  /** Our actions in flight, in the order made. */
  readonly pending: readonly PendingAction[];
  /** broadcastIds we made (recent ones), so their echoes are ignored. */
  readonly own: readonly string[];
}

/** How many of our broadcastIds are remembered, so that their echoes are known. */
export const OWN_REMEMBERED = 200;

export const EMPTY_CHAT_LIST: ChatListState = {
  loaded: false,
  cached: false,
  epoch: undefined,
  seq: 0,
  confirmed: new Map(),
  pending: [],
  own: [],
};

export function applySnapshot(state: ChatListState, snapshot: SnapshotMessage): ChatListState {
  const confirmed = new Map(snapshot.chats.map((chat) => [chat.id, { chat, seq: snapshot.seq }] as const));
  // An acked action the snapshot already holds would otherwise be drawn twice.
  const pending = state.pending.filter((p) => p.acked === undefined || p.acked > snapshot.seq);
  return { ...state, loaded: true, cached: false, epoch: snapshot.epoch, seq: snapshot.seq, confirmed, pending };
}

export interface SnapshotChanges {
  readonly created: readonly Chat[];
  readonly updated: readonly Chat[];
  /** As they were last known. */
  readonly deleted: readonly Chat[];
}

/**
 * What a snapshot changed against what was shown before it (the cache, or an
 * earlier answer): a snapshot that bridges a long gap carries no events, yet
 * integrators listening for `image-chat-*` must hear of every change. Nothing
 * when nothing was shown before: the first load is not a change.
 */
export function snapshotChanges(before: ChatListState, snapshot: SnapshotMessage): SnapshotChanges {
  if (!before.loaded && !before.cached) return { created: [], updated: [], deleted: [] };
  const next = new Map(snapshot.chats.map((chat) => [chat.id, chat] as const));
  const created: Chat[] = [];
  const updated: Chat[] = [];
  for (const chat of snapshot.chats) {
    const old = before.confirmed.get(chat.id)?.chat;
    // Both sides are server-built (or their structured clones), so equal conversations serialise alike.
    if (!old) created.push(chat);
    else if (JSON.stringify(old) !== JSON.stringify(chat)) updated.push(chat);
  }
  const deleted = [...before.confirmed.values()].map((e) => e.chat).filter((chat) => !next.has(chat.id));
  return { created, updated, deleted };
}

/** The confirmed state, to cache (pending actions are never kept: they are not facts). */
export function toCached(state: ChatListState): CachedList | undefined {
  if (state.epoch === undefined) return undefined;
  return { epoch: state.epoch, seq: state.seq, chats: [...state.confirmed.values()] };
}

/** Paints from the cache until the server answers; the server's snapshot or replay then takes over. */
export function applyCached(state: ChatListState, cached: CachedList): ChatListState {
  const confirmed = new Map(cached.chats.map((entry) => [entry.chat.id, entry] as const));
  return { ...state, cached: true, epoch: cached.epoch, seq: cached.seq, confirmed };
}

/** Where the list is, for `subscribe {since}`. */
export function positionOf(state: ChatListState): SeqPosition | undefined {
  return state.epoch === undefined ? undefined : { epoch: state.epoch, seq: state.seq };
}

/** The server's replay has been applied: the list is current. */
export function markLoaded(state: ChatListState): ChatListState {
  return state.loaded && !state.cached ? state : { ...state, loaded: true, cached: false };
}

/** `old`: at or below what we have, ignore; `next`: apply; `gap`: events are missing, catch up first. */
export function eventFit(state: ChatListState, event: ChatEvent): 'old' | 'next' | 'gap' {
  if (event.seq <= state.seq) return 'old';
  return event.seq === state.seq + 1 ? 'next' : 'gap';
}

/** True for the server's echo of one of our own actions. */
export function isOwnEcho(state: ChatListState, event: ChatEvent): boolean {
  return state.own.includes(event.broadcastId);
}

/**
 * Applies another client's event; already-seen seqs are skipped, and so are
 * our own echoes (the ack folds the action in). An echo whose ack could not be
 * folded yet (`acked`) folds it here: the event is the stored change, the same
 * as the ack's, now in its place in seq order.
 */
export function applyEvent(state: ChatListState, event: ChatEvent): ChatListState {
  if (event.seq <= state.seq && (state.loaded || state.cached)) return state;
  const seq = Math.max(state.seq, event.seq);
  const mine = state.pending.find((p) => p.acked !== undefined && p.action.broadcastId === event.broadcastId);
  if (isOwnEcho(state, event) && !mine) return { ...state, seq };
  const pending = mine ? state.pending.filter((p) => p !== mine) : state.pending;
  const confirmed = new Map(state.confirmed);
  switch (event.type) {
    case 'new-image-chat': {
      const entry = confirmed.get(event.chat.id);
      if (!entry || entry.seq < event.seq) confirmed.set(event.chat.id, { chat: event.chat, seq: event.seq });
      break;
    }
    case 'image-chat-updated': {
      const entry = confirmed.get(event.chatId);
      // An ack may already have set this conversation at this seq or later: applying again would repeat a reply.
      if (entry && entry.seq < event.seq) confirmed.set(event.chatId, { chat: applyChange(entry.chat, event.change), seq: event.seq });
      break;
    }
    case 'deleted-image-chat':
      confirmed.delete(event.chatId);
      break;
  }
  return { ...state, seq, confirmed, pending };
}

/**
 * What to draw without actions of ours in flight: the confirmed conversations, oldest first. Ours are laid
 * over them by chat-actions.ts (`viewWithPending`), which comes with the parts that make them.
 */
export function view(state: ChatListState): ChatView[] {
  return byCreation([...state.confirmed.values()].map(({ chat }) => toView(chat, false)));
}

/** Oldest first; conversations made in the same millisecond by id, the same on every client. */
export function byCreation(chats: ChatView[]): ChatView[] {
  return chats.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function toView(chat: Chat, pending: boolean): ChatView {
  return { ...chat, pending, unsaved: false, comments: chat.comments.map((c) => ({ ...c, pending })) };
}

/** One change applied to a conversation, as the server applies it. */
export function applyChange<C extends Chat>(chat: C, change: AppliedChange): C {
  switch (change.kind) {
    case 'add-comment':
      return { ...chat, comments: [...chat.comments, change.comment] };
    case 'edit-comment':
      return {
        ...chat,
        comments: chat.comments.map((c) => (c.id === change.commentId ? { ...c, text: change.text, editedAt: change.editedAt } : c)),
      };
    case 'delete-comment':
      return { ...chat, comments: chat.comments.filter((c) => c.id !== change.commentId) };
    case 'move':
      return { ...chat, x: change.x, y: change.y };
    case 'resolve':
      return { ...chat, resolved: change.resolved };
  }
}
