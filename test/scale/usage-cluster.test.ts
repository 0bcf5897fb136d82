// Usage over two real node processes on one PostgreSQL schema and one Redis: each node counts
// its own traffic, the store sums them, and the peak is the cluster's connection count.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Cluster } from '../support/cluster.ts';
import type { NodeProcess } from '../support/cluster.ts';
import { postgresTestUrl } from '../support/postgres.ts';
import { RedisScope, requireRedisUrl } from '../support/redis.ts';
import { TestClient } from '../support/test-client.ts';
import { decodeServerFrame } from '../../src/protocol/decode.ts';

const TIMEOUT = { timeout: 120_000 }; // a hang guard, nothing is timed
const databaseUrl = postgresTestUrl('the usage cluster test');
const redisUrl = requireRedisUrl();
const skip = databaseUrl && redisUrl ? false : 'needs DATABASE_URL=postgres://… and REDIS_URL';
const KEY = 'acme-usage-cluster-api-key';
const dir = mkdtempSync(join(tmpdir(), 'image-chat-usage-cluster-'));
const tenants = join(dir, 'tenants.json');
writeFileSync(tenants, JSON.stringify({ tenants: [{ id: 'acme', origins: ['*'], apiKey: KEY, limits: { actionBurst: 1000, actionsPerMinute: 100000 } }] }));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  totals: { pubSubMessageCount: number; pubSubBandwidth: number; conversationCreateCount: number; commentCount: number; peakConnections: number };
  connections: number;
  conversations: number;
}

async function usage(node: NodeProcess): Promise<Answer> {
  const res = await fetch(`${node.url}/api/v1/tenants/acme/usage`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Answer;
}

async function act(c: TestClient, message: Record<string, unknown>): Promise<string | undefined> {
  const broadcastId = randomUUID();
  c.send({ ...message, broadcastId });
  const ack = await c.take((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === broadcastId, 10_000);
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack.type === 'ack' ? ack.chat?.id : undefined;
}

test('two nodes: the API sums both nodes\' counts, and the peak is the connections held over the cluster', { skip, ...TIMEOUT }, async () => {
  const scope = new RedisScope(redisUrl!);
  let cluster: Cluster | undefined;
  const clients: TestClient[] = [];
  try {
    // No timer flush during the test: each read flushes its own node, so the sums are exact.
    cluster = await Cluster.start({ nodes: 2, databaseUrl: databaseUrl!, redis: scope, env: { TENANTS_FILE: tenants, USAGE_FLUSH_MS: '600000' } });
    const [one, two] = cluster.nodes as [NodeProcess, NodeProcess];
    const open = async (node: NodeProcess, name: string) => {
      const c = await TestClient.open(node.url, 'acme');
      clients.push(c);
      await c.hello({ name });
      return c;
    };
    const [w1, l1, , w2, l2] = [await open(one, 'W1'), await open(one, 'L1'), await open(one, 'X1'), await open(two, 'W2'), await open(two, 'L2')];
    for (const l of [l1!, l2!]) {
      l.send({ type: 'subscribe', image: 'c.png' });
      await l.take('snapshot', 10_000);
    }
    await act(w1!, { type: 'create-image-chat', image: 'c.png', x: 0.1, y: 0.1, text: 'on one' });
    await act(w1!, { type: 'create-image-chat', image: 'c.png', x: 0.2, y: 0.1, text: 'on one again' });
    const chat = await act(w2!, { type: 'create-image-chat', image: 'c.png', x: 0.3, y: 0.1, text: 'on two' });
    for (let i = 0; i < 4; i++) await act(w2!, { type: 'update-image-chat', image: 'c.png', chatId: chat, change: { kind: 'add-comment', text: `reply ${i}` } });
    // Both listeners hold the last event (each node fanned out every event): everything written has arrived.
    for (const l of [l1!, l2!]) await l.take((m) => m.type === 'image-chat-updated' && m.change.kind === 'add-comment' && m.change.comment.text === 'reply 3', 10_000);

    await usage(two); // flushes node two's counts
    const fromOne = await usage(one); // flushes node one's, and reads both
    assert.equal(fromOne.totals.conversationCreateCount, 3);
    assert.equal(fromOne.totals.commentCount, 3 + 4);
    assert.equal(fromOne.totals.peakConnections, 5, 'three connections on one node and two on the other, at once');
    assert.equal(fromOne.connections, 5);
    assert.equal(fromOne.conversations, 3);
    const received = clients.flatMap((c) => c.frames);
    assert.equal(fromOne.totals.pubSubMessageCount, received.flatMap((f) => decodeServerFrame(f)).length, 'every message either node wrote');
    assert.equal(fromOne.totals.pubSubBandwidth, received.reduce((n, f) => n + Buffer.byteLength(f), 0));
    assert.deepEqual((await usage(two)).totals, fromOne.totals, 'either node answers the same');
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await cluster?.close();
    await scope.cleanup();
  }
});
