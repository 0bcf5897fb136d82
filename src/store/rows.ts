/** Row shapes and their mapping to protocol objects, shared by the SQL stores (same column names in both schemas). */
import type { Chat, Comment } from '../protocol/messages.ts';
import { combineUsage } from './store.ts';
import type { ImageActivity, RecentChat, UsageHour, UsageRow } from './store.ts';

export interface ChatRow {
  id: string;
  x: number;
  y: number;
  author_id: string;
  author_name: string;
  created_at: number;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  resolved: number | boolean;
  /** Null only where a migration could not number it (never, once migrated). */
  number: number | null;
}

export interface CommentRow {
  chat_id: string;
  id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
  edited_at: number | null;
}

export interface EventRow {
  payload: string;
  actor_id: string;
}

/** A conversation with what only the admin API reads: its image, page and last activity. */
export interface RecentRow extends ChatRow {
  image: string;
  page: string | null;
  last_activity: number;
}

export const CHAT_COLUMNS = 'id, x, y, author_id, author_name, created_at, resolved, number';
export const RECENT_COLUMNS = `image, page, last_activity, ${CHAT_COLUMNS}`;
export const COMMENT_COLUMNS = 'chat_id, id, author_id, author_name, text, created_at, edited_at';

export function toComment(row: CommentRow): Comment {
  const comment: Comment = {
    id: row.id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at,
  };
  return row.edited_at === null ? comment : { ...comment, editedAt: row.edited_at };
}

export function toChat(row: ChatRow, comments: Comment[]): Chat {
  const chat: Chat = {
    id: row.id,
    x: row.x,
    y: row.y,
    author: { id: row.author_id, name: row.author_name },
    createdAt: row.created_at,
    resolved: row.resolved === true || row.resolved === 1,
    comments,
  };
  return row.number === null || row.number === undefined ? chat : { ...chat, number: Number(row.number) };
}

export function toRecent(row: RecentRow, comments: Comment[]): RecentChat {
  return { image: row.image, page: row.page, lastActivity: row.last_activity, chat: toChat(row, comments) };
}

/** Last activity of a new conversation: its newest comment's time. */
export const activityOf = (chat: Chat): number => Math.max(chat.createdAt, ...chat.comments.map((c) => c.createdAt));

export interface UsageHourRow {
  hour: number;
  messages: number;
  bytes: number;
  creates: number;
  comments: number;
  peak_connections: number;
}

export interface ImageActivityRow {
  image: string;
  conversations: number;
  messages: number;
  bytes: number;
  creates: number;
  comments: number;
}

export const toUsageHour = (r: UsageHourRow): UsageHour => ({
  hour: r.hour,
  pubSubMessageCount: r.messages,
  pubSubBandwidth: r.bytes,
  conversationCreateCount: r.creates,
  commentCount: r.comments,
  peakConnections: r.peak_connections,
});

export const toImageActivity = (r: ImageActivityRow): ImageActivity => ({
  image: r.image,
  conversations: r.conversations,
  pubSubMessageCount: r.messages,
  pubSubBandwidth: r.bytes,
  conversationCreateCount: r.creates,
  commentCount: r.comments,
});

/**
 * A batch's rows with one row per (tenant, image, hour), in key order: every node writes
 * its rows in the same order, so two batches touching the same rows never deadlock.
 */
export function usageRowsInOrder(rows: readonly UsageRow[]): UsageRow[] {
  const byKey = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = JSON.stringify([row.tenant, row.image, row.hour]);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, ...combineUsage(seen, row) } : row);
  }
  return [...byKey.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : a.image < b.image ? -1 : a.image > b.image ? 1 : a.hour - b.hour));
}
