/**
 * What every SharedCounters must do, run against LocalCounters (one node) and
 * RedisCounters (two instances on one Redis: two nodes).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SharedCounters } from '../../core/counters.ts';

export interface CounterNodes {
  /** Two nodes of one cluster (LocalCounters: the same instance twice). */
  readonly nodes: readonly [SharedCounters, SharedCounters];
  /** Ends node `a` the way a crash would (no goodbye) once its counts have expired; absent for one process. */
  crash?(node: SharedCounters): Promise<void>;
  close(): Promise<void>;
}

export function countersConformance(name: string, open: () => Promise<CounterNodes>): void {
  const withNodes = (body: (run: CounterNodes) => Promise<void>) => async () => {
    const run = await open();
    try {
      await body(run);
    } finally {
      await run.close();
    }
  };
  const tenant = () => `t${randomUUID().slice(0, 8)}`;

  describe(`SharedCounters conformance: ${name}`, () => {
    test('connections per address are limited over every node; a release frees a slot', withNodes(async ({ nodes: [a, b] }) => {
      const t = tenant();
      const first = await a.acquire(t, '10.0.0.1', 3);
      const second = (await b.acquire(t, '10.0.0.1', 3))?.release;
      const third = await a.acquire(t, '10.0.0.1', 3);
      assert.ok(first && second && third, 'three within the limit');
      assert.equal(await b.acquire(t, '10.0.0.1', 3), undefined, 'the fourth, on either node, is refused');
      assert.equal(await a.connections(t, '10.0.0.1'), 3);
      assert.equal(await b.connections(t, '10.0.0.1'), 3);
      assert.ok(await a.acquire(t, '10.0.0.2', 3), 'another address has its own count');
      assert.ok(await b.acquire(tenant(), '10.0.0.1', 3), 'another tenant has its own count');
      second();
      second(); // twice is harmless
      assert.equal(await a.connections(t, '10.0.0.1'), 2);
      assert.ok(await a.acquire(t, '10.0.0.1', 3), 'the freed slot is taken again');
      assert.equal(await b.tenantConnections(t), 4);
    }));

    test('concurrent acquires never pass the limit', withNodes(async ({ nodes: [a, b] }) => {
      const t = tenant();
      const got = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire(t, 'ip', 5)));
      assert.equal(got.filter(Boolean).length, 5);
      assert.equal(await a.connections(t, 'ip'), 5);
    }));

    test("acquire reports the tenant's connections over the cluster, this one included", withNodes(async ({ nodes: [a, b] }) => {
      const t = tenant();
      const held = [await a.acquire(t, 'x', 10), await b.acquire(t, 'y', 10), await a.acquire(t, 'z', 10)];
      assert.deepEqual(held.map((h) => h?.tenantConnections), [1, 2, 3]);
      held.forEach((h) => h!.release());
      // A release is sent without waiting for it: a read on each node's own connection comes after its releases.
      await b.tenantConnections(t);
      assert.equal(await a.tenantConnections(t), 0);
      assert.equal((await b.acquire(t, 'x', 10))?.tenantConnections, 1, 'released slots are not counted');
      assert.equal((await a.acquire(tenant(), 'x', 10))?.tenantConnections, 1, 'another tenant has its own count');
      assert.equal(await b.tenantConnections(t), 1);
    }));

    test('a token bucket shared by the nodes: the burst, then one token per interval', withNodes(async ({ nodes: [a, b] }) => {
      const key = `${tenant()}\nuser\nu1`;
      const now = 1_000_000;
      for (let i = 0; i < 4; i++) assert.ok((await (i % 2 ? a : b).take(key, 60, 4, now)).ok, `token ${i} of the burst`);
      assert.deepEqual(await a.take(key, 60, 4, now), { ok: false, waitSeconds: 1 });
      assert.equal((await b.take(key, 60, 4, now + 500)).ok, false, 'half a token is not a token');
      assert.equal((await b.take(key, 60, 4, now + 1000)).ok, true, 'one a second at 60 a minute');
      assert.equal((await a.take(key, 60, 4, now + 1000)).ok, false);
      for (let i = 0; i < 4; i++) assert.ok((await a.take(key, 60, 4, now + 60_000)).ok, 'refilled to the burst');
      assert.equal((await a.take(key, 60, 4, now + 60_000)).ok, false, 'not beyond it');
      assert.ok((await a.take(`${key}-other`, 60, 4, now)).ok, 'another key has its own bucket');
    }));

    test("a crashed node's connections stop counting", withNodes(async (run) => {
      const [a, b] = run.nodes;
      if (!run.crash) return; // one process: a crash takes every count with it
      const t = tenant();
      await a.acquire(t, 'ip', 2);
      await a.acquire(t, 'ip', 2);
      assert.equal(await b.acquire(t, 'ip', 2), undefined);
      await run.crash(a);
      assert.equal(await b.connections(t, 'ip'), 0);
      assert.ok(await b.acquire(t, 'ip', 2));
    }));
  });
}
