/**
 * Races between two store instances on one database (two nodes, or one node
 * and a second process, on one SQLite file or one PostgreSQL database). The
 * per-image row is the one place an image's seq is assigned: every check and
 * write of an action happens while it is held, so these must hold however the
 * calls interleave.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent, User } from '../../protocol/messages.ts';
import { StoreError } from '../store.ts';
import type { Applied, Store, StoreOptions } from '../store.ts';
import { alice, bob, create, rejects, remove, update } from './fixtures.ts';

const WRITERS = 8;
const ACTIONS_PER_WRITER = 6;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const writer = (i: number): User => ({ id: `g_writer${i}`, name: `Writer ${i}`, kind: 'guest' });

/** Every settled outcome is a success or a StoreError with `code`: anything else (a fault) fails the test. */
function outcomes(settled: PromiseSettledResult<Applied>[], code: string): Applied[] {
  return settled.flatMap((r) => {
    if (r.status === 'fulfilled') return [r.value];
    assert.ok(r.reason instanceof StoreError, `expected a StoreError, got ${String(r.reason)}`);
    assert.equal(r.reason.code, code, r.reason.message);
    return [];
  });
}

async function log(store: Store, tenant: string, image: string): Promise<ChatEvent[]> {
  const { epoch } = await store.snapshot(tenant, image);
  const events = await store.eventsSince(tenant, image, { epoch, seq: 0 });
  assert.ok(events, 'the whole log can be replayed');
  return events;
}

