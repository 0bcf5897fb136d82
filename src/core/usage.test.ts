// The usage recorder against a real (in-memory SQLite) store, on a fake clock: hours, peaks,
// flushes that fail or overlap a read, retention, and counting turned off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store, UsageBatch } from '../store/store.ts';
import { alice, create, update } from '../store/conformance/fixtures.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { storeWith } from '../../test/support/store-proxy.ts';
import { UsageRecorder } from './usage.ts';
import type { UsageOptions } from './usage.ts';
import { DAY_MS, HOUR_MS } from './usage-series.ts';
import type { UsageRange } from './usage-series.ts';

const T0 = Date.UTC(2026, 10, 24); // 2026-11-24T00:00Z
const DAY: UsageRange = { from: T0, to: T0 + DAY_MS };

interface Rig {
  recorder: UsageRecorder;
  store: Store;
  clock: FakeTimers;
  /** Cluster-wide connection counts the fake counters report. */
  cluster: Map<string, number>;
  /** This node's sessions. */
  sessions: { tenant: string }[];
  logged: string[];
  close(): Promise<void>;
}

async function rig(options: UsageOptions = {}, wrap: (store: Store) => Store = (s) => s): Promise<Rig> {
  const inner = new SqliteStore(':memory:');
  const store = wrap(inner);
  const clock = new FakeTimers();
  clock.t = T0 + 10 * HOUR_MS;
  const cluster = new Map<string, number>();
  const sessions: { tenant: string }[] = [];
  const logged: string[] = [];
  const recorder = new UsageRecorder(
    { store, clock, counters: { tenantConnections: async (t) => cluster.get(t) ?? 0 }, sessions, log: (m) => logged.push(m) },
    options,
  );
  return { recorder, store, clock, cluster, sessions, logged, close: async () => (await recorder.close(), await inner.close()) };
}

/** The tenant-wide hours the store holds, as [hour index since T0, field]. */
async function stored(store: Store, field: 'pubSubMessageCount' | 'pubSubBandwidth' | 'conversationCreateCount' | 'commentCount' | 'peakConnections') {
  return (await store.usageSeries('acme', T0, T0 + DAY_MS)).map((h) => [(h.hour - T0) / HOUR_MS, h[field]]);
}

test('counted per tenant, image and UTC hour; the tenant row holds everything, images what names them', async () => {
  const r = await rig();
  try {
    r.clock.t = T0 + 10 * HOUR_MS - 1; // 09:59:59.999
    r.recorder.sent('acme', [{ bytes: 10, image: 'a.png' }, { bytes: 5 }], 0, 2, 18);
    r.clock.t += 1; // 10:00
    r.recorder.sent('acme', [{ bytes: 99, image: 'x' }, { bytes: 7, image: 'b.png' }], 1, 2, 7);
    const { event: created } = await r.store.apply('acme', 'a.png', create('a.png'), alice);
    assert.ok(created.type === 'new-image-chat');
    const { event: reply } = await r.store.apply('acme', 'a.png', update('a.png', created.chat.id, { kind: 'add-comment', text: 'r' }), alice);
    const { event: resolve } = await r.store.apply('acme', 'a.png', update('a.png', created.chat.id, { kind: 'resolve', resolved: true }), alice);
    for (const event of [created, reply, resolve]) r.recorder.stored('acme', 'a.png', event);
    r.recorder.sent('globex', [{ bytes: 1 }], 0, 1, 1);
    const { totals, series } = await r.recorder.series('acme', DAY, 'hour');
    assert.deepEqual(series[9], { start: T0 + 9 * HOUR_MS, pubSubMessageCount: 2, pubSubBandwidth: 18, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 });
    assert.deepEqual(series[10], { start: T0 + 10 * HOUR_MS, pubSubMessageCount: 1, pubSubBandwidth: 7, conversationCreateCount: 1, commentCount: 2, peakConnections: 0 });
    assert.deepEqual(totals, { pubSubMessageCount: 3, pubSubBandwidth: 25, conversationCreateCount: 1, commentCount: 2, peakConnections: 0 });
    assert.deepEqual(await r.recorder.images('acme', DAY, 10), [
      { image: 'a.png', conversations: 1, pubSubMessageCount: 1, pubSubBandwidth: 10, conversationCreateCount: 1, commentCount: 2 },
      { image: 'b.png', conversations: 0, pubSubMessageCount: 1, pubSubBandwidth: 7, conversationCreateCount: 0, commentCount: 0 },
    ]);
    assert.equal((await r.recorder.series('globex', DAY, 'day')).totals.pubSubMessageCount, 1, 'another tenant');
  } finally {
    await r.close();
  }
});

