/**
 * The embedded default store: one SQLite file via better-sqlite3. Every apply
 * is one IMMEDIATE transaction, so a refusal or a fault leaves nothing behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type {
  ActionMessage,
  AppliedChange,
  Chat,
  ChatEvent,
  Comment,
  SeqPosition,
  UpdateImageChatMessage,
  User,
} from '../../protocol/messages.ts';
import { migrate } from './migrations.ts';
import { StoreError, isModerator } from '../store.ts';
import { DEFAULT_LOG_KEEP } from '../store.ts';
import type { Applied, ApplyLimits, Snapshot, SnapshotPage, Store, StoreOptions } from '../store.ts';

interface ChatRow {
  id: string;
  x: number;
  y: number;
  author_id: string;
  author_name: string;
  created_at: number;
  resolved: number;
}

interface CommentRow {
  chat_id: string;
  id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
  edited_at: number | null;
}

interface EventRow {
  payload: string;
  actor_id: string;
}

const CHAT_COLUMNS = 'id, x, y, author_id, author_name, created_at, resolved';
const COMMENT_COLUMNS = 'chat_id, id, author_id, author_name, text, created_at, edited_at';

function toComment(row: CommentRow): Comment {
  const comment: Comment = {
    id: row.id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at,
  };
  return row.edited_at === null ? comment : { ...comment, editedAt: row.edited_at };
}

function toChat(row: ChatRow, comments: Comment[]): Chat {
  return {
    id: row.id,
    x: row.x,
    y: row.y,
    author: { id: row.author_id, name: row.author_name },
    createdAt: row.created_at,
    resolved: row.resolved !== 0,
    comments,
  };
}

function chatIdOf(event: ChatEvent): string {
  return event.type === 'new-image-chat' ? event.chat.id : event.chatId;
}

/** How SQLite syncs a commit: `full` (default) fsyncs every commit, so an acked action survives a power cut. */
export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * `normal` syncs only at WAL checkpoints: several times the creates/s, but the
   * last commits before a power cut or OS crash (not a process crash) may be lost
   * although acked. README and docs/server.md give the measured cost.
   */
  readonly synchronous?: SqliteSynchronous;
}

export class SqliteStore implements Store {
  readonly description: string;
  private readonly db: Database.Database;
  private readonly q;
  private closed = false;