export function concurrencyConformance(name: string, openTwo: (options?: StoreOptions) => Promise<[Store, Store]>): void {
  /** Runs `body` with two instances on one fresh database, both closed afterwards whatever happens. */
  const withTwo = (body: (a: Store, b: Store) => Promise<void>, options?: StoreOptions) => async () => {
    const [a, b] = await openTwo(options);
    try {
      await body(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  };

  describe(`Store concurrency: ${name}`, () => {
    test(`${WRITERS} concurrent writers on one image get seqs 1..N once each, in commit order`, withTwo(async (a, b) => {
      // Each writer opens a conversation, then replies to it: creates and updates interleave on one image.
      const acked = await Promise.all(range(WRITERS).map(async (w) => {
        const store = w % 2 ? a : b;
        const who = writer(w);
        const first = await store.apply('t1', 'hot', create('hot', `writer ${w}`), who);
        assert.ok(first.event.type === 'new-image-chat', 'a create');
        const mine: ChatEvent[] = [first.event];
        for (let i = 1; i < ACTIONS_PER_WRITER; i++) {
          mine.push((await store.apply('t1', 'hot', update('hot', first.event.chat.id, { kind: 'add-comment', text: `${w}.${i}` }), who)).event);
        }
        return mine;
      }));
      const n = WRITERS * ACTIONS_PER_WRITER;
      for (const mine of acked) {
        // One writer's actions commit one after another, so each gets a higher seq than the one before.
        assert.deepEqual(mine.map((e) => e.seq), [...mine.map((e) => e.seq)].sort((x, y) => x - y), 'a writer\'s seqs rise in its commit order');
      }
      assert.deepEqual(acked.flat().map((e) => e.seq).sort((x, y) => x - y), range(n), 'every seq 1..N acked once');
      const stored = await log(a, 't1', 'hot');
      assert.deepEqual(stored.map((e) => e.seq), range(n), 'the log holds 1..N, each once, in order');
      const ackedById = new Map(acked.flat().map((e) => [e.broadcastId, e]));
      for (const e of stored) assert.deepEqual(e, ackedById.get(e.broadcastId), `event ${e.seq} is the one its writer was acked with`);
      const snap = await b.snapshot('t1', 'hot');
      assert.equal(snap.seq, n);
      const createSeq = new Map(stored.flatMap((e) => (e.type === 'new-image-chat' ? [[e.chat.id, e.seq]] : [])));
      const order = snap.chats.map((c) => createSeq.get(c.id)!);
      assert.deepEqual(order, [...order].sort((x, y) => x - y), 'conversations are listed in the order they were stored');
      for (const chat of snap.chats) assert.equal(chat.comments.length, ACTIONS_PER_WRITER, 'every reply landed in its conversation');
    }));

    test('one broadcastId sent to two instances at once is stored once, and both get the same event', withTwo(async (a, b) => {
      const seeded = await a.apply('t1', 'busy', create('busy'), alice);
      assert.ok(seeded.event.type === 'new-image-chat', 'a create');
      const chatId = seeded.event.chat.id;
      for (let round = 0; round < 10; round++) {
        // Even rounds race a create on an image with no history (its row is made by the race), odd ones a reply on a busy image.
        const image = round % 2 ? 'busy' : `fresh-${round}`;
        const action = round % 2 ? update(image, chatId, { kind: 'add-comment', text: `round ${round}` }) : create(image);
        const [x, y] = await Promise.all([a.apply('t1', image, action, alice), b.apply('t1', image, action, alice)]);
        assert.deepEqual(x.event, y.event, 'both callers get the one stored event');
        assert.deepEqual([x.duplicate, y.duplicate].sort(), [false, true], 'one stored it, the other found it');
        const stored = await log(b, 't1', image);
        assert.equal(stored.filter((e) => e.broadcastId === action.broadcastId).length, 1, 'stored once');
        assert.deepEqual(stored.at(-1), x.event);
        if (image !== 'busy') assert.equal((await a.snapshot('t1', image)).chats.length, 1, 'one conversation');
      }
      const busy = await a.snapshot('t1', 'busy');
      assert.equal(busy.chats[0]!.comments.length, 6, 'the opening comment and five raced replies, once each');
      assert.equal(busy.seq, 6);
    }));

    test('the conversations-per-image limit holds under racing creates', withTwo(async (a, b) => {
      const limits = { maxChatsPerImage: 3 };
      const settled = await Promise.allSettled(range(12).map((i) => (i % 2 ? a : b).apply('t1', 'img', create('img', `c${i}`), writer(i), limits)));
      const stored = outcomes(settled, 'too-large');
      assert.equal(stored.length, 3, 'exactly the limit was stored');
      const snap = await a.snapshot('t1', 'img');
      assert.equal(snap.chats.length, 3);
      assert.equal(snap.seq, 3);
    }));

    test('the comments-per-conversation limit holds under racing replies', withTwo(async (a, b) => {
      const limits = { maxCommentsPerChat: 4 };
      const { event } = await a.apply('t1', 'img', create('img'), alice, limits);
      assert.ok(event.type === 'new-image-chat', 'a create');
      const reply = (i: number) => update('img', event.chat.id, { kind: 'add-comment', text: `r${i}` });
      const settled = await Promise.allSettled(range(10).map((i) => (i % 2 ? a : b).apply('t1', 'img', reply(i), writer(i), limits)));
      assert.equal(outcomes(settled, 'too-large').length, 3, 'three replies fit beside the opening comment');
      assert.equal((await b.snapshot('t1', 'img')).chats[0]!.comments.length, 4);
    }));

    test('a delete racing updates: each update is stored before it or answered not-found, never a fault', withTwo(async (a, b) => {
      for (let round = 0; round < 5; round++) {
        const { event } = await a.apply('t1', 'img', create('img'), alice);
        assert.ok(event.type === 'new-image-chat', 'a create');
        const id = event.chat.id;
        const updates = [
          update('img', id, { kind: 'add-comment', text: 'late?' }),
          update('img', id, { kind: 'move', x: 0.5, y: 0.5 }),
          update('img', id, { kind: 'resolve', resolved: true }),
          update('img', id, { kind: 'edit-comment', commentId: event.chat.comments[0]!.id, text: 'edited?' }),
        ];
        const racing = [b.apply('t1', 'img', remove('img', id), alice), ...updates.map((u, i) => (i % 2 ? a : b).apply('t1', 'img', u, alice))];
        const [deleted, ...rest] = await Promise.allSettled(racing);
        assert.equal(deleted!.status, 'fulfilled', 'the delete is stored');
        const deleteSeq = (deleted as PromiseFulfilledResult<Applied>).value.event.seq;
        for (const stored of outcomes(rest, 'not-found')) assert.ok(stored.event.seq < deleteSeq, 'an update stored after the delete');
        assert.equal((await b.snapshot('t1', 'img')).chats.some((c) => c.id === id), false, 'the conversation is gone');
        await rejects(a.apply('t1', 'img', update('img', id, { kind: 'add-comment', text: 'after' }), bob), 'not-found');
      }
      const stored = await log(a, 't1', 'img');
      assert.deepEqual(stored.map((e) => e.seq), range(stored.length), 'no seq skipped or repeated');
    }));
  });
}
