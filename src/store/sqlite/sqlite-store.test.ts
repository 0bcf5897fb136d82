import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';
import { SCHEMA_VERSION, migrate } from './migrations.ts';
import { storeConformance } from '../conformance/conformance.ts';
import type { User } from '../../protocol/messages.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite file', {
  open: async (options) => new SqliteStore(join(dir, `${randomUUID()}.sqlite`), options),
  // Two connections to one file: each waits for the other's write lock (busy_timeout).
  openTwo: async (options) => {
    const file = join(dir, `${randomUUID()}.sqlite`);
    return [new SqliteStore(file, options), new SqliteStore(file, options)];
  },
});
storeConformance('sqlite :memory:', {
  open: async (options) => new SqliteStore(':memory:', options),
  // A second connection would open another, empty database: here both callers share one connection.
  openTwo: async (options) => {
    const store = new SqliteStore(':memory:', options);
    return [store, store];
  },
});

const alice: User = { id: 'g_alice', name: 'Alice', kind: 'guest' };

test('sqlite: data, seq, epoch and secrets survive close and reopen; the parent folder is created', async () => {
  const file = join(dir, 'nested', 'deeper', 'persist.sqlite');
  let store = new SqliteStore(file);
  const { event: created } = await store.apply('t1', 'img', { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.1, y: 0.2, text: 'kept' }, alice);
  const chat = created.type === 'new-image-chat' ? created.chat : undefined;
  const secret = await store.secret('guest');
  const before = await store.snapshot('t1', 'img');
  await store.close();
  assert.ok(existsSync(file), "existsSync(file)");

  store = new SqliteStore(file);
  try {
    assert.deepEqual(await store.snapshot('t1', 'img'), before);
    assert.equal(await store.secret('guest'), secret);
    const next = await store.apply('t1', 'img', { type: 'delete-image-chat', image: 'img', broadcastId: randomUUID(), chatId: chat!.id }, alice);
    assert.equal(next.event.seq, 2);
  } finally {
    await store.close();
  }
});

test('sqlite: WAL, foreign keys and the schema version are set at open', async () => {
  const file = join(dir, 'pragmas.sqlite');
  const store = new SqliteStore(file);
  await store.close();
  const db = new Database(file);
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, ['chats', 'comments', 'events', 'images', 'meta', 'usage_hours', 'usage_writers']);
  } finally {
    db.close();
  }
});

test('sqlite: every commit is synced to disk (synchronous=FULL) unless NORMAL is asked for', async () => {
  // A per-connection setting: read on the store's own connection.
  const syncOf = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
  const durable = new SqliteStore(join(dir, 'full.sqlite'));
  const fast = new SqliteStore(join(dir, 'normal.sqlite'), { synchronous: 'normal' });
  try {
    assert.equal(syncOf(durable), 2, 'FULL');
    assert.equal(syncOf(fast), 1, 'NORMAL');
  } finally {
    await durable.close();
    await fast.close();
  }
});

test('sqlite: a database from a newer version is refused rather than misread', () => {
  const file = join(dir, 'future.sqlite');
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  assert.throws(() => new SqliteStore(file), /newer than this server/);
});

test('sqlite: the event log holds each stored event once, with actor and broadcastId', async () => {
  const file = join(dir, 'log.sqlite');
  const store = new SqliteStore(file);
  const action = { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0, y: 0, text: 'a' } as const;
  await store.apply('t1', 'img', action, alice);
  await store.apply('t1', 'img', action, alice);
  await store.close();
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT seq, type, broadcast_id, actor_id FROM events').all();
    assert.deepEqual(rows, [{ seq: 1, type: 'new-image-chat', broadcast_id: action.broadcastId, actor_id: 'g_alice' }]);
  } finally {
    db.close();
  }
});

test('sqlite: an empty image reads one epoch across reopen; another database file has another', async () => {
  const file = join(dir, 'epoch.sqlite');
  let store = new SqliteStore(file);
  const first = (await store.snapshot('t1', 'empty')).epoch;
  await store.close();
  store = new SqliteStore(file);
  const other = new SqliteStore(join(dir, 'epoch-other.sqlite'));
  try {
    assert.equal((await store.snapshot('t1', 'empty')).epoch, first, 'same file, same epoch');
    assert.notEqual((await other.snapshot('t1', 'empty')).epoch, first, 'a fresh database must not match an old position');
  } finally {
    await store.close();
    await other.close();
  }
});

