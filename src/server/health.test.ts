// /healthz: {ok, store, bus}, 503 when either fails; with Redis the bus part is a real round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './app.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { RedisBus } from '../bus/redis/redis-bus.ts';
import { ChatCore } from '../core/core.ts';
import { testTenants } from '../../test/support/test-tenants.ts';
import { RedisScope, heldReconnect, requireRedisUrl } from '../../test/support/redis.ts';

const redisUrl = requireRedisUrl();
const skip = redisUrl ? false : 'no REDIS_URL';

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/healthz`);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('a store that fails makes /healthz answer 503 with the reason', async () => {
  const server = await startServer({ port: 0, databaseUrl: ':memory:' });
  try {
    assert.deepEqual(await health(server.url), { status: 200, body: { ok: true, store: 'ok', bus: 'ok' } });
    await server.core.store.close();
    assert.deepEqual(await health(server.url), { status: 503, body: { ok: false, store: 'the store is closed', bus: 'ok' } });
  } finally {
    await server.close();
  }
});

test('with REDIS_URL /healthz checks a round trip through Redis', { skip }, async () => {
  const scope = new RedisScope(redisUrl!);
  const server = await startServer({ port: 0, databaseUrl: ':memory:', redisUrl: redisUrl!, redisPrefix: scope.prefix });
  try {
    assert.match(server.busDescription, /^redis redis:\/\/127\.0\.0\.1:6379 \(node [0-9a-f]+\)$|^redis /);
    assert.deepEqual(await health(server.url), { status: 200, body: { ok: true, store: 'ok', bus: 'ok' } });
  } finally {
    await server.close();
    await scope.cleanup();
  }
});

test('a node whose Redis subscriber was killed is unhealthy until it has subscribed again', { skip }, async () => {
  const scope = new RedisScope(redisUrl!);
  const { reconnectWait, down, release } = heldReconnect();
  const bus = new RedisBus({ url: redisUrl!, prefix: scope.prefix, name: scope.name, log: () => {}, reconnectWait });
  const store = new SqliteStore(':memory:');
  const core = new ChatCore({ store, bus, tenants: testTenants(), guestSecret: 'test-secret-0123456789', log: () => {} });
  try {
    assert.deepEqual(await core.health(5000), { ok: true, store: 'ok', bus: 'ok' });
    assert.equal(await scope.kill(':sub'), 1);
    await down;
    assert.deepEqual(await core.health(5000), { ok: false, store: 'ok', bus: 'the Redis subscriber connection is end' });
    const back = new Promise<void>((resolve) => bus.onReconnect(resolve));
    release();
    await back;
    assert.deepEqual(await core.health(5000), { ok: true, store: 'ok', bus: 'ok' });
  } finally {
    await core.close();
    await bus.close();
    await store.close();
    await scope.cleanup();
  }
});
