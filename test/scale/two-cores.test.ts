// Two ChatCores in one process, as two nodes: one SQLite file (two store instances) and two Redis
// buses. Every session on either node gets every event once, in seq order, without asking, also
// when Redis drops the pub/sub connections mid-stream. A third case needs no Redis: a bus that
// loses messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { RedisBus } from '../../src/bus/redis/redis-bus.ts';
import { InProcessBus } from '../../src/bus/bus.ts';
import type { Bus } from '../../src/bus/bus.ts';
import { ChatCore } from '../../src/core/core.ts';
import type { ChatCoreOptions } from '../../src/core/core.ts';
import { testTenant, testTenants } from '../support/test-tenants.ts';
import { RedisCounters } from '../../src/bus/redis/redis-counters.ts';
import { CoreClient } from '../support/core-client.ts';
import { RedisScope, requireRedisUrl } from '../support/redis.ts';
import { usageRange } from '../../src/core/usage-series.ts';
import type { UsageRange } from '../../src/core/usage-series.ts';

const url = requireRedisUrl();
const skip = url ? false : 'no REDIS_URL';
const IMAGE = 'hot.png';
const expected = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const lastDay = () => usageRange(undefined, undefined, 'hour', Date.now()) as UsageRange;

/** Two nodes on one database file and one Redis. */
async function cluster(scope: RedisScope, options: Partial<ChatCoreOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-two-cores-'));
  const file = join(dir, 'db.sqlite');
  const nodes = [1, 2].map((n) => {
    const store = new SqliteStore(file);
    const bus = new RedisBus({ url: scope.url, prefix: scope.prefix, name: `${scope.name}-n${n}`, log: () => {} });
    const counters = new RedisCounters({ redis: bus.connection, prefix: scope.prefix, node: `n${n}`, log: () => {} });
    const tenants = testTenants(testTenant('tight', { limits: { connectionsPerIp: 2 } }));
    const core = new ChatCore({ store, bus, counters, guestSecret: 'test-secret-0123456789', tenants, log: () => {}, ...options });
    return { store, bus, counters, core };
  });
  return {
    nodes,
    async close() {
      for (const { core, bus, counters, store } of nodes) {
        await core.close();
        await counters.close();
        await bus.close();
        await store.close();
      }
      rmSync(dir, { recursive: true, force: true });
      await scope.cleanup();
    },
  };
}

/** Two listeners per node, subscribed (snapshot received) before anything is written. */
async function listeners(cores: ChatCore[]): Promise<CoreClient[]> {
  const all: CoreClient[] = [];
  for (const core of cores) {
    for (let i = 0; i < 2; i++) {
      const c = await CoreClient.open(core, 'acme', `L${all.length}`);
      c.say({ type: 'subscribe', image: IMAGE });
      await c.until(() => c.messages.some((m) => m.type === 'snapshot'), 'the snapshot');
      all.push(c);
    }
  }
  return all;
}

test('writers on two nodes race on one image: every listener on either node gets 1..N once, in order', { skip }, async () => {
  const scope = new RedisScope(url!);
  const { nodes, close } = await cluster(scope);
  try {
    const watching = await listeners(nodes.map((n) => n.core));
    const writers = await Promise.all(nodes.flatMap(({ core }) => [CoreClient.open(core, 'acme', 'W1'), CoreClient.open(core, 'acme', 'W2')]));
    const perWriter = 15;
    for (let i = 0; i < perWriter; i++) writers.forEach((w, k) => w.create(IMAGE, `w${k}-${i}`));
    const n = perWriter * writers.length;
    await Promise.all(writers.map((w) => w.until(() => w.messages.filter((m) => m.type === 'ack').length === perWriter, 'every ack')));
    for (const l of watching) await l.until(() => l.seqs(IMAGE).length >= n, `${n} events`);
    for (const l of watching) assert.deepEqual(l.seqs(IMAGE), expected(n));
  } finally {
    await close();
  }
});

