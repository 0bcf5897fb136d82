/** Row shapes and their mapping to protocol objects, shared by the SQL stores (same column names in both schemas). */
import type { Chat, Comment } from '../protocol/messages.ts';

export interface ChatRow {
  id: string;
  x: number;
  y: number;
  author_id: string;
  author_name: string;
  created_at: number;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  resolved: number | boolean;
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

export const CHAT_COLUMNS = 'id, x, y, author_id, author_name, created_at, resolved';
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
  return {
    id: row.id,
    x: row.x,
    y: row.y,
    author: { id: row.author_id, name: row.author_name },
    createdAt: row.created_at,
    resolved: row.resolved === true || row.resolved === 1,
    comments,
  };
}
