// The Redis bus against a real Redis: the bus conformance suite with two nodes, and what only a network does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisBus } from './redis-bus.ts';
import type { RedisBusOptions } from './redis-bus.ts';
import { busConformance } from '../conformance/conformance.ts';
import { RedisScope, heldReconnect, requireRedisUrl } from '../../../test/support/redis.ts';

const url = requireRedisUrl();
const skip = url ? false : 'no REDIS_URL';

function nodesOn(scope: RedisScope, options: Partial<RedisBusOptions> = {}) {
  const make = (n: number) => new RedisBus({ url: scope.url, prefix: scope.prefix, name: `${scope.name}-n${n}`, log: () => {}, ...options });
  return [make(1), make(2)] as const;
}

if (url) {
  busConformance('redis (two nodes)', async () => {
    const scope = new RedisScope(url);
    const nodes = nodesOn(scope);
    return {
      nodes,
      topicCount: (bus) => (bus as RedisBus).channelCount,
      async close() {
        await Promise.all(nodes.map((n) => n.close()));
        assert.deepEqual(await scope.untilNoClients(), [], 'closed buses leave no connection open');
        await scope.cleanup();
      },
    };
  });
} else {
  test('Bus conformance: redis (two nodes)', { skip }, () => {});
}

/** Resolves on the bus's next reconnect report. */
const reconnected = (bus: RedisBus) =>
  new Promise<void>((resolve) => {
    const off = bus.onReconnect(() => {
      off();
      resolve();
    });
  });

test('after Redis drops the subscriber connection, every channel is subscribed again before the reconnect is reported', { skip }, async () => {
  const scope = new RedisScope(url!);
  const [a, b] = nodesOn(scope);
  try {
    const got: string[] = [];
    let fenced: () => void = () => {};
    const fence = new Promise<void>((resolve) => (fenced = resolve));
    const topics = ['t1', 't2', 't3'];
    const record = (t: string) => (p: string) => {
      got.push(`${t}:${p}`);
      if (p === 'fence') fenced();
    };
    await Promise.all(topics.map((t) => b.subscribe(t, record(t)).ready));
    const back = reconnected(b);
    assert.equal(await scope.kill('-n2:sub'), 1, 'one subscriber connection of node 2 killed');
    await back;
    // Reported only once SUBSCRIBE was confirmed: a publish now must arrive.
    for (const t of topics) await a.publish(t, 'after');
    await a.publish('t3', 'fence');
    await fence;
    assert.deepEqual(got, ['t1:after', 't2:after', 't3:after', 't3:fence']);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await scope.cleanup();
  }
});

test('the health check fails while the subscriber is down and passes once it is back', { skip }, async () => {
  const scope = new RedisScope(url!);
  const { reconnectWait, down, release } = heldReconnect();
  const [bus, other] = nodesOn(scope, { reconnectWait });
  try {
    await bus.check(5000);
    assert.equal(await scope.kill('-n1:sub'), 1);
    await down;
    await assert.rejects(bus.check(5000), /subscriber connection is end/);
    const back = reconnected(bus);
    release();
    await back;
    await bus.check(5000);
  } finally {
    await Promise.all([bus.close(), other.close()]);
    await scope.cleanup();
  }
});

test('a subscription that died silently fails the health check, which reconnects the subscriber', { skip }, async () => {
  const scope = new RedisScope(url!);
  const [bus, other] = nodesOn(scope);
  try {
    await bus.check(5000);
    const back = reconnected(bus);
    // Behind the bus's back: Redis forgets the health channel while the connection stays up.
    await (bus as unknown as { sub: import('ioredis').Redis }).sub.unsubscribe();
    await assert.rejects(bus.check(300), /round trip/);
    await back;
    await bus.check(5000);
  } finally {
    await Promise.all([bus.close(), other.close()]);
    await scope.cleanup();
  }
});

test('a volatile publish while the publishing connection is down is dropped, where a plain publish waits for it', { skip }, async () => {
  const scope = new RedisScope(url!);
  const [a, b] = nodesOn(scope);
  try {
    const got: string[] = [];
    let fenced: () => void = () => {};
    const fence = new Promise<void>((resolve) => (fenced = resolve));
    await b.subscribe('v', (p) => (got.push(p), p === 'fence' && fenced())).ready;
    const reconnecting = new Promise<void>((resolve) => a.connection.once('reconnecting', () => resolve()));
    assert.equal(await scope.kill('-n1:pub'), 1, 'the publishing connection of node 1 killed');
    await reconnecting;
    a.publishVolatile('v', 'stale');
    const kept = a.publish('v', 'kept');
    await kept;
    await a.publish('v', 'fence');
    await fence;
    assert.deepEqual(got, ['kept', 'fence'], 'no stale announcement delivered once Redis is back');
  } finally {
    await Promise.all([a.close(), b.close()]);
    await scope.cleanup();
  }
});
