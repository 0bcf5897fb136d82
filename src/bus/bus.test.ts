import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBus, topicFor } from './bus.ts';
import type { Bus } from './bus.ts';
import { busConformance } from './conformance/conformance.ts';

test('topics cannot collide whatever the ids contain', () => {
  assert.notEqual(topicFor('a', 'b:c'), topicFor('a:b', 'c'));
  assert.notEqual(topicFor('a', '"],["x'), topicFor('a"],["', 'x'));
});

test('the in-process bus delivers synchronously, during publish', async () => {
  const bus = new InProcessBus();
  const got: string[] = [];
  await bus.subscribe('t', (p) => got.push(p)).ready;
  bus.publish('t', '1');
  assert.deepEqual(got, ['1']);
  await bus.close();
});

// One process is one node: both "nodes" are the same bus.
busConformance('in-process', async () => {
  const bus = new InProcessBus(() => {});
  return {
    nodes: [bus, bus],
    topicCount: (b: Bus) => (b as InProcessBus).topicCount,
    close: () => bus.close(),
  };
});
