/**
 * What storing an action means, written once for every store: idempotency by
 * broadcastId, the tenant's limits, existence and permission checks, the
 * change itself, the image's next seq, the event row and the log trim. A store
 * only supplies an ApplyTransaction (its SQL for each step) and runs the steps
 * inside one of its transactions.
 *
 * The steps are a generator that yields each store call and is resumed with
 * its result, so one text serves both kinds of driver: SQLite runs it to the
 * end synchronously inside better-sqlite3's `transaction().immediate()`
 * (`runSteps`), PostgreSQL awaits each call inside `sql.begin()`
 * (`runStepsAsync`). Why not one async function for both: docs/server.md,
 * "One apply for every store".
 */
import { randomUUID } from 'node:crypto';
import type { ActionMessage, AppliedChange, Chat, ChatEvent, Comment, UpdateImageChatMessage, User } from '../protocol/messages.ts';
import { StoreError } from '../store/store.ts';
import type { Applied, ApplyLimits } from '../store/store.ts';
import { requireAuthorOrModerator } from './permissions.ts';

/** A store call's result: a value (SQLite) or a promise of it (PostgreSQL). */
export type Step<T> = T | PromiseLike<T>;

/**
 * One image's writes inside one open transaction of a store. Every method
 * concerns the (tenant, image) the transaction was opened for.
 */
export interface ApplyTransaction {
  /**
   * Creates the image's row if it has none (with the database's first-history
   * epoch and seq 0) and holds it locked until the transaction ends: every
   * check and write that follows sees no concurrent change to the image, and
   * this row is the one place the image's seq is assigned.
   */
  lockImage(): Step<void>;
  /** The event stored under this broadcastId on this image, and who sent it. */
  eventByBroadcastId(broadcastId: string): Step<{ event: ChatEvent; actorId: string } | undefined>;
  /** The conversation's author id; undefined when there is no such conversation. */
  chatAuthor(chatId: string): Step<string | undefined>;
  /** The comment's author id; undefined when the conversation holds no such comment. */
  commentAuthor(chatId: string, commentId: string): Step<string | undefined>;
  /** The id of the conversation's opening comment. */
  firstCommentId(chatId: string): Step<string | undefined>;
  chatCount(): Step<number>;
  /**
   * Counts one more conversation created on the image and returns the count:
   * the new conversation's number (1, 2, …; never reused, not even after a delete).
   */
  nextChatNumber(): Step<number>;
  commentCount(chatId: string): Step<number>;
  /**
   * Stores a new conversation and its comments (the opening one), in order,
   * with the page it was started on (not part of the Chat: the admin API's alone).
   * Its last activity is its newest comment's time.
   */
  insertChat(chat: Chat, page: string | undefined): Step<void>;
  /** Appends a comment: it sorts after every comment the conversation holds, and is its last activity. */
  insertComment(chatId: string, comment: Comment): Step<void>;
  editComment(commentId: string, text: string, editedAt: number): Step<void>;
  /** Removes a reply; the conversation's last activity becomes its newest remaining comment's time. */
  deleteComment(chatId: string, commentId: string): Step<void>;
  moveChat(chatId: string, x: number, y: number): Step<void>;
  resolveChat(chatId: string, resolved: boolean): Step<void>;
  /** Removes the conversation and its comments; its events stay in the log. */
  deleteChat(chatId: string): Step<void>;
  /** Raises the image's seq by one and returns it. */
  nextSeq(): Step<number>;
  insertEvent(event: ChatEvent, actorId: string, createdAt: number): Step<void>;
  /** Drops the image's events up to and including `seq`. */
  trimLog(seq: number): Step<void>;
}

export interface ApplyRequest {
  readonly image: string;
  readonly action: ActionMessage;
  readonly actor: User;
  readonly limits: ApplyLimits;
  /** Events kept per image: older ones are trimmed in this transaction. */
  readonly logKeep: number;
}

/** A generator of store calls: each yield is a Step, resumed with its value. */
export type Steps<R> = Generator<unknown, R, unknown>;

/** Yields one store call and hands back its result, typed. */
function* call<T>(value: Step<T>): Generator<Step<T>, T, unknown> {
  return (yield value) as T;
}

/** The whole action, all or nothing: a throw (StoreError or fault) must roll the transaction back. */
export function* applySteps(tx: ApplyTransaction, request: ApplyRequest): Steps<Applied> {
  const { action, actor } = request;
  yield* call(tx.lockImage());
  const prior = yield* call(tx.eventByBroadcastId(action.broadcastId));
  if (prior) {
    if (prior.actorId !== actor.id) throw new StoreError('invalid', 'broadcastId already used', { reason: 'broadcast-id-taken' });
    return { event: prior.event, duplicate: true };
  }
  const now = Date.now();
  const eventAt = yield* write(tx, request, now);
  const seq = yield* call(tx.nextSeq());
  const event = eventAt(seq);
  yield* call(tx.insertEvent(event, actor.id, now));
  // Trimmed here, in the same transaction: the log never holds more than logKeep events of an image.
  if (seq > request.logKeep) yield* call(tx.trimLog(seq - request.logKeep));
  return { event, duplicate: false };
}

