import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, HOUR_MS, MAX_BUCKETS, bucketSeries, usageRange } from './usage-series.ts';
import type { UsageRange } from './usage-series.ts';
import { NO_USAGE } from '../store/store.ts';

const T0 = Date.UTC(2026, 10, 24); // 2026-11-24T00:00Z
const hour = (h: number, n: Partial<typeof NO_USAGE> = {}) => ({ ...NO_USAGE, ...n, hour: T0 + h * HOUR_MS });

test('usageRange: the defaults end with the bucket holding now and span 24 hours or 30 days', () => {
  const now = T0 + 10 * HOUR_MS + 1234;
  assert.deepEqual(usageRange(undefined, undefined, 'hour', now), { from: T0 - 13 * HOUR_MS, to: T0 + 11 * HOUR_MS });
  assert.deepEqual(usageRange(undefined, undefined, 'day', now), { from: T0 + DAY_MS - 30 * DAY_MS, to: T0 + DAY_MS });
  assert.deepEqual(usageRange(T0 + 5 * HOUR_MS + 59_000, undefined, 'hour', now), { from: T0 + 5 * HOUR_MS, to: T0 + 11 * HOUR_MS }, 'from floored');
  assert.deepEqual(usageRange(undefined, T0 + 2 * HOUR_MS + 1, 'hour', now), { from: T0 - 22 * HOUR_MS, to: T0 + 2 * HOUR_MS }, 'to floored, from a day before it');
  assert.deepEqual(usageRange(T0 + 3 * HOUR_MS, T0 + 30 * HOUR_MS, 'day', now), { from: T0, to: T0 + DAY_MS }, 'both floored to UTC days');
});

test('usageRange: an empty or reversed range, or more than 2,000 buckets, is refused with a sentence', () => {
  const now = T0;
  for (const [from, to] of [[T0, T0], [T0 + HOUR_MS, T0], [T0 + 10, T0 + 20]] as const) {
    const r = usageRange(from, to, 'hour', now);
    assert.ok('error' in r && /from must be before to/.test(r.error), JSON.stringify(r));
  }
  assert.ok(!('error' in usageRange(T0, T0 + MAX_BUCKETS * HOUR_MS, 'hour', now)), 'exactly 2,000 hours');
  const over = usageRange(T0, T0 + (MAX_BUCKETS + 1) * HOUR_MS, 'hour', now);
  assert.ok('error' in over && /more than 2000 hours/.test(over.error), JSON.stringify(over));
  assert.ok(!('error' in usageRange(T0, T0 + MAX_BUCKETS * DAY_MS, 'day', now)), 'exactly 2,000 days');
  const custom = usageRange(T0, T0 + 3 * HOUR_MS, 'hour', now, 2 * HOUR_MS);
  assert.ok('error' in custom && /more than 2 hours/.test(custom.error), 'a narrower limit');
});

test('bucketSeries: every bucket present (zeros filled), counters summed, the peak a max, per bucket and in the totals', () => {
  const range: UsageRange = { from: T0, to: T0 + 4 * HOUR_MS };
  const hours = [
    hour(1, { pubSubMessageCount: 2, pubSubBandwidth: 20, peakConnections: 3 }),
    hour(3, { conversationCreateCount: 1, commentCount: 4, peakConnections: 7 }),
    hour(9, { commentCount: 100 }), // outside the range: left out
  ];
  const { totals, series } = bucketSeries(hours, range, 'hour');
  assert.deepEqual(series.map((b) => b.start), [0, 1, 2, 3].map((h) => T0 + h * HOUR_MS));
  assert.deepEqual(series[0], { start: T0, ...NO_USAGE });
  assert.deepEqual(series[1], { start: T0 + HOUR_MS, ...NO_USAGE, pubSubMessageCount: 2, pubSubBandwidth: 20, peakConnections: 3 });
  assert.deepEqual(series[3], { start: T0 + 3 * HOUR_MS, ...NO_USAGE, conversationCreateCount: 1, commentCount: 4, peakConnections: 7 });
  assert.deepEqual(totals, { pubSubMessageCount: 2, pubSubBandwidth: 20, conversationCreateCount: 1, commentCount: 4, peakConnections: 7 });
});

test('bucketSeries: hours fold into UTC days', () => {
  const range: UsageRange = { from: T0 - DAY_MS, to: T0 + 2 * DAY_MS };
  const hours = [
    hour(-1, { commentCount: 1, peakConnections: 9 }), // 23:00 the day before
    hour(0, { commentCount: 2, peakConnections: 4 }),
    hour(23, { commentCount: 3, peakConnections: 6 }),
    hour(24, { commentCount: 5 }),
  ];
  const { totals, series } = bucketSeries(hours, range, 'day');
  assert.deepEqual(series.map((b) => [b.start, b.commentCount, b.peakConnections]), [
    [T0 - DAY_MS, 1, 9],
    [T0, 5, 6],
    [T0 + DAY_MS, 5, 0],
  ]);
  assert.equal(totals.commentCount, 11);
  assert.equal(totals.peakConnections, 9);
});
