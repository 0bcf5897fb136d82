/**
 * Store.snapshotPages for PostgreSQL: one REPEATABLE READ, READ ONLY
 * transaction on a reserved connection, so every page comes from the same
 * view of the image however many actions commit meanwhile. The conversations
 * (with their comment counts) are read first; their comments follow a page at
 * a time, each page a round trip, so the event loop runs between pages.
 */
import type { Comment } from '../../protocol/messages.ts';
import type { SnapshotPage } from '../store.ts';
import { toChat, toComment } from '../rows.ts';
import type { ChatRow, CommentRow } from '../rows.ts';
import type { Sql } from './postgres-store.ts';

type CountedChatRow = ChatRow & { comment_count: number };

export async function* snapshotPages(sql: Sql, tenant: string, image: string, firstEpoch: string, commentsPerPage: number): AsyncGenerator<SnapshotPage> {
  const conn = await sql.reserve();
  try {
    await conn`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`;
    // The view is taken by this first read: everything below sees the same commits.
    const [head] = await conn<{ epoch: string; seq: number }[]>`SELECT epoch, seq FROM images WHERE tenant = ${tenant} AND image = ${image}`;
    if (!head) {
      yield { epoch: firstEpoch, seq: 0, chats: [], more: false };
      return;
    }
    const chats = await conn<CountedChatRow[]>`
      SELECT c.id, c.x, c.y, c.author_id, c.author_name, c.created_at, c.resolved, c.number,
             (SELECT count(*) FROM comments m WHERE m.tenant = c.tenant AND m.image = c.image AND m.chat_id = c.id) AS comment_count
      FROM chats c WHERE c.tenant = ${tenant} AND c.image = ${image} ORDER BY c.pos`;
    const pages = pagesOf(chats, commentsPerPage);
    for (let i = 0; i < pages.length; i++) {
      const rows = pages[i]!;
      const comments = await conn<CommentRow[]>`
        SELECT chat_id, id, author_id, author_name, text, created_at, edited_at FROM comments
        WHERE tenant = ${tenant} AND image = ${image} AND chat_id = ANY(${rows.map((r) => r.id)}) ORDER BY pos`;
      const byChat = new Map<string, Comment[]>();
      for (const row of comments) {
        const list = byChat.get(row.chat_id);
        if (list) list.push(toComment(row));
        else byChat.set(row.chat_id, [toComment(row)]);
      }
      yield { epoch: head.epoch, seq: head.seq, chats: rows.map((r) => toChat(r, byChat.get(r.id) ?? [])), more: i < pages.length - 1 };
    }
    if (pages.length === 0) yield { epoch: head.epoch, seq: head.seq, chats: [], more: false };
  } finally {
    // Also when the reader stops early: end the read-only transaction and hand the connection back.
    await conn`COMMIT`.catch(() => {});
    conn.release();
  }
}

/** Consecutive conversations grouped so a page holds about `commentsPerPage` comments; one is never split. */
function pagesOf(chats: readonly CountedChatRow[], commentsPerPage: number): CountedChatRow[][] {
  const pages: CountedChatRow[][] = [];
  let page: CountedChatRow[] = [];
  let count = 0;
  for (const chat of chats) {
    if (page.length > 0 && count + chat.comment_count > commentsPerPage) {
      pages.push(page);
      page = [];
      count = 0;
    }
    page.push(chat);
    count += chat.comment_count;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
