// RedisCounters against a real Redis: two nodes (two connections, two node ids) under one random prefix.
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisCounters } from './redis-counters.ts';
import { countersConformance } from '../conformance/counters-conformance.ts';
import type { SharedCounters } from '../../core/counters.ts';
import { RedisScope, requireRedisUrl } from '../../../test/support/redis.ts';

const url = requireRedisUrl();

if (url) {
  countersConformance('redis (two nodes)', async () => {
    const scope = new RedisScope(url);
    const connections = [1, 2].map((n) => new Redis(url, { connectionName: `${scope.name}-n${n}` }));
    const nodes = connections.map((redis, i) => new RedisCounters({ redis, prefix: scope.prefix, node: `node${i + 1}`, log: () => {} }));
    return {
      nodes: [nodes[0]!, nodes[1]!],
      // What a crash looks like from the outside once the liveness key expired: no goodbye, no beat.
      async crash(node: SharedCounters) {
        const i = nodes.indexOf(node as RedisCounters);
        connections[i]!.disconnect();
        await scope.admin.del(`${scope.prefix}node:node${i + 1}`);
      },
      async close() {
        for (const n of nodes) await n.close();
        await Promise.all(connections.map((c) => (c.status === 'ready' ? c.quit() : undefined)));
        await scope.cleanup();
      },
    };
  });
} else {
  test('SharedCounters conformance: redis (two nodes)', { skip: 'no REDIS_URL' }, () => {});
}
