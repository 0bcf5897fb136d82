/**
 * The store for many nodes: PostgreSQL via postgres.js. Every apply runs
 * core/apply.ts's steps in one READ COMMITTED transaction that first locks the
 * image's row (`INSERT … ON CONFLICT DO NOTHING`, then `SELECT … FOR UPDATE`):
 * actions on one image queue on that row whichever node sends them, so the
 * checks see every earlier commit and the seq is assigned in commit order.
 * Reads (snapshots, replays) run in REPEATABLE READ, READ ONLY transactions.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { ActionMessage, ChatEvent, SeqPosition, User } from '../../protocol/messages.ts';
import { applySteps, runStepsAsync } from '../../core/apply.ts';
import type { ApplyTransaction } from '../../core/apply.ts';
import { DEFAULT_LOG_KEEP } from '../store.ts';
import type { Applied, ApplyLimits, ImageActivity, RecentChat, Snapshot, SnapshotPage, SnapshotPageOptions, Store, StoreOptions, UsageBatch, UsageHour } from '../store.ts';
import { exactReplay, replayRange } from '../replay.ts';
import { RECENT_COLUMNS, activityOf, toChat, toComment, toRecent } from '../rows.ts';
import type { ChatRow, CommentRow, EventRow, RecentRow } from '../rows.ts';
import { BROADCAST_ID_CONSTRAINT, migrate } from './migrations.ts';
import { snapshotPages } from './snapshot-pages.ts';
import { addUsage, imageActivity, pruneUsage, usageSeries } from './usage.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /**
   * Schema for the tables; it must exist. Default: the connection's search_path
   * (`?search_path=` in the URL, else the server's, usually `public`).
   */
  readonly schema?: string;
  /** Connections in this node's pool (default 10). */
  readonly maxConnections?: number;
}

/** int8 (seq, timestamps, counts) as a JS number: every value here stays far below 2^53. */
const INT8_AS_NUMBER = { to: 20, from: [20], serialize: (n: number) => String(n), parse: (s: string) => Number(s) };

/** The tenant's latest conversations: the index chats_by_activity read backwards, no sort (the store's tests EXPLAIN it). */
export const RECENT_CHATS_SQL = `SELECT ${RECENT_COLUMNS} FROM chats WHERE tenant = $1 ORDER BY last_activity DESC, pos DESC LIMIT $2`;

export type Sql = postgres.Sql<{ int8: number }>;
type Tx = postgres.TransactionSql<{ int8: number }>;

export class PostgresStore implements Store {
  readonly description: string;
  readonly logKeep: number;

  private closed = false;

  private constructor(
    private readonly sql: Sql,
    description: string,
    /** The epoch of every image's first history in this database (see SqliteStore.firstEpoch). */
    private readonly firstEpoch: string,
    logKeep: number,
  ) {
    this.description = description;
    this.logKeep = logKeep;
  }

