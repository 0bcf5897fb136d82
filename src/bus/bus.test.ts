import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBus, topicFor } from './bus.ts';

test('topics cannot collide whatever the ids contain', () => {
  assert.notEqual(topicFor('a', 'b:c'), topicFor('a:b', 'c'));
  assert.notEqual(topicFor('a', '"],["x'), topicFor('a"],["', 'x'));
});

test('publish reaches every subscriber of the topic only, in order; unsubscribe stops it', async () => {
  const errors: unknown[] = [];
  const bus = new InProcessBus((e) => errors.push(e));
  const got: string[] = [];
  const off = bus.subscribe('t1', (p) => got.push(`a:${p}`));
  bus.subscribe('t1', () => {
    throw new Error('bad subscriber');
  });
  bus.subscribe('t1', (p) => got.push(`c:${p}`));
  bus.subscribe('t2', (p) => got.push(`other:${p}`));
  bus.publish('t1', '1');
  bus.publish('t1', '2');
  off();
  bus.publish('t1', '3');
  assert.deepEqual(got, ['a:1', 'c:1', 'a:2', 'c:2', 'c:3']);
  assert.equal(errors.length, 3, 'a throwing subscriber is reported, not fatal');
  await bus.close();
  bus.publish('t1', '4');
  assert.equal(got.length, 5);
  assert.equal(bus.topicCount, 0);
});
