import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqlite-store.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { storeConformance } from '../conformance/conformance.ts';
import type { User } from '../../protocol/messages.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite file', async (options) => new SqliteStore(join(dir, `${randomUUID()}.sqlite`), options));
storeConformance('sqlite :memory:', async (options) => new SqliteStore(':memory:', options));

const alice: User = { id: 'g_alice', name: 'Alice', kind: 'guest' };

test('sqlite: data, seq, epoch and secrets survive close and reopen; the parent folder is created', async () => {
  const file = join(dir, 'nested', 'deeper', 'persist.sqlite');
  let store = new SqliteStore(file);
  const { chat } = await store.apply('t1', 'img', { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.1, y: 0.2, text: 'kept' }, alice);
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
    assert.deepEqual(tables, ['chats', 'comments', 'events', 'images', 'meta']);
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
