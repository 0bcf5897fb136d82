/**
 * The PostgreSQL store against a real server: DATABASE_URL (or
 * TEST_DATABASE_URL) naming a postgres:// database; with CI set and no such
 * URL the suite fails. Every store here gets its own schema (test/support/postgres.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { ChatEvent } from '../../protocol/messages.ts';
import { storeConformance } from '../conformance/conformance.ts';
import { alice, create } from '../conformance/fixtures.ts';
import type { StoreOptions } from '../store.ts';
import { PostgresStore, RECENT_CHATS_SQL } from './postgres-store.ts';
import { SCHEMA_VERSION, migrate } from './migrations.ts';
import { postgresTestUrl, testSchemas } from '../../../test/support/postgres.ts';

const url = postgresTestUrl('the PostgreSQL store suite');
if (url) postgresSuite(url);

function postgresSuite(url: string): void {
  const { admin, fresh: freshSchema } = testSchemas(url);
  const open = (schema: string, options: StoreOptions = {}) => PostgresStore.open(url, { ...options, schema, maxConnections: 4 });

  storeConformance('postgresql', {
    open: async (options) => open(await freshSchema(), options),
    // Two pools on one schema, opened at once: they also race on the migrations.
    openTwo: async (options) => {
      const schema = await freshSchema();
      const [a, b] = await Promise.all([open(schema, options), open(schema, options)]);
      return [a, b];
    },
  });

  test('postgres: several nodes starting at once on an empty database migrate it once and share one epoch', async () => {
    const schema = await freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(schema)));
    try {
      const [row] = await admin`SELECT version FROM ${admin(schema)}.image_chat_schema`;
      assert.equal(row?.version, SCHEMA_VERSION);
      const epochs = new Set(await Promise.all(stores.map(async (s) => (await s.snapshot('t1', 'img')).epoch)));
      assert.equal(epochs.size, 1, 'one first-history epoch for the database');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('postgres: a database from a newer version is refused rather than misread', async () => {
    const schema = await freshSchema();
    await (await open(schema)).close();
    await admin`UPDATE ${admin(schema)}.image_chat_schema SET version = ${SCHEMA_VERSION + 5}`;
    await assert.rejects(open(schema), /newer than this server/);
  });

  test('postgres: data, seq, epoch and secrets survive close and reopen; the description shows no password', async () => {
    const schema = await freshSchema();
    const withPassword = new URL(url);
    withPassword.password = 'not-shown-in-logs';
    let store = await PostgresStore.open(withPassword.href, { schema });
    assert.match(store.description, /^postgresql /);
    assert.doesNotMatch(store.description, /not-shown-in-logs/);
    const { event } = await store.apply('t1', 'img', create('img', 'kept'), alice);
    const secret = await store.secret('guest');
    const before = await store.snapshot('t1', 'img');
    await store.close();
    store = await open(schema);
    try {
      assert.deepEqual(await store.snapshot('t1', 'img'), before);
      assert.equal(await store.secret('guest'), secret);
      assert.deepEqual(await store.eventsSince('t1', 'img', { epoch: before.epoch, seq: 0 }), [event]);
      const next = await store.apply('t1', 'img', create('img'), alice);
      assert.equal(next.event.seq, 2);
    } finally {
      await store.close();
    }
  });

  test('postgres: a broadcastId committed elsewhere after the check is resolved by the unique constraint to the stored event', async () => {
    const schema = await freshSchema();
    const store = await open(schema);
    const other = postgres(url, { max: 2, onnotice: () => {}, connection: { search_path: schema } });
    try {
      await store.apply('t1', 'img', create('img'), alice);
      const action = create('img', 'raced');
      // What another writer stored under the same broadcastId, without the image lock (so only the
      // unique constraint stands between the two): its own seq, so the primary key does not meet ours.
      const theirs = { type: 'deleted-image-chat', image: 'img', seq: 1000, broadcastId: action.broadcastId, chatId: randomUUID() } as const;
      const conn = await other.reserve();
      await conn`BEGIN`;
      const [{ pid }] = (await conn`SELECT pg_backend_pid() AS pid`) as unknown as [{ pid: number }];
      await conn`INSERT INTO events (tenant, image, seq, type, payload, broadcast_id, actor_id, created_at)
                 VALUES ('t1', 'img', 1000, ${theirs.type}, ${JSON.stringify(theirs)}, ${action.broadcastId}, ${alice.id}, 0)`;
      const applying = store.apply('t1', 'img', action, alice);
      // Our insert now waits on theirs (uncommitted): wait for that state, then let theirs commit.
      while (((await other`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`)[0]!.n as number) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await conn`COMMIT`;
      conn.release();
      const result = await applying;
      assert.equal(result.duplicate, true, 'answered as a retry of the stored action');
      assert.deepEqual(result.event, theirs as ChatEvent);
      const snap = await store.snapshot('t1', 'img');
      assert.equal(snap.chats.length, 1, 'our conversation was rolled back');
      assert.equal(snap.seq, 1, 'and its seq with it');
    } finally {
      await other.end({ timeout: 5 });
      await store.close();
    }
  });

  test('postgres: the recent conversations are read backwards along chats_by_activity, never sorted', async () => {
    const schema = await freshSchema();
    await (await open(schema)).close();
    const plan = await admin.begin(async (tx) => {
      await tx`SET LOCAL search_path TO ${tx(schema)}`;
      // The plan a real table gets (an empty one is cheapest to read whole and sort): 20 tenants of 1,000 conversations.
      await tx`INSERT INTO images (tenant, image, epoch, seq, created_at) SELECT 't' || t, 'img', 'e', 0, 0 FROM generate_series(1, 20) t`;
      await tx`INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at, last_activity)
               SELECT 't' || (n % 20 + 1), 'img', 'c' || n, 0, 0, 'g', 'G', n, n FROM generate_series(1, 20000) n`;
      await tx`ANALYZE chats`;
      return tx.unsafe(`EXPLAIN ${RECENT_CHATS_SQL}`, ['t1', 20]);
    });
    const text = plan.map((row) => String(row['QUERY PLAN'])).join('\n');
    assert.match(text, /Index Scan Backward using chats_by_activity/, text);
    assert.doesNotMatch(text, /Sort/, `no sort: ${text}`);
  });

  test('postgres: migrating a version-1 database gives each conversation its newest comment time and no page', async () => {
    const schema = await freshSchema();
    const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
    try {
      await migrate(sql, 1);
      await sql`INSERT INTO images (tenant, image, epoch, seq, created_at) VALUES ('t1', 'img', 'e', 3, 100)`;
      await sql`INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at)
                VALUES ('t1', 'img', 'old', 0, 0, 'g_a', 'A', 100), ('t1', 'img', 'new', 1, 1, 'g_a', 'A', 200)`;
      await sql`INSERT INTO comments (tenant, image, chat_id, id, author_id, author_name, text, created_at)
                VALUES ('t1', 'img', 'old', 'c1', 'g_a', 'A', 'first', 100), ('t1', 'img', 'new', 'c2', 'g_a', 'A', 'second', 200),
                       ('t1', 'img', 'old', 'c3', 'g_b', 'B', 'late reply', 300)`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    const store = await open(schema);
    try {
      const recent = await store.recentChats('t1', 10);
      assert.deepEqual(recent.map((r) => [r.chat.id, r.lastActivity, r.page]), [['old', 300, null], ['new', 200, null]]);
      assert.deepEqual(recent[0]!.chat.comments.map((c) => c.text), ['first', 'late reply']);
    } finally {
      await store.close();
    }
  });
  test('postgres: migrating a version-3 database numbers each image\'s conversations in stored order; new ones go on from there', async () => {
    const schema = await freshSchema();
    const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
    try {
      await migrate(sql, 3);
      await sql`INSERT INTO images (tenant, image, epoch, seq, created_at) VALUES ('t1', 'img', 'e', 3, 100), ('t1', 'two', 'e', 1, 100)`;
      await sql`INSERT INTO chats (tenant, image, id, x, y, author_id, author_name, created_at)
                VALUES ('t1', 'img', 'first', 0, 0, 'g_a', 'A', 100), ('t1', 'img', 'second', 1, 1, 'g_a', 'A', 200),
                       ('t1', 'two', 'only', 0, 0, 'g_a', 'A', 50), ('t1', 'img', 'third', 1, 1, 'g_a', 'A', 300)`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    const store = await open(schema);
    try {
      const snap = await store.snapshot('t1', 'img');
      assert.deepEqual(snap.chats.map((c) => [c.id, c.number]), [['first', 1], ['second', 2], ['third', 3]]);
      assert.deepEqual((await store.snapshot('t1', 'two')).chats.map((c) => c.number), [1]);
      const { event } = await store.apply('t1', 'img', { type: 'create-image-chat', image: 'img', broadcastId: crypto.randomUUID(), x: 0, y: 0, text: 'new' }, { id: 'g_a', name: 'A', kind: 'guest' });
      assert.ok(event.type === 'new-image-chat');
      assert.equal(event.chat.number, 4);
    } finally {
      await store.close();
    }
  });
}
