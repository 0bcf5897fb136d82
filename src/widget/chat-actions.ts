/**
 * Our own actions on an image's conversations, for ChatSync: sent at once and drawn optimistically
 * (`addPending`, `viewWithPending`), confirmed by the ack (`applyAck`), rolled back on error. It comes
 * with the element's lazily loaded parts, which make every action (the element refuses one asked for
 * before they arrive): a visitor who only looks never loads it.
 */
import type { AckMessage, ActionMessage, AppliedChange, Author, Chat, Comment } from '../protocol/messages.ts';
import { ActionError, type ErrorReport } from '../sync/types.ts';
import { english } from './i18n/i18n.ts';
import { failedAction } from './i18n/error-reason.ts';
import { OWN_REMEMBERED, applyChange, byCreation, toView, type ChatListState, type ChatView, type CommentView } from './chat-list.ts';
import type { ActionMade, ChatSync, RefusedAction, SyncErrorReport } from './chat-sync.ts';

/**
 * Sends an action and shows it at once. Returns why it was refused before it was sent, or undefined;
 * `refused` hears why the server refused it later (or why it never got there).
 */
export function act(sync: ChatSync, made: ActionMade, refused?: RefusedAction): SyncErrorReport | undefined {
  const action = { ...made, image: sync.target?.image ?? '', broadcastId: crypto.randomUUID() } as ActionMessage;
  const connection = sync.connection;
  const user = connection?.user;
  if (!connection || !user || connection.status !== 'online') return fail(sync, { ...ActionError.local('not-online').report, action: action.type });
  let sent: Promise<AckMessage>;
  try {
    sent = connection.send(action);
  } catch (e) {
    return fail(sync, { ...reportOf(e), action: action.type });
  }
  const generation = sync.generation;
  const before = action.type === 'create-image-chat' ? undefined : sync.chats.find((c) => c.id === action.chatId);
  sync.setList(addPending(sync.list, action, { id: user.id, name: user.name }, Date.now()));
  sent.then(
    (ack) => {
      if (generation !== sync.generation) return;
      sync.setList(applyAck(sync.list, ack));
      const chat = ackedChat(sync.list, action, ack) ?? before;
      const kind = action.type === 'create-image-chat' ? 'created' : action.type === 'update-image-chat' ? 'updated' : 'deleted';
      if (chat) sync.on.change(kind, chat, true, kind === 'created' ? action.broadcastId : undefined);
    },
    (error: unknown) => {
      if (generation !== sync.generation) return;
      sync.setList(rollback(sync.list, action.broadcastId));
      const report = { ...reportOf(error), action: action.type };
      fail(sync, report);
      refused?.(report.message, report);
    },
  );
  return undefined;
}

/** Tells the element (with the English log line), and returns the facts for the place the action came from to word. */
function fail(sync: ChatSync, report: SyncErrorReport): SyncErrorReport {
  sync.on.error(report.code, `${failedAction(english, report.action!)}: ${report.message}`, report);
  return report;
}

function reportOf(error: unknown): ErrorReport {
  if (error instanceof ActionError) return error.report;
  return { code: 'unavailable', message: error instanceof Error ? error.message : String(error) };
}

/** Shows an action at once, before the server answers. */
export function addPending(state: ChatListState, action: ActionMessage, author: Author, at: number): ChatListState {
  return {
    ...state,
    pending: [...state.pending, { action, author, at }],
    own: [...state.own, action.broadcastId].slice(-OWN_REMEMBERED),
  };
}

/**
 * The server confirmed our action. A create brings the stored conversation; a
 * delete removes it; an update brings the stored change, applied to the
 * confirmed conversation when it is older than the ack. That is only sound
 * when every event before the ack is applied (else the conversation at the
 * ack's seq would lack them, and they would be skipped as older): otherwise
 * the action stays drawn as pending and its echo, on its way, folds it in.
 */