/** Checks and writes the change; returns the event it becomes once its seq is known. */
function* write(tx: ApplyTransaction, request: ApplyRequest, now: number): Steps<(seq: number) => ChatEvent> {
  const { image, action, actor, limits } = request;
  const { broadcastId } = action;
  switch (action.type) {
    case 'create-image-chat': {
      const max = limits.maxChatsPerImage;
      if (max !== undefined && (yield* call(tx.chatCount())) >= max) {
        throw new StoreError('too-large', `this image already holds ${max} conversations, the most allowed: resolve and delete old ones first`, {
          reason: 'too-many-conversations',
          limit: max,
        });
      }
      const author = { id: actor.id, name: actor.name };
      const opening: Comment = { id: randomUUID(), author, text: action.text, createdAt: now };
      const number = yield* call(tx.nextChatNumber());
      const chat: Chat = { id: randomUUID(), x: action.x, y: action.y, author, createdAt: now, resolved: false, comments: [opening], number };
      yield* call(tx.insertChat(chat, action.page));
      return (seq) => ({ type: 'new-image-chat', image, seq, broadcastId, chat });
    }
    case 'update-image-chat': {
      const change = yield* writeChange(tx, action, request, now);
      return (seq) => ({ type: 'image-chat-updated', image, seq, broadcastId, chatId: action.chatId, change });
    }
    case 'delete-image-chat': {
      const author = yield* requireChat(tx, action.chatId);
      requireAuthorOrModerator('delete-image-chat', actor, author);
      yield* call(tx.deleteChat(action.chatId));
      return (seq) => ({ type: 'deleted-image-chat', image, seq, broadcastId, chatId: action.chatId });
    }
  }
}

function* writeChange(tx: ApplyTransaction, action: UpdateImageChatMessage, request: ApplyRequest, now: number): Steps<AppliedChange> {
  const { actor, limits } = request;
  const { chatId, change } = action;
  // Unknown conversation or comment is not-found, checked before permission.
  const chatAuthor = yield* requireChat(tx, chatId);
  switch (change.kind) {
    case 'add-comment': {
      const max = limits.maxCommentsPerChat;
      if (max !== undefined && (yield* call(tx.commentCount(chatId))) >= max) {
        throw new StoreError('too-large', `this conversation already holds ${max} comments, the most allowed: start a new conversation`, {
          reason: 'too-many-comments',
          limit: max,
        });
      }
      const comment: Comment = { id: randomUUID(), author: { id: actor.id, name: actor.name }, text: change.text, createdAt: now };
      yield* call(tx.insertComment(chatId, comment));
      return { kind: 'add-comment', text: change.text, comment };
    }
    case 'edit-comment': {
      requireAuthorOrModerator('edit-comment', actor, yield* requireComment(tx, chatId, change.commentId));
      yield* call(tx.editComment(change.commentId, change.text, now));
      return { kind: 'edit-comment', commentId: change.commentId, text: change.text, editedAt: now };
    }
    case 'delete-comment': {
      requireAuthorOrModerator('delete-comment', actor, yield* requireComment(tx, chatId, change.commentId));
      // The first comment is the conversation's own text: removing it would leave a marker about nothing.
      if ((yield* call(tx.firstCommentId(chatId))) === change.commentId) {
        throw new StoreError('invalid', 'the first comment opens the conversation: delete the conversation instead', { reason: 'first-comment' });
      }
      yield* call(tx.deleteComment(chatId, change.commentId));
      return { kind: 'delete-comment', commentId: change.commentId };
    }
    case 'move':
      requireAuthorOrModerator('move', actor, chatAuthor);
      yield* call(tx.moveChat(chatId, change.x, change.y));
      return { kind: 'move', x: change.x, y: change.y };
    case 'resolve':
      yield* call(tx.resolveChat(chatId, change.resolved));
      return { kind: 'resolve', resolved: change.resolved };
  }
}

/** The conversation's author; `not-found` when the image holds no such conversation. */
function* requireChat(tx: ApplyTransaction, chatId: string): Steps<string> {
  const author = yield* call(tx.chatAuthor(chatId));
  if (author === undefined) throw new StoreError('not-found', 'no such conversation on this image', { reason: 'no-such-conversation' });
  return author;
}

function* requireComment(tx: ApplyTransaction, chatId: string, commentId: string): Steps<string> {
  const author = yield* call(tx.commentAuthor(chatId, commentId));
  if (author === undefined) throw new StoreError('not-found', 'no such comment in this conversation', { reason: 'no-such-comment' });
  return author;
}

/** Runs the steps to the end with a store whose calls answer at once (SQLite). */
export function runSteps<R>(steps: Steps<R>): R {
  let next = steps.next();
  while (!next.done) {
    if (isThenable(next.value)) throw new Error('runSteps needs a synchronous transaction: use runStepsAsync');
    next = steps.next(next.value);
  }
  return next.value;
}

/** Runs the steps to the end, awaiting each store call (PostgreSQL); a rejected call is thrown at its step. */
export async function runStepsAsync<R>(steps: Steps<R>): Promise<R> {
  let next = steps.next();
  while (!next.done) {
    let value: unknown;
    try {
      value = await next.value;
    } catch (e) {
      next = steps.throw(e);
      continue;
    }
    next = steps.next(value);
  }
  return next.value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
