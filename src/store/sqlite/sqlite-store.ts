/**
 * The embedded default store: one SQLite file via better-sqlite3. Every apply
 * runs core/apply.ts's steps in one IMMEDIATE transaction, so a refusal or a
 * fault leaves nothing behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ActionMessage, Chat, ChatEvent, Comment, SeqPosition, User } from '../../protocol/messages.ts';
import { applySteps, runSteps } from '../../core/apply.ts';
import type { ApplyTransaction } from '../../core/apply.ts';
import { migrate } from './migrations.ts';
import { exactReplay, replayRange } from '../replay.ts';
import { DEFAULT_LOG_KEEP } from '../store.ts';
import { CHAT_COLUMNS, COMMENT_COLUMNS, RECENT_COLUMNS, activityOf, toChat, toComment, toRecent } from '../rows.ts';
import type { ChatRow, CommentRow, EventRow, RecentRow } from '../rows.ts';
import type { Applied, ApplyLimits, ImageActivity, RecentChat, Snapshot, SnapshotPage, SnapshotPageOptions, Store, StoreOptions, UsageBatch, UsageHour } from '../store.ts';
import { ReadConnections, inPages } from './readers.ts';
import { SqliteUsage } from './usage.ts';

/** The statements of a paged snapshot, prepared once per read-only connection. */
const readStatements = new WeakMap<Database.Database, ReturnType<typeof prepareReads>>();

function prepareReads(db: Database.Database) {
  return {
    image: db.prepare<[string, string], { epoch: string; seq: number }>('SELECT epoch, seq FROM images WHERE tenant = ? AND image = ?'),
    chatsWithCounts: db.prepare<[string, string], ChatRow & { comment_count: number }>(
      `SELECT ${CHAT_COLUMNS},
         (SELECT count(*) FROM comments m WHERE m.tenant = c.tenant AND m.image = c.image AND m.chat_id = c.id) AS comment_count
       FROM chats c WHERE tenant = ? AND image = ? ORDER BY created_at, rowid`,
    ),
    chatComments: db.prepare<[string, string, string], CommentRow>(
      `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? ORDER BY rowid`,
    ),
  };
}