  /** Connects, migrates (one node at a time) and reads the database's first-history epoch. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const sql: Sql = postgres(url, {
      // Unset: the URL's `?max=` or postgres.js's default (10).
      ...(options.maxConnections !== undefined ? { max: options.maxConnections } : {}),
      types: { int8: INT8_AS_NUMBER },
      onnotice: () => {},
      connection: { application_name: 'image-chat', ...(options.schema ? { search_path: options.schema } : {}) },
    });
    try {
      await migrate(sql);
      const epoch = await ensureMeta(sql, 'epoch', randomUUID());
      const logKeep = Math.max(1, Math.floor(options.logKeep ?? DEFAULT_LOG_KEEP));
      return new PostgresStore(sql, describe(url, options.schema), epoch, logKeep);
    } catch (e) {
      await sql.end({ timeout: 1 });
      throw e;
    }
  }

  async snapshot(tenant: string, image: string): Promise<Snapshot> {
    let last: SnapshotPage | undefined;
    const chats = [];
    for await (const page of this.snapshotPages(tenant, image, { commentsPerPage: Infinity })) {
      chats.push(...page.chats);
      last = page;
    }
    return { epoch: last!.epoch, seq: last!.seq, chats };
  }

  snapshotPages(tenant: string, image: string, options: SnapshotPageOptions = {}): AsyncIterable<SnapshotPage> {
    this.assertOpen();
    return snapshotPages(this.sql, tenant, image, this.firstEpoch, options.commentsPerPage ?? 1000);
  }

  async head(tenant: string, image: string): Promise<SeqPosition> {
    this.assertOpen();
    const [row] = await this.sql<{ epoch: string; seq: number }[]>`SELECT epoch, seq FROM images WHERE tenant = ${tenant} AND image = ${image}`;
    return row ? { epoch: row.epoch, seq: Number(row.seq) } : { epoch: this.firstEpoch, seq: 0 };
  }

  async eventsSince(tenant: string, image: string, since: SeqPosition, max = Infinity): Promise<ChatEvent[] | null> {
    this.assertOpen();
    return this.sql.begin('isolation level repeatable read read only', async (tx) => {
      const [head = { epoch: this.firstEpoch, seq: 0 }] = await tx<{ epoch: string; seq: number }[]>`
        SELECT epoch, seq FROM images WHERE tenant = ${tenant} AND image = ${image}`;
      const range = replayRange(head, since, max);
      if (range === null || Array.isArray(range)) return range;
      const rows = await tx<{ seq: number; payload: string }[]>`
        SELECT seq, payload FROM events WHERE tenant = ${tenant} AND image = ${image} AND seq > ${range.from} ORDER BY seq`;
      return exactReplay(rows, head, range.from);
    });
  }

  async apply(tenant: string, image: string, action: ActionMessage, actor: User, limits: ApplyLimits = {}): Promise<Applied> {
    this.assertOpen();
    const attempt = () =>
      this.sql.begin((tx) => runStepsAsync(applySteps(this.transactionFor(tx, tenant, image), { image, action, actor, limits, logKeep: this.logKeep })));
    try {
      return await attempt();
    } catch (e) {
      // Another node stored this broadcastId between our check and our insert (the image lock
      // makes this all but impossible, the unique constraint makes it impossible to store twice):
      // the retry finds the winner's event and answers with it, as a duplicate.
      if (e instanceof postgres.PostgresError && e.code === '23505' && e.constraint_name === BROADCAST_ID_CONSTRAINT) return attempt();
      throw e;
    }
  }

  async recentChats(tenant: string, limit: number): Promise<RecentChat[]> {
    this.assertOpen();
    return this.sql.begin('isolation level repeatable read read only', async (tx) => {
      const rows = await tx.unsafe<RecentRow[]>(RECENT_CHATS_SQL, [tenant, Math.max(0, Math.floor(limit))]);
      if (rows.length === 0) return [];
      // One round trip for every listed conversation's comments (chat ids are unique per image only).
      const comments = await tx<(CommentRow & { image: string })[]>`
        SELECT m.image, m.chat_id, m.id, m.author_id, m.author_name, m.text, m.created_at, m.edited_at
        FROM comments m JOIN unnest(${rows.map((r) => r.image)}::text[], ${rows.map((r) => r.id)}::text[]) AS listed (image, chat_id)
          ON m.image = listed.image AND m.chat_id = listed.chat_id
        WHERE m.tenant = ${tenant} ORDER BY m.pos`;
      const byChat = new Map<string, CommentRow[]>();
      for (const c of comments) {
        const key = JSON.stringify([c.image, c.chat_id]);
        const list = byChat.get(key);
        if (list) list.push(c);
        else byChat.set(key, [c]);
      }
      return rows.map((row) => toRecent(row, (byChat.get(JSON.stringify([row.image, row.id])) ?? []).map(toComment)));
    });
  }

  async conversationCount(tenant: string): Promise<number> {
    this.assertOpen();
    const [row] = await this.sql<{ n: number }[]>`SELECT count(*) AS n FROM chats WHERE tenant = ${tenant}`;
    return row!.n;
  }

  async addUsage(batch: UsageBatch): Promise<boolean> {
    this.assertOpen();
    return addUsage(this.sql, batch);
  }

  async usageSeries(tenant: string, fromMs: number, toMs: number): Promise<UsageHour[]> {
    this.assertOpen();
    return usageSeries(this.sql, tenant, fromMs, toMs);
  }

  async imageActivity(tenant: string, fromMs: number, toMs: number, limit: number): Promise<ImageActivity[]> {
    this.assertOpen();
    return imageActivity(this.sql, tenant, fromMs, toMs, limit);
  }

  async pruneUsage(beforeMs: number): Promise<number> {
    this.assertOpen();
    return pruneUsage(this.sql, beforeMs);
  }

  async secret(name: string): Promise<string> {
    this.assertOpen();
    return ensureMeta(this.sql, `secret:${name}`, randomBytes(32).toString('base64url'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sql.end({ timeout: 5 });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  /** The apply steps' store calls for one image, inside the open transaction `tx`. */
  private transactionFor(tx: Tx, tenant: string, image: string): ApplyTransaction {
    // A fresh fragment per query: a postgres.js fragment is a (lazy) query object, not a string.
    const where = () => tx`tenant = ${tenant} AND image = ${image}`;
    const one = async <T>(rows: Promise<T[]>) => (await rows)[0];
    return {
      lockImage: async () => {
        await tx`INSERT INTO images (tenant, image, epoch, seq, created_at)
                 VALUES (${tenant}, ${image}, ${this.firstEpoch}, 0, ${Date.now()}) ON CONFLICT DO NOTHING`;
        await tx`SELECT 1 FROM images WHERE ${where()} FOR UPDATE`;
      },
      eventByBroadcastId: async (broadcastId) => {
        const row = await one(tx<EventRow[]>`SELECT payload, actor_id FROM events WHERE ${where()} AND broadcast_id = ${broadcastId}`);
        return row && { event: JSON.parse(row.payload) as ChatEvent, actorId: row.actor_id };
      },
      chatAuthor: async (chatId) => (await one(tx<{ author_id: string }[]>`SELECT author_id FROM chats WHERE ${where()} AND id = ${chatId}`))?.author_id,
      commentAuthor: async (chatId, commentId) =>
        (await one(tx<{ author_id: string }[]>`SELECT author_id FROM comments WHERE ${where()} AND chat_id = ${chatId} AND id = ${commentId}`))?.author_id,
      firstCommentId: async (chatId) =>
        (await one(tx<{ id: string }[]>`SELECT id FROM comments WHERE ${where()} AND chat_id = ${chatId} ORDER BY pos LIMIT 1`))?.id,
      chatCount: async () => (await one(tx<{ n: number }[]>`SELECT count(*) AS n FROM chats WHERE ${where()}`))!.n,
      nextChatNumber: async () =>
        (await one(tx<{ n: number }[]>`UPDATE images SET chats_made = chats_made + 1 WHERE ${where()} RETURNING chats_made AS n`))!.n,
      commentCount: async (chatId) => (await one(tx<{ n: number }[]>`SELECT count(*) AS n FROM comments WHERE ${where()} AND chat_id = ${chatId}`))!.n,
      insertChat: async (chat, page) => {
        await tx`INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at, page, last_activity, number)
                 VALUES (${tenant}, ${image}, ${chat.id}, ${chat.x}, ${chat.y}, ${chat.author.id}, ${chat.author.name}, ${chat.createdAt},
                         ${page ?? null}, ${activityOf(chat)}, ${chat.number ?? null})`;
        for (const c of chat.comments) {
          await tx`INSERT INTO comments (tenant, image, chat_id, id, author_id, author_name, text, created_at)
                   VALUES (${tenant}, ${image}, ${chat.id}, ${c.id}, ${c.author.id}, ${c.author.name}, ${c.text}, ${c.createdAt})`;
        }
      },
      insertComment: async (chatId, c) => {
        await tx`INSERT INTO comments (tenant, image, chat_id, id, author_id, author_name, text, created_at)
                 VALUES (${tenant}, ${image}, ${chatId}, ${c.id}, ${c.author.id}, ${c.author.name}, ${c.text}, ${c.createdAt})`;
        await tx`UPDATE chats SET last_activity = greatest(last_activity, ${c.createdAt}) WHERE ${where()} AND id = ${chatId}`;
      },
      editComment: async (commentId, text, editedAt) => {
        await tx`UPDATE comments SET text = ${text}, edited_at = ${editedAt} WHERE ${where()} AND id = ${commentId}`;
      },
      deleteComment: async (chatId, commentId) => {
        await tx`DELETE FROM comments WHERE ${where()} AND id = ${commentId}`;
        await tx`UPDATE chats c SET last_activity = coalesce(
                   (SELECT max(m.created_at) FROM comments m WHERE m.tenant = c.tenant AND m.image = c.image AND m.chat_id = c.id), c.created_at)
                 WHERE ${where()} AND id = ${chatId}`;
      },
      moveChat: async (chatId, x, y) => {
        await tx`UPDATE chats SET x = ${x}, y = ${y} WHERE ${where()} AND id = ${chatId}`;
      },
      resolveChat: async (chatId, resolved) => {
        await tx`UPDATE chats SET resolved = ${resolved} WHERE ${where()} AND id = ${chatId}`;
      },
      deleteChat: async (chatId) => {
        await tx`DELETE FROM chats WHERE ${where()} AND id = ${chatId}`;
      },
      nextSeq: async () => (await one(tx<{ seq: number }[]>`UPDATE images SET seq = seq + 1 WHERE ${where()} RETURNING seq`))!.seq,
      insertEvent: async (event, actorId, createdAt) => {
        await tx`INSERT INTO events (tenant, image, seq, type, payload, broadcast_id, actor_id, created_at)
                 VALUES (${tenant}, ${image}, ${event.seq}, ${event.type}, ${JSON.stringify(event)}, ${event.broadcastId}, ${actorId}, ${createdAt})`;
      },
      trimLog: async (seq) => {
        await tx`DELETE FROM events WHERE ${where()} AND seq <= ${seq}`;
      },
    };
  }
}

/** The value under `key`, stored as `value` if none was: two racing nodes end up with the same one. */
async function ensureMeta(sql: Sql, key: string, value: string): Promise<string> {
  await sql`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT DO NOTHING`;
  const [row] = await sql<{ value: string }[]>`SELECT value FROM meta WHERE key = ${key}`;
  return row!.value;
}

/** `postgresql user@host:port/database`: for logs, so never the password. */
function describe(url: string, schema: string | undefined): string {
  let where = 'the database';
  try {
    const u = new URL(url);
    where = `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
    schema ??= u.searchParams.get('search_path') ?? undefined;
  } catch {
    // postgres.js accepts what URL does not (e.g. several hosts); the description stays generic.
  }
  return `postgresql ${where}${schema ? ` (schema ${schema})` : ''}`;
}
