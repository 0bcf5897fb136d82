// Three real node processes (`src/server/main.ts`, as `npm start` runs it) on one PostgreSQL
// schema and one Redis, with raw WebSocket clients on every node: racing writers, Redis dropping
// every pub/sub connection mid-stream, and a node killed with `kill -9` mid-stream. Every listener
// ends with seq 1..N, in order, no gap, no repeat; the store holds every acked action exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from '../support/cluster.ts';
import { FeedListener, FeedWriter } from '../support/feed-client.ts';
import { postgresTestUrl } from '../support/postgres.ts';
import { RedisScope, requireRedisUrl } from '../support/redis.ts';

const IMAGE = 'https://example.test/hot.png';
const TIMEOUT = { timeout: 300_000 }; // a hang guard, nothing is timed
const databaseUrl = postgresTestUrl('the three-node scale tests');
const redisUrl = requireRedisUrl();
const skip = databaseUrl && redisUrl ? false : 'needs DATABASE_URL=postgres://… and REDIS_URL';

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Runs `body` against three fresh nodes and a fresh Redis prefix, closing everything after. */
async function withCluster(body: (cluster: Cluster) => Promise<void>): Promise<void> {
  const scope = new RedisScope(redisUrl!);
  let cluster: Cluster | undefined;
  try {
    cluster = await Cluster.start({ nodes: 3, databaseUrl: databaseUrl!, redis: scope });
    await body(cluster);
  } finally {
    await cluster?.close();
    await scope.cleanup();
  }
}

/** `perNode` listeners on every node, each subscribed (snapshot in) before anything is written. */
async function listenEverywhere(cluster: Cluster, perNode: number): Promise<FeedListener[][]> {
  return Promise.all(cluster.nodes.map((node) => Promise.all(Array.from({ length: perNode }, () => FeedListener.open(node.url, IMAGE)))));
}

/** What the store holds for the image: every event's broadcastId and seq. */
async function storedEvents(cluster: Cluster): Promise<Map<string, number>> {
  const rows = await cluster.sql((sql) => sql<{ broadcast_id: string; seq: string }[]>`SELECT broadcast_id, seq FROM events WHERE image = ${IMAGE} ORDER BY seq`);
  const stored = new Map(rows.map((r) => [r.broadcast_id, Number(r.seq)]));
  assert.equal(stored.size, rows.length, 'no broadcastId stored twice');
  return stored;
}

async function assertEveryListenerGot(listeners: FeedListener[], n: number): Promise<void> {
  for (const l of listeners) await l.untilApplied(n);
  // A round trip per socket: anything sent after the n-th event (a repeat) has arrived too.
  for (const l of listeners) await l.client.sync();
  for (const l of listeners) assert.deepEqual(l.applied, oneToN(n));
}

test('writers on all three nodes race on one image: every listener on every node gets 1..N once, in order', { skip, ...TIMEOUT }, () =>
  withCluster(async (cluster) => {
    const listeners = (await listenEverywhere(cluster, 2)).flat();
    const writers = await Promise.all(cluster.nodes.flatMap((node) => [FeedWriter.open(node.url, 'W1'), FeedWriter.open(node.url, 'W2')]));
    const perWriter = 15;
    // Everything at once: the nodes' publishes cross on Redis (6 may arrive before 5).
    const acks = await Promise.all(writers.flatMap((w, k) => Array.from({ length: perWriter }, (_, i) => w.create(IMAGE, `w${k}-${i}`))));
    const n = perWriter * writers.length;
    assert.deepEqual([...acks].sort((a, b) => a - b), oneToN(n), 'each seq acked once');
    await assertEveryListenerGot(listeners, n);
    for (const l of listeners) assert.deepEqual(l.answers, ['snapshot'], 'the listener never asked again');
    assert.equal((await storedEvents(cluster)).size, n);
  }),
);

test('Redis drops every pub/sub connection of the three nodes mid-stream: every listener converges to 1..N without asking', { skip, ...TIMEOUT }, () =>
  withCluster(async (cluster) => {
    const listeners = (await listenEverywhere(cluster, 2)).flat();
    const writers = await Promise.all(cluster.nodes.map((node) => FeedWriter.open(node.url, 'W')));
    const rounds = 30;
    for (let i = 0; i < rounds; i++) {
      // Only this cluster's subscriber connections (found by their names), never another run's.
      if (i === rounds / 2) assert.equal(await cluster.killRedisConnections(':sub'), cluster.nodes.length, 'one subscriber connection per node killed');
      // One round in flight at a time, so the writes spread over the outage instead of landing before it.
      await Promise.all(writers.map((w, k) => w.create(IMAGE, `w${k}-${i}`)));
    }
    const n = rounds * writers.length;
    await assertEveryListenerGot(listeners, n);
    for (const l of listeners) assert.deepEqual(l.answers, ['snapshot'], 'the listener never asked again');
    assert.equal((await storedEvents(cluster)).size, n);
  }),
);

test('kill -9 of one node mid-stream: its clients resume on another node with `since` and get exactly the rest; every acked action is stored once', { skip, ...TIMEOUT }, () =>
  withCluster(async (cluster) => {
    const [victim, survivor] = cluster.nodes;
    const [onVictim, ...onOthers] = await listenEverywhere(cluster, 2);
    const writers = await Promise.all(cluster.nodes.map((node) => FeedWriter.open(node.url, 'W')));
    const perWriter = 30;
    let killed: Promise<unknown> | undefined;
    const ackedSoFar = () => writers.reduce((sum, w) => sum + w.acked.size, 0);

    // The victim's listeners do what the widget does: on close, subscribe elsewhere from their last {epoch, seq}.
    const resumed = onVictim!.map(async (l) => {
      await l.client.closed;
      await l.connect(survivor!.url);
    });

    await Promise.all(
      writers.map(async (w, k) => {
        for (let i = 0; i < perWriter; i++) {
          if (!killed && ackedSoFar() >= (perWriter * writers.length) / 2) killed = victim!.kill();
          try {
            await w.create(IMAGE, `w${k}-${i}`);
          } catch (e) {
            if (k !== 0 || !killed) throw e;
            // Its node died with this action in flight: acked or not, it is sent again, same broadcastId.
            await killed;
            await w.connect(survivor!.url);
            for (const id of w.unacked) await w.ack(id);
          }
        }
      }),
    );
    assert.ok(killed, 'the node was killed mid-stream');
    await Promise.all(resumed);

    const n = perWriter * writers.length;
    await assertEveryListenerGot([...onVictim!, ...onOthers.flat()], n);
    for (const l of onVictim!) assert.deepEqual(l.answers, ['snapshot', 'replay'], 'resumed by a replay of exactly what it missed');
    for (const l of onOthers.flat()) assert.deepEqual(l.answers, ['snapshot'], 'the listener never asked again');

    // Every acked action is stored exactly once, under the seq its ack gave; nothing else is stored.
    const stored = await storedEvents(cluster);
    const acked = new Map(writers.flatMap((w) => [...w.acked]));
    assert.equal(acked.size, n);
    assert.deepEqual(stored, acked);
  }),
);
