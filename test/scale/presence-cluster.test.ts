// Presence and typing across two nodes on one PostgreSQL schema and one Redis (issue 14): viewers
// and typists on either node are seen on the other, nothing crosses tenants, and a node that
// vanishes from the bus without a word has its viewers dropped once they are not announced again.
// Real timers with short presence timings; the test waits for states, it times nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from '../../src/server/app.ts';
import type { RunningServer } from '../../src/server/app.ts';
import type { PresenceMessage, ServerMessage, TypingMessage } from '../../src/protocol/messages.ts';
import { TestClient } from '../support/test-client.ts';
import { testTenants } from '../support/test-tenants.ts';
import { mintToken } from '../support/test-tokens.ts';
import { postgresTestUrl, testSchemas } from '../support/postgres.ts';
import { RedisScope, requireRedisUrl } from '../support/redis.ts';

const databaseUrl = postgresTestUrl('the two-node presence tests');
const redisUrl = requireRedisUrl();
const skip = databaseUrl && redisUrl ? false : 'needs DATABASE_URL=postgres://… and REDIS_URL';
/** A hang guard: a state that never comes fails here. */
const WAIT_MS = 10_000;
const TIMINGS = { coalesceMs: 200, announceMs: 300, expireMs: 1000, typingMs: 5000 };

async function withNodes(body: (nodes: RunningServer[], open: (node: RunningServer, tenant: string, sub: string) => Promise<TestClient>) => Promise<void>): Promise<void> {
  const schemas = testSchemas(databaseUrl!);
  const schema = await schemas.fresh();
  const scope = new RedisScope(redisUrl!);
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-presence-cluster-'));
  const nodes: RunningServer[] = [];
  const clients: TestClient[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      nodes.push(await startServer({ port: 0, databaseUrl: schemas.urlFor(schema), redisUrl: redisUrl!, redisPrefix: scope.prefix, staticRoot: dir, tenants: testTenants(), presence: TIMINGS }));
    }
    await body(nodes, async (node, tenant, sub) => {
      const c = await TestClient.open(node.url, tenant);
      clients.push(c);
      await c.hello({ token: await mintToken(tenant, { sub, name: sub }) });
      return c;
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    for (const node of nodes) await node.close();
    await scope.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Takes presence frames of `image` until one satisfies `ok`; returns it. */
async function presenceUntil(c: TestClient, image: string, ok: (m: PresenceMessage) => boolean): Promise<PresenceMessage> {
  for (;;) {
    const m = (await c.take((x: ServerMessage) => x.type === 'presence' && x.image === image, WAIT_MS)) as PresenceMessage;
    if (ok(m)) return m;
  }
}

const names = (m: PresenceMessage) => m.viewers.map((v) => v.name).sort();

async function subscribe(c: TestClient, image: string): Promise<void> {
  c.send({ type: 'subscribe', image });
  await c.take('snapshot', WAIT_MS);
}

test('viewers and typists on two nodes see each other; nothing crosses tenants', { skip, timeout: 120_000 }, () =>
  withNodes(async ([one, two], open) => {
    const image = `cluster-${randomUUID()}`;
    const ana = await open(one!, 'acme', 'ana');
    const ben = await open(two!, 'acme', 'ben');
    const gus = await open(two!, 'globex', 'gus');
    await subscribe(ana, image);
    await subscribe(gus, image);
    await subscribe(ben, image);
    assert.deepEqual(names(await presenceUntil(ana, image, (m) => m.count === 2)), ['ana', 'ben']);
    assert.deepEqual(names(await presenceUntil(ben, image, (m) => m.count === 2)), ['ana', 'ben']);

    ben.send({ type: 'typing', image, chatId: 'c1' });
    const typing = (await ana.take((m) => m.type === 'typing', WAIT_MS)) as TypingMessage;
    assert.deepEqual(typing.users, [{ id: 'u:ben', name: 'ben' }]);
    ben.send({ type: 'typing', image, chatId: 'c1', stop: true });
    assert.deepEqual(((await ana.take((m) => m.type === 'typing', WAIT_MS)) as TypingMessage).users, []);

    await ben.close();
    assert.deepEqual(names(await presenceUntil(ana, image, (m) => m.count === 1)), ['ana'], 'a socket closing on the other node leaves');
    await gus.sync();
    assert.deepEqual(gus.inbox.filter((m) => m.type === 'presence' || m.type === 'typing'), [], 'the same image id on another tenant saw none of it');
  }),
);

test('a node that vanishes from the bus has its viewers dropped once they are not announced again', { skip, timeout: 120_000 }, () =>
  withNodes(async ([one, two], open) => {
    const image = `cluster-${randomUUID()}`;
    const ana = await open(one!, 'acme', 'ana');
    const ben = await open(two!, 'acme', 'ben');
    await subscribe(ana, image);
    await subscribe(ben, image);
    await presenceUntil(ana, image, (m) => m.count === 2);
    // Node two's bus goes without a goodbye (its sockets stay open: nothing else tells node one).
    await two!.core.bus.close();
    assert.deepEqual(names(await presenceUntil(ana, image, (m) => m.count === 1)), ['ana']);
  }),
);