test('Redis drops both nodes\' subscriber connections mid-stream: every listener still converges, in order, without asking', { skip }, async () => {
  const scope = new RedisScope(url!);
  const { nodes, close } = await cluster(scope);
  try {
    const watching = await listeners(nodes.map((n) => n.core));
    const writers = await Promise.all(nodes.map(({ core }) => CoreClient.open(core, 'acme', 'W')));
    const rounds = 40;
    for (let i = 0; i < rounds; i++) {
      writers.forEach((w, k) => w.create(IMAGE, `w${k}-${i}`));
      if (i === rounds / 2) assert.equal(await scope.kill(':sub'), 2, 'both subscriber connections killed');
      // Let the writes spread over the outage instead of all landing before the kill.
      await writers[0]!.until(() => writers[0]!.messages.filter((m) => m.type === 'ack').length > i, 'the ack');
    }
    const n = rounds * writers.length;
    for (const l of watching) await l.until(() => l.seqs(IMAGE).length >= n, `${n} events`);
    for (const l of watching) assert.deepEqual(l.seqs(IMAGE), expected(n));
    for (const l of watching) assert.equal(l.messages.filter((m) => m.type === 'snapshot' || m.type === 'replay').length, 1, 'no second snapshot: the client never asked');
  } finally {
    await close();
  }
});

test('the per-IP limit and the usage are the cluster\'s: any node refuses the third connection and reports both nodes\' traffic', { skip }, async () => {
  const scope = new RedisScope(url!);
  const { nodes, close } = await cluster(scope);
  const [a, b] = nodes.map((n) => n.core) as [ChatCore, ChatCore];
  try {
    /** Connections are counted asynchronously after connect: wait for the cluster's count to read `n`. */
    const counted = async (n: number) => {
      for (let i = 0; i < 2000 && (await a.counters.connections('tight', '')) !== n; i++) await new Promise((r) => setImmediate(r));
      assert.equal(await b.counters.connections('tight', ''), n);
    };
    const first = await CoreClient.open(a, 'tight', 'A');
    const second = await CoreClient.open(b, 'tight', 'B');
    await counted(2);
    assert.deepEqual((await a.admit('tight', undefined, undefined))?.status, 429, 'node A counts node B\'s connection');
    assert.deepEqual((await b.admit('tight', undefined, undefined))?.status, 429);
    const third = new CoreClient.Raw(b, 'tight');
    await third.until(() => third.closed !== undefined, 'the third connection closed');
    assert.equal(third.closed?.code, 1013);
    first.create(IMAGE, 'on A');
    second.create(IMAGE, 'on B');
    await first.until(() => first.messages.some((m) => m.type === 'ack'), 'ack A');
    await second.until(() => second.messages.some((m) => m.type === 'ack'), 'ack B');
    await a.usage.flush();
    const { totals } = await b.usage.series('tight', lastDay(), 'hour');
    assert.equal(totals.conversationCreateCount, 2);
    assert.equal(totals.commentCount, 2);
    assert.equal(totals.peakConnections, 2);
    assert.equal(await b.counters.tenantConnections('tight'), 2);
    first.conn.close();
    await counted(1);
    assert.equal(await b.admit('tight', undefined, undefined).then((r) => r?.status), undefined, 'a slot is free again, on any node');
  } finally {
    await close();
  }
});

/** Delivers to the in-process bus except the publishes `lose` picks. */
class LossyBus extends InProcessBus implements Bus {
  published = 0;
  constructor(private readonly lose: (n: number) => boolean) {
    super();
  }
  override publish(topic: string, payload: string): void {
    if (!this.lose(++this.published)) super.publish(topic, payload);
  }
}

test('a bus that loses messages: the feed fills the gaps and the periodic check the tail', async () => {
  const store = new SqliteStore(':memory:');
  // Loses every third event and the very last: a gap the next event reveals, and one nothing reveals.
  const n = 30;
  const bus = new LossyBus((k) => k % 3 === 0 || k === n);
  const core = new ChatCore({ store, bus, guestSecret: 'test-secret-0123456789', tenants: testTenants(), log: () => {}, feedHoldMs: 10, feedCheckMs: 50 });
  try {
    const [watching] = await listeners([core]);
    const writer = await CoreClient.open(core, 'acme', 'W');
    for (let i = 0; i < n; i++) writer.create(IMAGE, `m${i}`);
    await watching!.until(() => watching!.seqs(IMAGE).length >= n, `${n} events`);
    assert.deepEqual(watching!.seqs(IMAGE), expected(n));
  } finally {
    await core.close();
    await bus.close();
    await store.close();
  }
});