test('the timer adds the counts every flushMs; each count reaches the store once', async () => {
  const r = await rig({ flushMs: 5000 });
  try {
    r.recorder.sent('acme', [{ bytes: 4 }], 0, 1, 4);
    r.clock.advance(4999);
    await r.recorder.flush(); // (a flush of its own: it shows what the store held before)
    assert.deepEqual(await stored(r.store, 'pubSubMessageCount'), [[10, 1]]);
    r.recorder.sent('acme', [{ bytes: 4 }], 0, 1, 4);
    r.clock.advance(1); // the timer's flush
    r.clock.advance(5000); // and the next, with nothing new
    await r.recorder.flush(); // queued behind them: they are done when it is
    assert.deepEqual(await stored(r.store, 'pubSubMessageCount'), [[10, 2]]);
    assert.equal(r.clock.due.size, 1, 'one timer armed');
  } finally {
    await r.close();
  }
});

test('peakConnections: the most in each hour; connections held into a new hour count there too', async () => {
  let writes = 0;
  const r = await rig({}, (s) => storeWith(s, { addUsage: (b) => (writes++, s.addUsage(b)) }));
  try {
    for (const n of [3, 5, 2]) r.recorder.connections('acme', n);
    await r.recorder.flush();
    assert.deepEqual(await stored(r.store, 'peakConnections'), [[10, 5]]);
    r.recorder.connections('acme', 4);
    await r.recorder.flush();
    assert.deepEqual(await stored(r.store, 'peakConnections'), [[10, 5]], 'a lower count later in the hour leaves the peak');
    // Two sessions here, and the cluster holds 4 connections of the tenant; none opens or closes.
    r.sessions.push({ tenant: 'acme' }, { tenant: 'acme' });
    r.cluster.set('acme', 4);
    r.clock.t = T0 + 11 * HOUR_MS + 1;
    await r.recorder.flush();
    assert.deepEqual(await stored(r.store, 'peakConnections'), [[10, 5], [11, 4]]);
    const before = writes;
    await r.recorder.flush();
    await r.recorder.flush();
    assert.equal(writes, before, 'idle connections cost no write until a new high or a new hour');
    r.cluster.set('acme', 6);
    await r.recorder.flush();
    assert.deepEqual(await stored(r.store, 'peakConnections'), [[10, 5], [11, 6]]);
  } finally {
    await r.close();
  }
});

test('a failed flush keeps its counts and sends them again; a commit that was not confirmed is not counted twice', async () => {
  let fail: 'after-commit' | 'before-commit' | undefined;
  const r = await rig({ flushMs: 5000 }, (s) =>
    storeWith(s, {
      addUsage: async (batch: UsageBatch) => {
        const mode = fail;
        fail = undefined;
        if (mode === 'before-commit') throw new Error('connection refused');
        const taken = await s.addUsage(batch);
        if (mode === 'after-commit') throw new Error('connection lost during COMMIT');
        return taken;
      },
    }),
  );
  try {
    r.recorder.sent('acme', [{ bytes: 1 }], 0, 1, 1);
    fail = 'after-commit';
    r.clock.advance(5000);
    await r.recorder.flush(); // sends the unconfirmed batch again: the store knows it took it
    assert.deepEqual(r.logged, ['usage counts could not be saved; will retry']);
    r.recorder.sent('acme', [{ bytes: 1 }], 0, 1, 1);
    fail = 'before-commit';
    await assert.rejects(r.recorder.flush(), /connection refused/);
    r.recorder.sent('acme', [{ bytes: 1 }], 0, 1, 1);
    await r.recorder.flush();
    assert.deepEqual(await stored(r.store, 'pubSubMessageCount'), [[10, 3]], 'three messages, each counted once');
  } finally {
    await r.close();
  }
});

