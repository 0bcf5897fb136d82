/**
 * The usage tables every Store must keep: hourly rows added up by batches (counters sum, the
 * peak is a max), each batch taken once, read back per tenant and per image, pruned by age.
 * The concurrent cases race two store instances on one database, as two nodes flushing at once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Store, StoreOptions, UsageBatch, UsageRow } from '../store.ts';
import { alice, create, remove } from './fixtures.ts';

const HOUR = 3_600_000;
/** 2026-11-24T00:00:00Z: any whole hour would do. */
const T0 = Date.UTC(2026, 10, 24);
const at = (h: number) => T0 + h * HOUR;

const row = (tenant: string, image: string, hour: number, n: Partial<UsageRow> = {}): UsageRow => ({
  tenant,
  image,
  hour,
  pubSubMessageCount: 0,
  pubSubBandwidth: 0,
  conversationCreateCount: 0,
  commentCount: 0,
  peakConnections: 0,
  ...n,
});

const hourOf = (n: { hour: number; pubSubMessageCount: number; pubSubBandwidth: number; conversationCreateCount: number; commentCount: number; peakConnections: number }) => ({
  hour: n.hour,
  pubSubMessageCount: n.pubSubMessageCount,
  pubSubBandwidth: n.pubSubBandwidth,
  conversationCreateCount: n.conversationCreateCount,
  commentCount: n.commentCount,
  peakConnections: n.peakConnections,
});