// ------------------------------------------------------------ paged snapshots

async function collect(pages: AsyncIterable<import('../store.ts').SnapshotPage>) {
  const out = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function seeded(path: string, chats: number, replies: number) {
  const store = new SqliteStore(path);
  const ids: string[] = [];
  for (let c = 0; c < chats; c++) {
    const { event } = await store.apply('t', 'img', { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.5, y: c / chats, text: `chat ${c}` }, alice);
    const id = event.type === 'new-image-chat' ? event.chat.id : '';
    ids.push(id);
    for (let r = 0; r < replies; r++) {
      await store.apply('t', 'img', { type: 'update-image-chat', image: 'img', broadcastId: randomUUID(), chatId: id, change: { kind: 'add-comment', text: `reply ${r}` } }, alice);
    }
  }
  return { store, ids };
}

for (const where of ['file', ':memory:'] as const) {
  test(`sqlite ${where}: snapshotPages hands over the snapshot in pages of about commentsPerPage comments, never splitting a conversation`, async () => {
    const { store } = await seeded(where === 'file' ? join(dir, `${randomUUID()}.sqlite`) : ':memory:', 7, 4);
    try {
      const whole = await store.snapshot('t', 'img');
      const pages = await collect(store.snapshotPages('t', 'img', { commentsPerPage: 12 }));
      assert.deepEqual(pages.map((p) => p.chats.length), [2, 2, 2, 1], 'five comments a conversation, at most twelve a page');
      assert.deepEqual(pages.map((p) => p.more), [true, true, true, false]);
      assert.ok(pages.every((p) => p.epoch === whole.epoch && p.seq === whole.seq), 'one epoch and seq on every page');
      assert.deepEqual(pages.flatMap((p) => p.chats), whole.chats);
      const tiny = await collect(store.snapshotPages('t', 'img', { commentsPerPage: 1 }));
      assert.equal(tiny.length, 7, 'a conversation bigger than a page is a page of its own');
      const empty = await collect(store.snapshotPages('t', 'nothing-here'));
      assert.deepEqual(empty, [{ ...(await store.snapshot('t', 'nothing-here')), more: false }], 'an image with no history is one empty page');
    } finally {
      await store.close();
    }
  });
}

test('sqlite file: the pages of one snapshot show one state while writers go on between them', async () => {
  const { store, ids } = await seeded(join(dir, `${randomUUID()}.sqlite`), 6, 2);
  try {
    const before = await store.snapshot('t', 'img');
    const pages = store.snapshotPages('t', 'img', { commentsPerPage: 3 })[Symbol.asyncIterator]();
    const first = await pages.next();
    assert.equal(first.done, false);
    // Written while the read is open: not blocked, and not seen by the later pages.
    await store.apply('t', 'img', { type: 'delete-image-chat', image: 'img', broadcastId: randomUUID(), chatId: ids[5]! }, alice);
    await store.apply('t', 'img', { type: 'update-image-chat', image: 'img', broadcastId: randomUUID(), chatId: ids[4]!, change: { kind: 'add-comment', text: 'late' } }, alice);
    await store.apply('t', 'img', { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.1, y: 0.1, text: 'new' }, alice);
    const rest = [];
    for (let r = await pages.next(); !r.done; r = await pages.next()) rest.push(r.value);
    const all = [first.value!, ...rest];
    assert.ok(all.every((p) => p.seq === before.seq), 'every page at the seq the read started at');
    assert.deepEqual(all.flatMap((p) => p.chats), before.chats);
    assert.equal((await store.snapshot('t', 'img')).seq, before.seq + 3, 'the writes are stored');
  } finally {
    await store.close();
  }
});

test('sqlite file: a snapshot left early frees its connection; beyond four at once, one waits its turn', async () => {
  const { store } = await seeded(join(dir, `${randomUUID()}.sqlite`), 3, 0);
  try {
    for (let i = 0; i < 10; i++) {
      for await (const page of store.snapshotPages('t', 'img', { commentsPerPage: 1 })) {
        assert.equal(page.chats.length, 1);
        break;
      }
    }
    const open = Array.from({ length: 4 }, () => store.snapshotPages('t', 'img', { commentsPerPage: 1 })[Symbol.asyncIterator]());
    for (const it of open) assert.equal((await it.next()).done, false);
    let fifthStarted = false;
    const fifth = store.snapshotPages('t', 'img', { commentsPerPage: 1 })[Symbol.asyncIterator]();
    const fifthFirst = fifth.next().then((r) => ((fifthStarted = true), r));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fifthStarted, false, 'the fifth waits for a connection');
    await open[0]!.return!(undefined);
    assert.equal((await fifthFirst).done, false, 'and starts once one is free');
    for (const it of [...open.slice(1), fifth]) await it.return!(undefined);
  } finally {
    await store.close();
  }
});

