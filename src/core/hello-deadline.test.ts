// The hello deadline, with the timer fired by hand: a connection that never said hello is closed
// with 4408 when it fires; one that did is left alone; one that ended first leaves no timer behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from './core.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

function setup() {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const store = new SqliteStore(':memory:');
  const core = new ChatCore({
    store,
    bus: new InProcessBus(),
    guestSecret: 'test-secret-0123456789',
    tenants: testTenants(),
    helloTimeoutMs: 1234,
    schedule: (ms, fn) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
  });
  const socket = () => {
    const s = { sent: [] as string[], closed: undefined as number | undefined, send: (d: string) => void s.sent.push(d), close: (code?: number) => void (s.closed = code) };
    return s;
  };
  return { core, timers, socket, done: async () => (await core.close(), await store.close()) };
}

test('a connection that has not said hello when the deadline fires is closed with 4408', async () => {
  const { core, timers, socket, done } = setup();
  const silent = socket();
  core.connect(silent, { tenant: 'acme', ip: '10.0.0.1' });
  assert.equal(timers.length, 1);
  assert.equal(timers[0]!.ms, 1234);
  assert.equal(core.connectionCount, 1);
  timers[0]!.fn();
  assert.equal(silent.closed, 4408);
  assert.equal(core.connectionCount, 0, 'its place (and its per-IP count) is given back');
  await done();
});

test('a connection that said hello is left alone; one that ended first cancels its deadline', async () => {
  const { core, timers, socket, done } = setup();
  const greeted = socket();
  const conn = core.connect(greeted, { tenant: 'acme' });
  conn.receive(JSON.stringify({ type: 'hello', name: 'Ada' }));
  while (!greeted.sent.some((f) => f.includes('"welcome"'))) await new Promise((r) => setImmediate(r));
  timers[0]!.fn();
  assert.equal(greeted.closed, undefined);
  assert.equal(core.connectionCount, 1);

  const gone = socket();
  core.connect(gone, { tenant: 'acme' }).close();
  assert.equal(timers[1]!.cancelled, true);
  await done();
});
