import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore } from './open.ts';
import { startServer } from '../server/app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { postgresTestUrl, testSchemas } from '../../test/support/postgres.ts';
import { spawnServer } from '../../test/support/server-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('openStore: a path, a sqlite: or file: URL and :memory: open SQLite', async () => {
  for (const [url, description] of [
    [join(dir, 'a.sqlite'), `sqlite ${join(dir, 'a.sqlite')}`],
    [`sqlite:${join(dir, 'b.sqlite')}`, `sqlite ${join(dir, 'b.sqlite')}`],
    [`file://${join(dir, 'c.sqlite')}`, `sqlite ${join(dir, 'c.sqlite')}`],
    [':memory:', 'sqlite :memory:'],
  ]) {
    const store = await openStore(url!);
    try {
      assert.equal(store.description, description);
      assert.equal((await store.snapshot('t1', 'img')).seq, 0);
    } finally {
      await store.close();
    }
  }
});

const url = postgresTestUrl('the openStore PostgreSQL tests');
if (url) {
  const schemas = testSchemas(url);

  test('openStore: postgres:// opens PostgreSQL, migrated, in the schema the URL names', async () => {
    const schema = await schemas.fresh();
    const store = await openStore(schemas.urlFor(schema), { logKeep: 5 });
    try {
      assert.match(store.description, new RegExp(`^postgresql .*\\(schema ${schema}\\)$`));
      await store.apply('t1', 'img', { type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'hi' }, { id: 'g_a', name: 'A', kind: 'guest' });
      const [row] = await schemas.admin`SELECT count(*)::int AS n FROM ${schemas.admin(schema)}.chats`;
      assert.equal(row?.n, 1, 'the conversation is in that schema');
    } finally {
      await store.close();
    }
  });

  test('a server on PostgreSQL: /healthz answers ok, the store part a real read', async () => {
    const schema = await schemas.fresh();
    const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: schemas.urlFor(schema), staticRoot: dir });
    try {
      const res = await fetch(`${server.url}/healthz`);
      assert.deepEqual({ status: res.status, body: await res.json() }, { status: 200, body: { ok: true, store: 'ok', bus: 'ok' } });
    } finally {
      await server.close();
    }
  });

  test('a server on PostgreSQL: a conversation made over a WebSocket is stored there', async () => {
    const schema = await schemas.fresh();
    const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: schemas.urlFor(schema), staticRoot: dir });
    const client = await TestClient.open(server.url);
    try {
      await client.hello({ name: 'Ann' });
      const broadcastId = randomUUID();
      client.send({ type: 'create-image-chat', image: 'img', broadcastId, x: 0.1, y: 0.2, text: 'stored in postgres' });
      const ack = await client.take('ack');
      assert.ok(ack.type === 'ack' && ack.broadcastId === broadcastId && ack.seq === 1, JSON.stringify(ack));
      const rows = await schemas.admin`SELECT text FROM ${schemas.admin(schema)}.comments`;
      assert.deepEqual(rows.map((r) => r.text), ['stored in postgres']);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('the server (main.ts) started with DATABASE_URL=postgres://… says it uses PostgreSQL', async () => {
    const schema = await schemas.fresh();
    const server = await spawnServer({ DATABASE_URL: schemas.urlFor(schema) });
    try {
      const line = server.output().split('\n').find((l) => l.includes('listening')) ?? '';
      assert.match(line, new RegExp(`store: postgresql .*\\(schema ${schema}\\)`));
    } finally {
      // Only the line is under test here (shutdown has tests of its own): stop it and wait until it is gone.
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
}