test('sqlite: the recent conversations are read in the order of the index chats_by_activity, never sorted', async () => {
  const store = new SqliteStore(':memory:');
  try {
    const internals = store as unknown as { db: Database.Database; q: { recent: Database.Statement } };
    const plan = internals.db.prepare(`EXPLAIN QUERY PLAN ${internals.q.recent.source}`).all('t1', 20) as { detail: string }[];
    const details = plan.map((p) => p.detail).join('\n');
    assert.match(details, /USING (COVERING )?INDEX chats_by_activity \(tenant=\?\)/, details);
    assert.doesNotMatch(details, /TEMP B-TREE/, `no sort: ${details}`);
  } finally {
    await store.close();
  }
});

test('sqlite: migrating a version-1 database gives each conversation its newest comment time and no page', async () => {
  const file = join(dir, 'version-1.sqlite');
  const db = new Database(file);
  migrate(db, 1);
  db.exec(`
    INSERT INTO images (tenant, image, epoch, seq, created_at) VALUES ('t1', 'img', 'e', 3, 100);
    INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at)
      VALUES ('t1', 'img', 'old', 0, 0, 'g_a', 'A', 100), ('t1', 'img', 'new', 1, 1, 'g_a', 'A', 200);
    INSERT INTO comments (tenant, image, chat_id, id, author_id, author_name, text, created_at)
      VALUES ('t1', 'img', 'old', 'c1', 'g_a', 'A', 'first', 100), ('t1', 'img', 'new', 'c2', 'g_a', 'A', 'second', 200),
             ('t1', 'img', 'old', 'c3', 'g_b', 'B', 'late reply', 300);
  `);
  db.close();
  const store = new SqliteStore(file);
  try {
    const recent = await store.recentChats('t1', 10);
    assert.deepEqual(recent.map((r) => [r.chat.id, r.lastActivity, r.page]), [['old', 300, null], ['new', 200, null]]);
    assert.deepEqual(recent[0]!.chat.comments.map((c) => c.text), ['first', 'late reply']);
  } finally {
    await store.close();
  }
});

test('sqlite: migrating a version-3 database numbers each image\'s conversations in creation order; new ones go on from there', async () => {
  const file = join(dir, 'version-3.sqlite');
  const db = new Database(file);
  migrate(db, 3);
  db.exec(`
    INSERT INTO images (tenant, image, epoch, seq, created_at) VALUES ('t1', 'img', 'e', 3, 100), ('t1', 'two', 'e', 1, 100);
    INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at)
      VALUES ('t1', 'img', 'late', 0, 0, 'g_a', 'A', 300), ('t1', 'img', 'early', 1, 1, 'g_a', 'A', 100),
             ('t1', 'img', 'tie', 1, 1, 'g_a', 'A', 300), ('t1', 'two', 'only', 0, 0, 'g_a', 'A', 50);
  `);
  db.close();
  const store = new SqliteStore(file);
  try {
    const snap = await store.snapshot('t1', 'img');
    assert.deepEqual(snap.chats.map((c) => [c.id, c.number]), [['early', 1], ['late', 2], ['tie', 3]]);
    assert.deepEqual((await store.snapshot('t1', 'two')).chats.map((c) => c.number), [1]);
    const { event } = await store.apply('t1', 'img', { type: 'create-image-chat', image: 'img', broadcastId: crypto.randomUUID(), x: 0, y: 0, text: 'new' }, { id: 'g_a', name: 'A', kind: 'guest' });
    assert.ok(event.type === 'new-image-chat');
    assert.equal(event.chat.number, 4);
  } finally {
    await store.close();
  }
});