export function usageConformance(
  name: string,
  open: (options?: StoreOptions) => Promise<Store>,
  openTwo: (options?: StoreOptions) => Promise<[Store, Store]>,
): void {
  const withStore = (body: (store: Store) => Promise<void>) => async () => {
    const store = await open();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  const withTwo = (body: (a: Store, b: Store) => Promise<void>) => async () => {
    const [a, b] = await openTwo();
    try {
      await body(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  };
  let writers = 0;
  const writer = () => `w${++writers}-${randomUUID()}`;

  describe(`Store usage: ${name}`, () => {
    test('nothing counted: no hours, no images', withStore(async (s) => {
      assert.deepEqual(await s.usageSeries('t1', at(0), at(24)), []);
      assert.deepEqual(await s.imageActivity('t1', at(0), at(24), 10), []);
    }));

    test('batches add up per tenant, image and hour; the peak keeps the larger; the series holds the tenant rows of the range', withStore(async (s) => {
      const w = writer();
      const big = 2 ** 40; // past 32 bits: bandwidth adds up for years
      assert.equal(await s.addUsage({ writer: w, seq: 1, rows: [
        row('t1', '', at(1), { pubSubMessageCount: 3, pubSubBandwidth: big, conversationCreateCount: 1, commentCount: 2, peakConnections: 5 }),
        row('t1', 'a.png', at(1), { pubSubMessageCount: 3, pubSubBandwidth: 300, conversationCreateCount: 1, commentCount: 2 }),
        row('t1', '', at(3), { pubSubMessageCount: 1, peakConnections: 2 }),
        row('t2', '', at(1), { pubSubMessageCount: 100, peakConnections: 50 }),
      ] }), true);
      assert.equal(await s.addUsage({ writer: w, seq: 2, rows: [
        row('t1', '', at(1), { pubSubMessageCount: 4, pubSubBandwidth: 1, commentCount: 1, peakConnections: 3 }),
        row('t1', '', at(1), { pubSubMessageCount: 1, peakConnections: 7 }), // the same key twice in one batch
        row('t1', '', at(0), { conversationCreateCount: 1 }),
      ] }), true);
      assert.deepEqual((await s.usageSeries('t1', at(0), at(24))).map(hourOf), [
        { hour: at(0), pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 1, commentCount: 0, peakConnections: 0 },
        { hour: at(1), pubSubMessageCount: 8, pubSubBandwidth: big + 1, conversationCreateCount: 1, commentCount: 3, peakConnections: 7 },
        { hour: at(3), pubSubMessageCount: 1, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 0, peakConnections: 2 },
      ]);
      assert.deepEqual((await s.usageSeries('t1', at(1), at(3))).map((h) => h.hour), [at(1)], 'from inclusive, to exclusive');
      assert.deepEqual((await s.usageSeries('t2', at(0), at(24))).map((h) => h.pubSubMessageCount), [100], 'another tenant');
    }));

    test('a batch is taken once: a repeat or an older seq of its writer adds nothing', withStore(async (s) => {
      const w = writer();
      const batch = (seq: number): UsageBatch => ({ writer: w, seq, rows: [row('t1', '', at(0), { pubSubMessageCount: 10, peakConnections: seq })] });
      assert.equal(await s.addUsage(batch(1)), true);
      assert.equal(await s.addUsage(batch(1)), false, 'the retry of a batch already taken');
      assert.equal(await s.addUsage(batch(2)), true);
      assert.equal(await s.addUsage(batch(1)), false, 'an older batch');
      assert.equal(await s.addUsage({ ...batch(1), writer: writer() }), true, 'another writer has its own seqs');
      assert.equal(await s.addUsage({ writer: w, seq: 3, rows: [] }), true, 'an empty batch');
      const [hour] = await s.usageSeries('t1', at(0), at(1));
      assert.equal(hour?.pubSubMessageCount, 30);
      assert.equal(hour?.peakConnections, 2);
    }));

    test('images ranked by creates + comments, then messages, then id; with the conversations each holds now', withStore(async (s) => {
      const { event } = await s.apply('t1', 'busy.png', create('busy.png'), alice);
      await s.apply('t1', 'busy.png', create('busy.png'), alice);
      await s.apply('t1', 'a', create('a'), alice);
      await s.apply('t2', 'busy.png', create('busy.png'), alice); // another tenant's conversation
      assert.ok(event.type === 'new-image-chat', 'a create');
      await s.apply('t1', 'busy.png', remove('busy.png', event.chat.id), alice);
      const w = writer();
      await s.addUsage({ writer: w, seq: 1, rows: [
        row('t1', 'busy.png', at(0), { conversationCreateCount: 2, commentCount: 3, pubSubMessageCount: 1, pubSubBandwidth: 10 }),
        row('t1', 'busy.png', at(5), { commentCount: 1, pubSubMessageCount: 1, pubSubBandwidth: 10 }),
        row('t1', 'quiet.png', at(1), { commentCount: 6, pubSubMessageCount: 2, pubSubBandwidth: 20 }),
        // Equal activity: more messages first, then ids in code point order ('B' before 'a').
        row('t1', 'a', at(2), { commentCount: 1, pubSubMessageCount: 5 }),
        row('t1', 'B', at(2), { commentCount: 1, pubSubMessageCount: 5 }),
        row('t1', 'c', at(2), { commentCount: 1, pubSubMessageCount: 9 }),
        row('t1', 'old.png', at(-1), { commentCount: 100 }),
        row('t1', '', at(0), { commentCount: 1000 }),
        row('t2', 'other.png', at(0), { commentCount: 1000 }),
      ] });
      assert.deepEqual(await s.imageActivity('t1', at(0), at(24), 10), [
        { image: 'busy.png', conversations: 1, pubSubMessageCount: 2, pubSubBandwidth: 20, conversationCreateCount: 2, commentCount: 4 },
        { image: 'quiet.png', conversations: 0, pubSubMessageCount: 2, pubSubBandwidth: 20, conversationCreateCount: 0, commentCount: 6 },
        { image: 'c', conversations: 0, pubSubMessageCount: 9, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 1 },
        { image: 'B', conversations: 0, pubSubMessageCount: 5, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 1 },
        { image: 'a', conversations: 1, pubSubMessageCount: 5, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 1 },
      ]);
      assert.deepEqual((await s.imageActivity('t1', at(0), at(24), 2)).map((i) => i.image), ['busy.png', 'quiet.png'], 'the limit');
      assert.deepEqual((await s.imageActivity('t1', at(1), at(5), 10)).map((i) => i.image), ['quiet.png', 'c', 'B', 'a'], 'only hours in the range count');
    }));

    test('pruneUsage removes the hours before the cutoff, of every tenant, and nothing after', withStore(async (s) => {
      await s.addUsage({ writer: writer(), seq: 1, rows: [
        row('t1', '', at(0), { commentCount: 1 }),
        row('t1', 'x', at(0), { commentCount: 1 }),
        row('t2', '', at(1), { commentCount: 1 }),
        row('t1', '', at(2), { commentCount: 1 }),
      ] });
      assert.equal(await s.pruneUsage(at(2)), 3);
      assert.deepEqual((await s.usageSeries('t1', at(0), at(24))).map((h) => h.hour), [at(2)]);
      assert.deepEqual(await s.usageSeries('t2', at(0), at(24)), []);
      assert.equal(await s.pruneUsage(at(2)), 0);
    }));
  });

  describe(`Store usage concurrency: ${name}`, () => {
    test('nodes adding to the same rows at once: every count is kept, the peak is the largest', withTwo(async (a, b) => {
      const WRITERS = 6;
      const BATCHES = 8;
      await Promise.all(Array.from({ length: WRITERS }, async (_, i) => {
        const store = i % 2 ? a : b;
        const w = writer();
        for (let seq = 1; seq <= BATCHES; seq++) {
          // Rows in a different order per writer: the store must not deadlock on them.
          const rows = [row('t1', '', at(0), { pubSubMessageCount: 1, pubSubBandwidth: 10, peakConnections: i * 100 + seq }), row('t1', 'img', at(0), { commentCount: 1 }), row('t1', '', at(1), { commentCount: 1 })];
          assert.equal(await store.addUsage({ writer: w, seq, rows: i % 2 ? rows : rows.reverse() }), true);
        }
      }));
      const [h0, h1] = await a.usageSeries('t1', at(0), at(2));
      assert.equal(h0?.pubSubMessageCount, WRITERS * BATCHES);
      assert.equal(h0?.pubSubBandwidth, WRITERS * BATCHES * 10);
      assert.equal(h0?.peakConnections, (WRITERS - 1) * 100 + BATCHES);
      assert.equal(h1?.commentCount, WRITERS * BATCHES);
      assert.equal((await b.imageActivity('t1', at(0), at(2), 5))[0]?.commentCount, WRITERS * BATCHES);
    }));

    test('one batch sent through both at once is taken once', withTwo(async (a, b) => {
      const batch: UsageBatch = { writer: writer(), seq: 1, rows: [row('t1', '', at(0), { pubSubMessageCount: 7 })] };
      const taken = await Promise.all([a.addUsage(batch), b.addUsage(batch), a.addUsage(batch)]);
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal((await b.usageSeries('t1', at(0), at(1)))[0]?.pubSubMessageCount, 7);
    }));
  });
}