function readQueries(db: Database.Database): ReturnType<typeof prepareReads> {
  let q = readStatements.get(db);
  if (!q) readStatements.set(db, (q = prepareReads(db)));
  return q;
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
  private readonly usage: SqliteUsage;
  private closed = false;
  /** Paged snapshots read here; none for `:memory:`, which another connection cannot see. */
  private readonly readers: ReadConnections | undefined;

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
      comment: db.prepare<[string, string, string, string], CommentRow>(
        `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? AND id = ?`,
      ),
      firstCommentId: db.prepare<[string, string, string], { id: string }>(
        'SELECT id FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? ORDER BY rowid LIMIT 1',
      ),
      insertChat: db.prepare<[string, string, string, number, number, string, string, number, string | null, number, number | null]>(
        `INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at, resolved, page, last_activity, number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
      ),
      nextChatNumber: db.prepare<[string, string], { n: number }>(
        'UPDATE images SET chats_made = chats_made + 1 WHERE tenant = ? AND image = ? RETURNING chats_made AS n',
      ),
      commentPosted: db.prepare<[number, string, string, string]>(
        'UPDATE chats SET last_activity = max(last_activity, ?) WHERE tenant = ? AND image = ? AND id = ?',
      ),
      recountActivity: db.prepare<{ tenant: string; image: string; chat: string }>(
        `UPDATE chats SET last_activity = coalesce(
           (SELECT max(created_at) FROM comments WHERE tenant = @tenant AND image = @image AND chat_id = @chat), created_at)
         WHERE tenant = @tenant AND image = @image AND id = @chat`,
      ),
      recent: db.prepare<[string, number], RecentRow>(
        `SELECT ${RECENT_COLUMNS} FROM chats WHERE tenant = ? ORDER BY last_activity DESC, rowid DESC LIMIT ?`,
      ),
      chatComments: db.prepare<[string, string, string], CommentRow>(
        `SELECT ${COMMENT_COLUMNS} FROM comments WHERE tenant = ? AND image = ? AND chat_id = ? ORDER BY rowid`,
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
      commentCount: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM comments WHERE tenant = ? AND image = ? AND chat_id = ?',
      ),
      tenantChatCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM chats WHERE tenant = ?'),
      ensureMeta: db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      eventsAfter: db.prepare<[string, string, number], { seq: number; payload: string }>(
        'SELECT seq, payload FROM events WHERE tenant = ? AND image = ? AND seq > ? ORDER BY seq',
      ),
      trimLog: db.prepare<[string, string, number]>('DELETE FROM events WHERE tenant = ? AND image = ? AND seq <= ?'),
    };
    this.usage = new SqliteUsage(db);
    this.q.ensureMeta.run('epoch', randomUUID());
    this.firstEpoch = this.q.meta.get('epoch')!.value;
    this.readers = path === ':memory:' || path === '' ? undefined : new ReadConnections(path);
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

  /**
   * On a file: one read transaction on a read-only connection, held across the
   * pages (writers go on over the main connection, WAL keeps this view), one
   * page of conversations with their comments read per step. On `:memory:`
   * (tests) no other connection sees the data, so it is read at once as
   * `snapshot` does and only handed over in pages.
   */
  async *snapshotPages(tenant: string, image: string, options: SnapshotPageOptions = {}): AsyncIterable<SnapshotPage> {
    this.assertOpen();
    const perPage = Math.max(1, Math.floor(options.commentsPerPage ?? 1000));
    if (!this.readers) {
      const snap = await this.snapshot(tenant, image);
      yield* inPages(snap, snap.chats, snap.chats.map((c) => c.comments.length), perPage, (chats) => [...chats]);
      return;
    }
    const db = await this.readers.acquire();
    try {
      const q = readQueries(db);
      db.exec('BEGIN'); // deferred: the view is fixed by the first read and kept until the end
      const head = q.image.get(tenant, image) ?? { epoch: this.firstEpoch, seq: 0 };
      const rows = q.chatsWithCounts.all(tenant, image);
      yield* inPages(head, rows, rows.map((r) => r.comment_count), perPage, (page) => {
        this.assertOpen();
        return page.map((row) => toChat(row, q.chatComments.all(tenant, image, row.id).map(toComment)));
      });
    } finally {
      this.readers.release(db); // ends the read transaction
    }
  }

  async apply(tenant: string, image: string, action: ActionMessage, actor: User, limits: ApplyLimits = {}): Promise<Applied> {
    this.assertOpen();
    // The steps run to the end synchronously inside one IMMEDIATE transaction: nothing else
    // runs on this connection meanwhile, and a throw rolls everything back.
    const steps = applySteps(this.transactionFor(tenant, image), { image, action, actor, limits, logKeep: this.logKeep });
    return this.db.transaction(() => runSteps(steps)).immediate();
  }

  async recentChats(tenant: string, limit: number): Promise<RecentChat[]> {
    this.assertOpen();
    return this.db.transaction((): RecentChat[] =>
      this.q.recent.all(tenant, Math.max(0, Math.floor(limit))).map((row) =>
        toRecent(row, this.q.chatComments.all(tenant, row.image, row.id).map(toComment)),
      ),
    ).deferred();
  }

  async conversationCount(tenant: string): Promise<number> {
    this.assertOpen();
    return this.q.tenantChatCount.get(tenant)!.n;
  }

  async eventsSince(tenant: string, image: string, since: SeqPosition, max = Infinity): Promise<ChatEvent[] | null> {
    this.assertOpen();
    return this.db.transaction((): ChatEvent[] | null => {
      const head = this.q.image.get(tenant, image) ?? { epoch: this.firstEpoch, seq: 0 };
      const range = replayRange(head, since, max);
      if (range === null || Array.isArray(range)) return range;
      return exactReplay(this.q.eventsAfter.all(tenant, image, range.from), head, range.from);
    }).deferred();
  }

  async head(tenant: string, image: string): Promise<SeqPosition> {
    this.assertOpen();
    return this.q.image.get(tenant, image) ?? { epoch: this.firstEpoch, seq: 0 };
  }

  async addUsage(batch: UsageBatch): Promise<boolean> {
    this.assertOpen();
    return this.usage.add(batch);
  }

  async usageSeries(tenant: string, fromMs: number, toMs: number): Promise<UsageHour[]> {
    this.assertOpen();
    return this.usage.series(tenant, fromMs, toMs);
  }

  async imageActivity(tenant: string, fromMs: number, toMs: number, limit: number): Promise<ImageActivity[]> {
    this.assertOpen();
    return this.usage.images(tenant, fromMs, toMs, limit);
  }

  async pruneUsage(beforeMs: number): Promise<number> {
    this.assertOpen();
    return this.usage.prune(beforeMs);
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
    this.readers?.close();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  /** The apply steps' store calls for one image, on this connection, answered synchronously. */
  private transactionFor(tenant: string, image: string): ApplyTransaction {
    const q = this.q;
    return {
      lockImage: () => {
        // The IMMEDIATE transaction already holds the database's write lock.
        q.ensureImage.run(tenant, image, this.firstEpoch, Date.now());
      },
      eventByBroadcastId: (broadcastId) => {
        const row = q.eventByBroadcastId.get(tenant, image, broadcastId);
        return row && { event: JSON.parse(row.payload) as ChatEvent, actorId: row.actor_id };
      },
      chatAuthor: (chatId) => q.chat.get(tenant, image, chatId)?.author_id,
      commentAuthor: (chatId, commentId) => q.comment.get(tenant, image, chatId, commentId)?.author_id,
      firstCommentId: (chatId) => q.firstCommentId.get(tenant, image, chatId)?.id,
      chatCount: () => q.chatCount.get(tenant, image)!.n,
      nextChatNumber: () => q.nextChatNumber.get(tenant, image)!.n,
      commentCount: (chatId) => q.commentCount.get(tenant, image, chatId)!.n,
      insertChat: (chat, page) => {
        q.insertChat.run(tenant, image, chat.id, chat.x, chat.y, chat.author.id, chat.author.name, chat.createdAt, page ?? null, activityOf(chat), chat.number ?? null);
        for (const c of chat.comments) q.insertComment.run(tenant, image, chat.id, c.id, c.author.id, c.author.name, c.text, c.createdAt);
      },
      insertComment: (chatId, c) => {
        q.insertComment.run(tenant, image, chatId, c.id, c.author.id, c.author.name, c.text, c.createdAt);
        q.commentPosted.run(c.createdAt, tenant, image, chatId);
      },
      editComment: (commentId, text, editedAt) => {
        q.editComment.run(text, editedAt, tenant, image, commentId);
      },
      deleteComment: (chatId, commentId) => {
        q.deleteComment.run(tenant, image, commentId);
        q.recountActivity.run({ tenant, image, chat: chatId });
      },
      moveChat: (chatId, x, y) => {
        q.move.run(x, y, tenant, image, chatId);
      },
      resolveChat: (chatId, resolved) => {
        q.resolve.run(resolved ? 1 : 0, tenant, image, chatId);
      },
      deleteChat: (chatId) => {
        q.deleteChat.run(tenant, image, chatId);
      },
      nextSeq: () => q.nextSeq.get(tenant, image)!.seq,
      insertEvent: (event, actorId, createdAt) => {
        q.insertEvent.run(tenant, image, event.seq, event.type, JSON.stringify(event), event.broadcastId, actorId, createdAt);
      },
      trimLog: (seq) => {
        q.trimLog.run(tenant, image, seq);
      },
    };
  }
}