export function applyAck(state: ChatListState, ack: AckMessage): ChatListState {
  const entry = state.pending.find((p) => p.action.broadcastId === ack.broadcastId);
  if (!entry || entry.acked !== undefined) return state;
  const pending = state.pending.filter((p) => p !== entry);
  const confirmed = new Map(state.confirmed);
  const action = entry.action;
  if (action.type === 'create-image-chat') {
    const current = ack.chat && confirmed.get(ack.chat.id);
    // A newer event from someone else may already be folded in; keep the newer one.
    if (ack.chat && (!current || current.seq <= ack.seq)) confirmed.set(ack.chat.id, { chat: ack.chat, seq: ack.seq });
  } else if (action.type === 'delete-image-chat') {
    confirmed.delete(action.chatId);
  } else {
    const current = confirmed.get(action.chatId);
    if (current && ack.change && current.seq < ack.seq) {
      if (state.seq < ack.seq - 1) return { ...state, pending: state.pending.map((p) => (p === entry ? { ...p, acked: ack.seq } : p)) };
      confirmed.set(action.chatId, { chat: applyChange(current.chat, ack.change), seq: ack.seq });
    }
  }
  return { ...state, pending, confirmed };
}

/** The conversation as our acked action left it, for the `image-chat-*` event; undefined after a delete. */
export function ackedChat(state: ChatListState, action: ActionMessage, ack: AckMessage): Chat | undefined {
  if (action.type === 'create-image-chat') return ack.chat;
  if (action.type === 'delete-image-chat') return undefined;
  const entry = state.confirmed.get(action.chatId);
  if (!entry) return undefined;
  return entry.seq >= ack.seq || !ack.change ? entry.chat : applyChange(entry.chat, ack.change);
}

/**
 * The server refused our action (or it never got there): only that action is
 * undone. It is no longer "ours" either: if the server did store it before the
 * connection dropped, its event comes back in the replay and must be applied.
 */
export function rollback(state: ChatListState, broadcastId: string): ChatListState {
  const pending = state.pending.filter((p) => p.action.broadcastId !== broadcastId);
  if (pending.length === state.pending.length) return state;
  return { ...state, pending, own: state.own.filter((id) => id !== broadcastId) };
}

/** What to draw: confirmed conversations with our pending actions applied, oldest first. */
export function viewWithPending(state: ChatListState): ChatView[] {
  const chats = new Map<string, ChatView>();
  for (const { chat } of state.confirmed.values()) chats.set(chat.id, toView(chat, false));
  for (const p of state.pending) {
    const a = p.action;
    if (a.type === 'create-image-chat') {
      const comment: CommentView = { id: a.broadcastId, author: p.author, text: a.text, createdAt: p.at, pending: true };
      chats.set(a.broadcastId, {
        id: a.broadcastId,
        x: a.x,
        y: a.y,
        author: p.author,
        createdAt: p.at,
        resolved: false,
        comments: [comment],
        pending: true,
        unsaved: true,
      });
      continue;
    }
    const chat = chats.get(a.chatId);
    if (!chat) continue;
    if (a.type === 'delete-image-chat') {
      chats.delete(a.chatId);
      continue;
    }
    const change = a.change;
    const applied: AppliedChange =
      change.kind === 'add-comment'
        ? { ...change, comment: { id: a.broadcastId, author: p.author, text: change.text, createdAt: p.at } }
        : change.kind === 'edit-comment'
          ? { ...change, editedAt: p.at }
          : change;
    const next = applyChange(chat, applied) as ChatView;
    const pendingComment = (c: Comment) =>
      (change.kind === 'add-comment' && c.id === a.broadcastId) || (change.kind === 'edit-comment' && c.id === change.commentId);
    chats.set(a.chatId, {
      ...next,
      pending: true,
      comments: next.comments.map((c) => ({ ...c, pending: (c as CommentView).pending || pendingComment(c) })),
    });
  }
  return byCreation([...chats.values()]);
}

