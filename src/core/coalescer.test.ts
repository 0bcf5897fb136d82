import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Coalescer } from './coalescer.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';

test('the first change runs on the next turn, once for the whole burst; later ones once at the end of the interval', async () => {
  const clock = new FakeTimers();
  const runs: string[] = [];
  const c = new Coalescer(clock, 1000, (key) => runs.push(`${key}@${clock.t}`));
  c.mark('a');
  c.mark('a');
  c.mark('b');
  assert.deepEqual(runs, [], 'not during the call');
  await nextTurn();
  assert.deepEqual(runs, ['a@0', 'b@0']);
  clock.advance(300);
  c.mark('a');
  c.mark('a');
  await nextTurn();
  assert.deepEqual(runs, ['a@0', 'b@0'], 'within the interval: waits');
  clock.advance(699);
  assert.equal(runs.length, 2);
  clock.advance(1);
  assert.deepEqual(runs.slice(2), ['a@1000'], 'once, for both changes');
  clock.advance(5000);
  c.mark('a');
  await nextTurn();
  assert.deepEqual(runs.slice(3), ['a@6000'], 'after a quiet interval: at once again');
});

test('a forgotten key runs nothing; interval 0 runs every turn that had a change', async () => {
  const clock = new FakeTimers();
  const runs: string[] = [];
  const c = new Coalescer(clock, 1000, (key) => runs.push(key));
  c.mark('a');
  await nextTurn();
  c.mark('a');
  c.forget('a');
  clock.advance(2000);
  assert.deepEqual(runs, ['a']);
  assert.equal(c.size, 0);
  const eager = new Coalescer(clock, 0, (key) => runs.push(`eager-${key}`));
  eager.mark('x');
  await nextTurn();
  eager.mark('x');
  await nextTurn();
  assert.deepEqual(runs.slice(1), ['eager-x', 'eager-x']);
});
