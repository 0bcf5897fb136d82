import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limit.ts';

test('a bucket allows the burst, then refills at the rate', () => {
  let now = 0;
  const r = new RateLimiter(() => now);
  for (let i = 0; i < 5; i++) assert.ok(r.take('u', 60, 5), `take ${i} within the burst`);
  assert.equal(r.take('u', 60, 5), false, 'the sixth is refused');
  assert.equal(r.waitSeconds('u', 60), 1);
  assert.ok(r.take('other', 60, 5), 'another key has its own bucket');
  now += 1000; // 60 a minute: one token a second
  assert.ok(r.take('u', 60, 5), 'one token back after a second');
  assert.equal(r.take('u', 60, 5), false, 'and only one');
  now += 60_000;
  for (let i = 0; i < 5; i++) assert.ok(r.take('u', 60, 5), `refilled to the burst, not beyond: ${i}`);
  assert.equal(r.take('u', 60, 5), false, 'capped at the burst');
});

test('idle buckets are forgotten', () => {
  let now = 0;
  const r = new RateLimiter(() => now);
  for (let i = 0; i < 999; i++) r.take(`k${i}`, 60, 5);
  now += 10 * 60_000;
  r.take('last', 60, 5);
  assert.ok(r.size <= 1, `size ${r.size}`);
});