test('a read during a flush waits for it and counts everything once', async () => {
  let release!: () => void;
  let gate: Promise<void> | undefined = new Promise((resolve) => (release = resolve));
  const r = await rig({ flushMs: 5000 }, (s) =>
    storeWith(s, {
      addUsage: async (batch) => {
        const held = gate;
        gate = undefined;
        await held;
        return s.addUsage(batch);
      },
    }),
  );
  try {
    r.recorder.sent('acme', [{ bytes: 10 }], 0, 1, 10);
    r.clock.advance(5000); // a flush starts and is held in the store
    r.recorder.sent('acme', [{ bytes: 20 }], 0, 1, 20);
    const read = r.recorder.series('acme', DAY, 'hour');
    release();
    assert.deepEqual((await read).totals, { pubSubMessageCount: 2, pubSubBandwidth: 30, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 });
    assert.equal((await r.recorder.series('acme', DAY, 'day')).totals.pubSubBandwidth, 30);
  } finally {
    await r.close();
  }
});

test('old hours are removed at most once an hour, past the retention', async () => {
  const cutoffs: number[] = [];
  const r = await rig({ flushMs: 5000, retentionDays: 2 }, (s) => storeWith(s, { pruneUsage: (before) => (cutoffs.push(before), s.pruneUsage(before)) }));
  try {
    await r.store.addUsage({ writer: 'old', seq: 1, rows: [{ tenant: 'acme', image: '', hour: T0 - 3 * DAY_MS, pubSubMessageCount: 1, pubSubBandwidth: 1, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 }] });
    r.clock.advance(5000);
    r.clock.advance(5000);
    await r.recorder.flush();
    assert.deepEqual(cutoffs, [T0 + 10 * HOUR_MS - 2 * DAY_MS]);
    assert.deepEqual(await r.store.usageSeries('acme', T0 - 4 * DAY_MS, T0), [], 'the old hour is gone');
    r.clock.advance(HOUR_MS);
    await r.recorder.flush();
    assert.deepEqual(cutoffs, [T0 + 10 * HOUR_MS - 2 * DAY_MS, T0 + 11 * HOUR_MS - 2 * DAY_MS]);
  } finally {
    await r.close();
  }
});

test('counting off: nothing is counted or flushed, reads answer from the store', async () => {
  const r = await rig({ counting: false });
  try {
    assert.equal(r.clock.due.size, 0, 'no timer');
    r.recorder.sent('acme', [{ bytes: 10, image: 'a' }], 0, 1, 10);
    r.recorder.connections('acme', 3);
    const { event } = await r.store.apply('acme', 'a', create('a'), alice);
    r.recorder.stored('acme', 'a', event);
    await r.store.addUsage({ writer: 'elsewhere', seq: 1, rows: [{ tenant: 'acme', image: '', hour: T0, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 1, commentCount: 1, peakConnections: 0 }] });
    assert.deepEqual((await r.recorder.series('acme', DAY, 'day')).totals, { pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 1, commentCount: 1, peakConnections: 0 });
  } finally {
    await r.close();
  }
});

test('close adds the last counts and disarms the timer', async () => {
  const r = await rig();
  r.recorder.sent('acme', [{ bytes: 3 }], 0, 1, 3);
  await r.recorder.close();
  assert.equal(r.clock.due.size, 0);
  assert.deepEqual(await stored(r.store, 'pubSubBandwidth'), [[10, 3]]);
  await r.close();
});
