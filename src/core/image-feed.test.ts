// The feed alone: a real SQLite store, bus messages scripted by hand, and a clock the test moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ActionMessage, SeqPosition, User } from '../protocol/messages.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { ImageFeed } from './image-feed.ts';
import type { FeedStore, Schedule } from './image-feed.ts';

const alice: User = { id: 'g_alice', name: 'Alice', kind: 'guest' };
const create = (text: string): ActionMessage => ({ type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.5, y: 0.5, text });

/** Timers that fire only when the test says so. */
class ManualClock {
  now = 0;
  private tasks: { at: number; run: () => void; cancelled: boolean }[] = [];
  readonly schedule: Schedule = (ms, run) => {
    const task = { at: this.now + ms, run, cancelled: false };
    this.tasks.push(task);
    return () => (task.cancelled = true);
  };
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
  advance(ms: number): void {
    this.now += ms;
    const due = this.tasks.filter((t) => !t.cancelled && t.at <= this.now);
    this.tasks = this.tasks.filter((t) => !due.includes(t));
    for (const t of due) t.run();
  }
}

/** Waits (event-loop turns, not time) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never: ${what}`);
}

async function setup(options: { stored?: number; holdMs?: number } = {}) {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock();
  const payloads: string[] = [];
  /** Stores an event and returns what the bus would carry for it. */
  const write = async (text = 'x') => JSON.stringify((await store.apply('t', 'img', create(text), alice)).event);
  for (let i = 0; i < (options.stored ?? 0); i++) payloads.push(await write());
  const delivered: number[] = [];
  const reads = { eventsSince: 0 };
  const source: FeedStore = {
    head: (t, i) => store.head(t, i),
    eventsSince: (t, i, since) => {
      reads.eventsSince++;
      return store.eventsSince(t, i, since);
    },
  };
  const feed = new ImageFeed({
    tenant: 't',
    image: 'img',
    store: source,
    deliver: (seq, json) => {
      assert.equal((JSON.parse(json) as { seq: number }).seq, seq, 'the JSON is the event of that seq');
      delivered.push(seq);
    },
    holdMs: options.holdMs ?? 150,
    schedule: clock.schedule,
  });
  return { store, clock, feed, delivered, write, payloads, reads, done: () => (feed.close(), store.close()) };
}

test('events arriving out of order are delivered in seq order', async () => {
  const { feed, delivered, write, done } = await setup();
  await feed.start();
  const [one, two, three] = [await write(), await write(), await write()];
  feed.receive(three!);
  feed.receive(two!);
  assert.deepEqual(delivered, [], 'nothing while 1 is missing');
  feed.receive(one!);
  assert.deepEqual(delivered, [1, 2, 3]);
  await done();
});

test('a gap the bus fills within the hold time is never read from the store', async () => {
  const { feed, delivered, write, clock, reads, done } = await setup();
  await feed.start();
  const [one, two] = [await write(), await write()];
  feed.receive(two!);
  assert.equal(clock.pending, 1, 'the hold timer runs');
  clock.advance(100);
  feed.receive(one!);
  assert.deepEqual(delivered, [1, 2]);
  assert.equal(clock.pending, 0, 'the hold timer was cancelled');
  clock.advance(1000);
  assert.equal(reads.eventsSince, 0);
  await done();
});

test('a gap still open after the hold time is filled from the store, each event once', async () => {
  const { feed, delivered, write, clock, done } = await setup();
  await feed.start();
  const payloads = [await write(), await write(), await write(), await write()];
  feed.receive(payloads[3]!); // 4 arrives; 1–3 were lost by the bus
  clock.advance(149);
  assert.deepEqual(delivered, []);
  clock.advance(1);
  await until(() => delivered.length === 4, 'the fill');
  assert.deepEqual(delivered, [1, 2, 3, 4]);
  // The lost ones turning up late are repeats.
  payloads.forEach((p) => feed.receive(p));
  assert.deepEqual(delivered, [1, 2, 3, 4]);
  await done();
});

test('repeats are dropped, before and after the position', async () => {
  const { feed, delivered, write, done } = await setup();
  await feed.start();
  const [one, two] = [await write(), await write()];
  feed.receive(one!);
  feed.receive(one!);
  feed.receive(two!);
  feed.receive(one!);
  feed.receive(two!);
  assert.deepEqual(delivered, [1, 2]);
  await done();
});

