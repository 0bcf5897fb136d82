/**
 * Read-only connections to the store's file for paged snapshots. A snapshot
 * keeps one read transaction open across its pages (so every page sees one
 * state) while writers go on over the main connection (WAL); a connection
 * holds one such transaction at a time, so a few are kept and snapshots
 * beyond that wait their turn, first come first served.
 */
import Database from 'better-sqlite3';
import type { Chat } from '../../protocol/messages.ts';
import type { SnapshotPage } from '../store.ts';

/** Snapshots read at once; more wait (a slow socket holds its connection until its pages have gone). */
export const DEFAULT_READERS = 4;

export class ReadConnections {
  private readonly idle: Database.Database[] = [];
  private readonly waiting: { resolve: (db: Database.Database) => void; reject: (e: Error) => void }[] = [];
  private opened = 0;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly max = DEFAULT_READERS,
  ) {}

  async acquire(): Promise<Database.Database> {
    if (this.closed) throw new Error('the store is closed');
    const db = this.idle.pop();
    if (db) return db;
    if (this.opened < this.max) {
      this.opened++;
      try {
        const fresh = new Database(this.path, { readonly: true, fileMustExist: true });
        fresh.pragma('busy_timeout = 5000');
        return fresh;
      } catch (e) {
        this.opened--;
        throw e;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(db: Database.Database): void {
    if (db.inTransaction) db.exec('ROLLBACK');
    if (this.closed) {
      db.close();
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(db);
    else this.idle.push(db);
  }

  /** Closes the idle connections now and the busy ones as they are released. */
  close(): void {
    this.closed = true;
    for (const db of this.idle.splice(0)) db.close();
    for (const { reject } of this.waiting.splice(0)) reject(new Error('the store is closed'));
  }
}

/**
 * Splits conversations into pages of about `perPage` comments: from `start`,
 * the end (exclusive) of the next page. A conversation is never split, so a
 * page holds at least one.
 */
export function pageEnd(commentCounts: readonly number[], start: number, perPage: number): number {
  let end = start;
  let comments = 0;
  while (end < commentCounts.length && (end === start || comments + commentCounts[end]! <= perPage)) {
    comments += commentCounts[end]!;
    end++;
  }
  return end;
}

/**
 * Hands `rows` (conversations in order, with their comment counts) over in
 * pages of about `perPage` comments, `build` turning a page's rows into
 * conversations; lets the event loop run (other sockets, other requests)
 * between two pages. Always at least one page.
 */
export async function* inPages<R>(
  head: { readonly epoch: string; readonly seq: number },
  rows: readonly R[],
  commentCounts: readonly number[],
  perPage: number,
  build: (rows: readonly R[]) => Chat[],
): AsyncGenerator<SnapshotPage> {
  for (let start = 0; ; ) {
    const end = pageEnd(commentCounts, start, perPage);
    const more = end < rows.length;
    yield { epoch: head.epoch, seq: head.seq, chats: build(rows.slice(start, end)), more };
    if (!more) return;
    start = end;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