  /** `path` is a file (its folder is created) or `:memory:`. */
  /** Events kept per image (older ones are trimmed as new ones are stored). */
  readonly logKeep: number;
  /**
   * The epoch of every image's first history in this database: random per
   * database file (so a wiped or swapped database never matches an old
   * client's position), fixed within it (so an empty image reads the same
   * epoch every time, and its first event keeps it).
   */
  private readonly firstEpoch: string;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.logKeep = Math.max(1, Math.floor(options.logKeep ?? DEFAULT_LOG_KEEP));
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    this.description = `sqlite ${path}`;
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      // An ack means the action is on disk: WAL's default (NORMAL) would sync only at checkpoints.
      this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('foreign_keys = ON');
      // Another process (a backup, a second node by mistake) may hold the lock briefly.
      this.db.pragma('busy_timeout = 5000');
      migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    const db = this.db;
    this.q = {
      image: db.prepare<[string, string], { epoch: string; seq: number }>(
        'SELECT epoch, seq FROM images WHERE tenant = ? AND image = ?',
      ),
      ensureImage: db.prepare<[string, string, string, number]>(
        'INSERT OR IGNORE INTO images (tenant, image, epoch, seq, created_at) VALUES (?, ?, ?, 0, ?)',
      ),
      nextSeq: db.prepare<[string, string], { seq: number }>(
        'UPDATE images SET seq = seq + 1 WHERE tenant = ? AND image = ? RETURNING seq',
      ),
      chats: db.prepare<[string, string], ChatRow>(
        `SELECT ${CHAT_COLUMNS} FROM chats WHERE tenant = ? AND image = ? ORDER BY created_at, rowid`,
      ),
      comments: db.prepare<[string, string], CommentRow>(
        `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? ORDER BY rowid`,
      ),
      chat: db.prepare<[string, string, string], ChatRow>(
        `SELECT ${CHAT_COLUMNS} FROM chats WHERE tenant = ? AND image = ? AND id = ?`,
      ),
      chatComments: db.prepare<[string, string, string], CommentRow>(
        `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? ORDER BY rowid`,
      ),
      comment: db.prepare<[string, string, string, string], CommentRow>(
        `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? AND id = ?`,
      ),
      firstCommentId: db.prepare<[string, string, string], { id: string }>(
        'SELECT id FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? ORDER BY rowid LIMIT 1',
      ),
      insertChat: db.prepare<[string, string, string, number, number, string, string, number]>(
        `INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at, resolved)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      insertComment: db.prepare<[string, string, string, string, string, string, string, number]>(
        `INSERT INTO comments (tenant, image, chat_id, id, author_id, author_name, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      editComment: db.prepare<[string, number, string, string, string]>(
        'UPDATE comments SET text = ?, edited_at = ? WHERE tenant = ? AND image = ? AND id = ?',
      ),
      deleteComment: db.prepare<[string, string, string]>('DELETE FROM comments WHERE tenant = ? AND image = ? AND id = ?'),
      move: db.prepare<[number, number, string, string, string]>(
        'UPDATE chats SET x = ?, y = ? WHERE tenant = ? AND image = ? AND id = ?',
      ),
      resolve: db.prepare<[number, string, string, string]>(
        'UPDATE chats SET resolved = ? WHERE tenant = ? AND image = ? AND id = ?',
      ),
      deleteChat: db.prepare<[string, string, string]>('DELETE FROM chats WHERE tenant = ? AND image = ? AND id = ?'),
      eventByBroadcastId: db.prepare<[string, string, string], EventRow>(
        'SELECT payload, actor_id FROM events WHERE tenant = ? AND image = ? AND broadcast_id = ?',
      ),
      insertEvent: db.prepare<[string, string, number, string, string, string, string, number]>(
        `INSERT INTO events (tenant, image, seq, type, payload, broadcast_id, actor_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      chatCount: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM chats WHERE tenant = ? AND image = ?'),
      tenantChatCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM chats WHERE tenant = ?'),
      ensureMeta: db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      eventsAfter: db.prepare<[string, string, number], { seq: number; payload: string }>(
        'SELECT seq, payload FROM events WHERE tenant = ? AND image = ? AND seq > ? ORDER BY seq',
      ),
      trimLog: db.prepare<[string, string, number]>('DELETE FROM events WHERE tenant = ? AND image = ? AND seq <= ?'),
    };
    this.q.ensureMeta.run('epoch', randomUUID());
    this.firstEpoch = this.q.meta.get('epoch')!.value;
  }

  async snapshot(tenant: string, image: string): Promise<Snapshot> {
    this.assertOpen();
    // One read transaction: the seq and the chats it describes come from the same state.
    return this.db.transaction((): Snapshot => {
      const head = this.q.image.get(tenant, image);
      if (!head) return { epoch: this.firstEpoch, seq: 0, chats: [] };
      const byChat = new Map<string, Comment[]>();
      for (const row of this.q.comments.all(tenant, image)) {
        const list = byChat.get(row.chat_id) ?? [];
        list.push(toComment(row));
        byChat.set(row.chat_id, list);
      }
      const chats = this.q.chats.all(tenant, image).map((row) => toChat(row, byChat.get(row.id) ?? []));
      return { epoch: head.epoch, seq: head.seq, chats };
    }).deferred();
  }

  // TODO(#8): read in pages from one read transaction instead of one synchronous read.
  async *snapshotPages(tenant: string, image: string): AsyncIterable<SnapshotPage> {
    const snap = await this.snapshot(tenant, image);
    yield { ...snap, more: false };
  }

  async apply(tenant: string, image: string, action: ActionMessage, actor: User, limits: ApplyLimits = {}): Promise<Applied> {
    this.assertOpen();
    return this.db.transaction(() => this.applyNow(tenant, image, action, actor, limits)).immediate();
  }

  async conversationCount(tenant: string): Promise<number> {
    this.assertOpen();
    return this.q.tenantChatCount.get(tenant)!.n;
  }

  async eventsSince(tenant: string, image: string, since: SeqPosition, max = Infinity): Promise<ChatEvent[] | null> {
    this.assertOpen();
    return this.db.transaction((): ChatEvent[] | null => {
      const head = this.q.image.get(tenant, image) ?? { epoch: this.firstEpoch, seq: 0 };
      if (since.epoch !== head.epoch || since.seq > head.seq) return null;
      if (since.seq === head.seq) return [];
      if (head.seq - since.seq > max) return null;
      const rows = this.q.eventsAfter.all(tenant, image, since.seq);
      // The first event after `since` was trimmed: the range cannot be given exactly.
      if (rows[0]?.seq !== since.seq + 1 || rows.length !== head.seq - since.seq) return null;
      return rows.map((r) => JSON.parse(r.payload) as ChatEvent);
    }).deferred();
  }

  async secret(name: string): Promise<string> {
    this.assertOpen();
    const key = `secret:${name}`;
    // INSERT OR IGNORE then read: two racing callers both end up with the one stored value.
    this.q.ensureMeta.run(key, randomBytes(32).toString('base64url'));
    return this.q.meta.get(key)!.value;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  /** Runs inside the transaction: any throw rolls everything back. */
  private applyNow(tenant: string, image: string, action: ActionMessage, actor: User, limits: ApplyLimits): Applied {
    const prior = this.q.eventByBroadcastId.get(tenant, image, action.broadcastId);
    if (prior) {
      if (prior.actor_id !== actor.id) throw new StoreError('invalid', 'broadcastId already used');
      const event = JSON.parse(prior.payload) as ChatEvent;
      const chat = this.loadChat(tenant, image, chatIdOf(event));
      return chat ? { event, chat, duplicate: true } : { event, duplicate: true };
    }

    const now = Date.now();
    this.q.ensureImage.run(tenant, image, this.firstEpoch, now);
    const author = { id: actor.id, name: actor.name };
    let body: (seq: number) => ChatEvent;
    let chatId: string;

    switch (action.type) {
      case 'create-image-chat': {
        const max = limits.maxChatsPerImage;
        if (max !== undefined && this.q.chatCount.get(tenant, image)!.n >= max) {
          throw new StoreError('too-large', `this image already holds ${max} conversations, the most allowed: resolve and delete old ones first`);
        }
        chatId = randomUUID();
        const commentId = randomUUID();
        this.q.insertChat.run(tenant, image, chatId, action.x, action.y, author.id, author.name, now);
        this.q.insertComment.run(tenant, image, chatId, commentId, author.id, author.name, action.text, now);
        const chat = this.loadChat(tenant, image, chatId)!;
        body = (seq) => ({ type: 'new-image-chat', image, seq, broadcastId: action.broadcastId, chat });
        break;
      }
      case 'update-image-chat': {
        chatId = action.chatId;
        const change = this.applyChange(tenant, image, action, actor, now);
        body = (seq) => ({ type: 'image-chat-updated', image, seq, broadcastId: action.broadcastId, chatId, change });
        break;
      }
      case 'delete-image-chat': {
        chatId = action.chatId;
        const chat = this.requireChat(tenant, image, chatId);
        if (chat.author_id !== actor.id && !isModerator(actor)) {
          throw new StoreError('forbidden', 'only its author or a moderator may delete this conversation');
        }
        this.q.deleteChat.run(tenant, image, chatId);
        body = (seq) => ({ type: 'deleted-image-chat', image, seq, broadcastId: action.broadcastId, chatId });
        break;
      }
    }

    const { seq } = this.q.nextSeq.get(tenant, image)!;
    const event = body(seq);
    this.q.insertEvent.run(tenant, image, seq, event.type, JSON.stringify(event), action.broadcastId, actor.id, now);
    // Trimmed here, in the same transaction: the log never holds more than logKeep events of an image.
    if (seq > this.logKeep) this.q.trimLog.run(tenant, image, seq - this.logKeep);
    const chat = action.type === 'delete-image-chat' ? undefined : this.loadChat(tenant, image, chatId);
    return chat ? { event, chat, duplicate: false } : { event, duplicate: false };
  }

  private applyChange(
    tenant: string,
    image: string,
    action: UpdateImageChatMessage,
    actor: User,
    now: number,
  ): AppliedChange {
    const chat = this.requireChat(tenant, image, action.chatId);
    const change = action.change;
    const mayChangeChat = chat.author_id === actor.id || isModerator(actor);
    switch (change.kind) {
      case 'add-comment': {
        const id = randomUUID();
        this.q.insertComment.run(tenant, image, chat.id, id, actor.id, actor.name, change.text, now);
        const comment: Comment = { id, author: { id: actor.id, name: actor.name }, text: change.text, createdAt: now };
        return { kind: 'add-comment', text: change.text, comment };
      }
      case 'edit-comment': {
        const comment = this.requireComment(tenant, image, chat.id, change.commentId);
        if (comment.author_id !== actor.id && !isModerator(actor)) {
          throw new StoreError('forbidden', 'only its author or a moderator may edit this comment');
        }
        this.q.editComment.run(change.text, now, tenant, image, comment.id);
        return { kind: 'edit-comment', commentId: comment.id, text: change.text, editedAt: now };
      }
      case 'delete-comment': {
        const comment = this.requireComment(tenant, image, chat.id, change.commentId);
        if (comment.author_id !== actor.id && !isModerator(actor)) {
          throw new StoreError('forbidden', 'only its author or a moderator may delete this comment');
        }
        // The first comment is the conversation's own text: removing it would leave a marker about nothing.
        if (this.q.firstCommentId.get(tenant, image, chat.id)?.id === comment.id) {
          throw new StoreError('invalid', 'the first comment opens the conversation: delete the conversation instead');
        }
        this.q.deleteComment.run(tenant, image, comment.id);
        return { kind: 'delete-comment', commentId: comment.id };
      }
      case 'move':
        if (!mayChangeChat) throw new StoreError('forbidden', 'only its author or a moderator may move this conversation');
        this.q.move.run(change.x, change.y, tenant, image, chat.id);
        return { kind: 'move', x: change.x, y: change.y };
      case 'resolve':
        this.q.resolve.run(change.resolved ? 1 : 0, tenant, image, chat.id);
        return { kind: 'resolve', resolved: change.resolved };
    }
  }

  private requireChat(tenant: string, image: string, chatId: string): ChatRow {
    const row = this.q.chat.get(tenant, image, chatId);
    if (!row) throw new StoreError('not-found', 'no such conversation on this image');
    return row;
  }

  private requireComment(tenant: string, image: string, chatId: string, commentId: string): CommentRow {
    const row = this.q.comment.get(tenant, image, chatId, commentId);
    if (!row) throw new StoreError('not-found', 'no such comment in this conversation');
    return row;
  }

  private loadChat(tenant: string, image: string, chatId: string): Chat | undefined {
    const row = this.q.chat.get(tenant, image, chatId);
    if (!row) return undefined;
    return toChat(row, this.q.chatComments.all(tenant, image, chatId).map(toComment));
  }
}