test('start takes the store head: older events are not delivered, messages before start wait for it', async () => {
  const { feed, delivered, write, payloads, done } = await setup({ stored: 2 });
  const three = await write();
  feed.receive(three); // arrives while start reads the head (3): a repeat once the head is known
  feed.receive(payloads[0]!);
  await feed.start();
  assert.deepEqual(feed.delivered?.seq, 3);
  assert.deepEqual(delivered, [], 'the session reads 1–3 in its snapshot');
  feed.receive(await write());
  assert.deepEqual(delivered, [4]);
  await done();
});

test('a missed event is found by the periodic check without any bus message', async () => {
  const { feed, delivered, write, reads, done } = await setup();
  await feed.start();
  await feed.check();
  assert.equal(reads.eventsSince, 0, 'up to date: one head read, no log read');
  await write();
  await write();
  await feed.check();
  assert.deepEqual(delivered, [1, 2]);
  await done();
});

test('after a reconnect the check brings what was published while away, and live delivery goes on', async () => {
  const { feed, delivered, write, done } = await setup();
  await feed.start();
  feed.receive(await write()); // 1, live
  await write(); // 2 and 3 published while the bus was away
  await write();
  await feed.check(); // what the core does on the bus's reconnect report
  feed.receive(await write()); // 4, live again
  assert.deepEqual(delivered, [1, 2, 3, 4]);
  await done();
});

test('a bus message arriving while the store is read is delivered once, in order', async () => {
  const { feed, delivered, write, done } = await setup();
  await feed.start();
  const [, two] = [await write(), await write()];
  const three = await write();
  const checking = feed.check(); // reads 1–3 from the store...
  feed.receive(three); // ...while 3 (ahead) and 2 arrive from the bus
  feed.receive(two!);
  await checking;
  assert.deepEqual(delivered, [1, 2, 3]);
  await done();
});

test('a history reset (another epoch) delivers what the store has and continues from there', async () => {
  const first = new SqliteStore(':memory:');
  const second = new SqliteStore(':memory:');
  let current = first;
  const source: FeedStore = { head: (t, i) => current.head(t, i), eventsSince: (t, i, s) => current.eventsSince(t, i, s) };
  const delivered: SeqPosition[] = [];
  let epochOfDelivery = '';
  const feed = new ImageFeed({
    tenant: 't', image: 'img', store: source, schedule: new ManualClock().schedule,
    deliver: (seq) => delivered.push({ epoch: epochOfDelivery, seq }),
  });
  for (let i = 0; i < 3; i++) await first.apply('t', 'img', create('old'), alice);
  await feed.start();
  assert.equal(feed.delivered?.seq, 3);
  current = second; // the database was swapped for one with another history
  epochOfDelivery = (await second.head('t', 'img')).epoch;
  await second.apply('t', 'img', create('new'), alice);
  await second.apply('t', 'img', create('new'), alice);
  await feed.check();
  assert.deepEqual(delivered.map((d) => d.seq), [1, 2]);
  assert.deepEqual(feed.delivered, await second.head('t', 'img'));
  const next = JSON.stringify((await second.apply('t', 'img', create('new'), alice)).event);
  feed.receive(next);
  assert.deepEqual(delivered.map((d) => d.seq), [1, 2, 3]);
  feed.close();
  await first.close();
  await second.close();
});

test('malformed bus messages are dropped and logged; close stops everything', async () => {
  const store = new SqliteStore(':memory:');
  const logged: string[] = [];
  const clock = new ManualClock();
  const delivered: number[] = [];
  const feed = new ImageFeed({ tenant: 't', image: 'img', store, schedule: clock.schedule, deliver: (seq) => delivered.push(seq), log: (m) => logged.push(m) });
  await feed.start();
  feed.receive('not json');
  feed.receive('{"seq":"1"}');
  feed.receive('{"seq":0}');
  assert.equal(logged.length, 3);
  feed.receive(JSON.stringify((await store.apply('t', 'img', create('a'), alice)).event));
  const third = JSON.stringify({ ...(await store.apply('t', 'img', create('b'), alice)).event, seq: 3 });
  feed.receive(third);
  assert.equal(clock.pending, 1);
  feed.close();
  assert.equal(clock.pending, 0, 'close cancels the hold');
  feed.receive(third);
  assert.deepEqual(delivered, [1]);
  await store.close();
});
