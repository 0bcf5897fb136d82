/**
 * The behaviour every Store must have. Each implementation's test file calls
 * storeConformance() with factories that open a fresh, empty store, and two
 * instances (separate connections) on one fresh, empty database: the
 * concurrency cases race them against each other.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chat } from '../../protocol/messages.ts';
import { StoreError } from '../store.ts';
import type { Store, StoreOptions } from '../store.ts';
import { concurrencyConformance } from './concurrency.ts';
import { numbersConformance } from './numbers.ts';
import { recentConformance } from './recent.ts';
import { usageConformance } from './usage.ts';
import { SAFE_ID, alice, bob, create, mod, rejects, remove, update } from './fixtures.ts';

export interface StoreFactories {
  /** A fresh, empty store. */
  open(options?: StoreOptions): Promise<Store>;
  /** Two store instances on one fresh, empty database, each with its own connection(s). */
  openTwo(options?: StoreOptions): Promise<[Store, Store]>;
}

export function storeConformance(name: string, { open, openTwo }: StoreFactories): void {
  /** Runs `body` with a fresh store, closed afterwards whatever happens. */
  const withStore = (body: (store: Store) => Promise<void>, options?: StoreOptions) => async () => {
    const store = await open(options);
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  /** Creates a chat as `who` and returns it. */
  async function seed(store: Store, tenant: string, image: string, who = alice): Promise<Chat> {
    const { event } = await store.apply(tenant, image, create(image), who);
    assert.ok(event.type === 'new-image-chat', 'a create stores a new-image-chat event');
    return event.chat;
  }

  describe(`Store conformance: ${name}`, () => {
    test('an image with no history is empty at seq 0, and reading writes nothing', withStore(async (s) => {
      const snap = await s.snapshot('t1', 'img');
      assert.equal(snap.seq, 0);
      assert.deepEqual(snap.chats, []);
      assert.ok(snap.epoch.length > 0 && snap.epoch.length <= 64, "snap.epoch.length > 0 && snap.epoch.length <= 64");
      const { event } = await s.apply('t1', 'img', create('img'), alice);
      assert.equal(event.seq, 1, 'reading must not have used a seq');
    }));

    test('the epoch of an image with no history is stable, and its first event keeps it', withStore(async (s) => {
      const first = await s.snapshot('t1', 'img');
      assert.equal((await s.snapshot('t1', 'img')).epoch, first.epoch, 'two reads of an empty image give one epoch');
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch: first.epoch, seq: 0 }), [], 'nothing to replay yet');
      const { event } = await s.apply('t1', 'img', create('img'), alice);
      assert.equal((await s.snapshot('t1', 'img')).epoch, first.epoch, 'a client that saw the image empty can replay');
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch: first.epoch, seq: 0 }), [event]);
    }));

    test('head gives the epoch and seq a snapshot would, without history too, per tenant', withStore(async (s) => {
      const empty = await s.snapshot('t1', 'img');
      assert.deepEqual(await s.head('t1', 'img'), { epoch: empty.epoch, seq: 0 });
      await s.apply('t1', 'img', create('img'), alice);
      await s.apply('t1', 'img', create('img'), alice);
      const snap = await s.snapshot('t1', 'img');
      assert.deepEqual(await s.head('t1', 'img'), { epoch: snap.epoch, seq: 2 });
      assert.equal((await s.head('t2', 'img')).seq, 0, 'another tenant: no history');
    }));

    test('eventsSince gives exactly the events after a position, in order', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      const stored = [];
      for (const text of ['a', 'b', 'c', 'd']) {
        stored.push((await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text }), bob)).event);
      }
      await seed(s, 't1', 'other'); // another image's events are not in this log
      const { epoch, seq } = await s.snapshot('t1', 'img');
      assert.equal(seq, 5);
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch, seq: 1 }), stored);
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch, seq: 3 }), stored.slice(2));
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch, seq: 5 }), [], 'up to date: nothing');
      assert.equal(await s.eventsSince('t1', 'img', { epoch, seq: 6 }), null, 'ahead of the image: cannot replay');
      assert.equal(await s.eventsSince('t1', 'img', { epoch: 'another-epoch', seq: 3 }), null, 'another epoch: cannot replay');
      assert.equal(await s.eventsSince('t2', 'img', { epoch, seq: 0 }).then((r) => r?.length ?? null), 0, 'another tenant: empty');
      assert.deepEqual(await s.eventsSince('t1', 'img', { epoch, seq: 2 }, 3), stored.slice(1), 'a gap of exactly max is replayed');
      assert.equal(await s.eventsSince('t1', 'img', { epoch, seq: 1 }, 3), null, 'a gap over max: a snapshot is smaller');
    }));

    test('the log keeps logKeep events per image; older gaps cannot be replayed', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      for (let i = 0; i < 6; i++) await s.apply('t1', 'img', update('img', chat.id, { kind: 'resolve', resolved: i % 2 === 0 }), alice);
      const { epoch, seq } = await s.snapshot('t1', 'img');
      assert.equal(seq, 7);
      assert.equal(await s.eventsSince('t1', 'img', { epoch, seq: 3 }), null, 'events 4 and earlier were trimmed');
      const kept = await s.eventsSince('t1', 'img', { epoch, seq: 4 });
      assert.deepEqual(kept?.map((e) => e.seq), [5, 6, 7], 'the last 3 are kept');
      assert.equal((await s.snapshot('t1', 'img')).chats.length, 1, 'trimming the log leaves the conversations alone');
    }, { logKeep: 3 }));

    test('create: the snapshot holds the chat at seq 1 with its first comment', withStore(async (s) => {
      const action = create('img', 'first!', 0, 1);
      const { event, duplicate } = await s.apply('t1', 'img', action, alice);
      assert.equal(duplicate, false);
      assert.ok(event.type === 'new-image-chat', 'a new-image-chat event');
      const chat = event.chat;
      assert.equal(event.seq, 1);
      assert.equal(event.image, 'img');
      assert.equal(event.broadcastId, action.broadcastId);
      assert.match(chat.id, SAFE_ID);
      assert.equal(chat.x, 0);
      assert.equal(chat.y, 1);
      assert.deepEqual(chat.author, { id: 'g_alice', name: 'Alice' });
      assert.equal(chat.resolved, false);
      assert.equal(typeof chat.createdAt, 'number');
      assert.equal(chat.comments.length, 1);
      assert.match(chat.comments[0]!.id, SAFE_ID);
      assert.equal(chat.comments[0]!.text, 'first!');
      const snap = await s.snapshot('t1', 'img');
      assert.equal(snap.seq, 1);
      assert.deepEqual(snap.chats, [chat]);
      const again = await s.snapshot('t1', 'img');
      assert.equal(again.epoch, snap.epoch, 'the epoch is stable once the image has history');
    }));

    test('every change kind is stored, and seq rises by one per event', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      const added = await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'reply' }), bob);
      assert.equal(added.event.seq, 2);
      assert.ok(added.event.type === 'image-chat-updated' && added.event.change.kind === 'add-comment', "added.event.type === 'image-chat-updated' && added.event.change.kind === 'add-comment'");
      const reply = added.event.change.comment;
      assert.equal(reply.text, 'reply');
      assert.deepEqual(reply.author, { id: 'g_bob', name: 'Bob' });
      assert.match(reply.id, SAFE_ID);

      const edited = await s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: reply.id, text: 'better reply' }), bob);
      assert.equal(edited.event.seq, 3);
      assert.ok(edited.event.type === 'image-chat-updated' && edited.event.change.kind === 'edit-comment', "edited.event.type === 'image-chat-updated' && edited.event.change.kind === 'edit-comment'");
      assert.equal(typeof edited.event.change.editedAt, 'number');

      const moved = await s.apply('t1', 'img', update('img', chat.id, { kind: 'move', x: 0.5, y: 0.5 }), alice);
      assert.equal(moved.event.seq, 4);
      const resolved = await s.apply('t1', 'img', update('img', chat.id, { kind: 'resolve', resolved: true }), bob);
      assert.equal(resolved.event.seq, 5);

      let snap = await s.snapshot('t1', 'img');
      assert.equal(snap.seq, 5);
      const stored = snap.chats[0]!;
      assert.equal(stored.x, 0.5);
      assert.equal(stored.y, 0.5);
      assert.equal(stored.resolved, true);
      assert.deepEqual(stored.comments.map((c) => c.text), ['hello', 'better reply']);
      assert.equal(typeof stored.comments[1]!.editedAt, 'number');

      const deleted = await s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: reply.id }), bob);
      assert.equal(deleted.event.seq, 6);
      snap = await s.snapshot('t1', 'img');
      assert.deepEqual(snap.chats[0]!.comments.map((c) => c.text), ['hello']);

      const gone = await s.apply('t1', 'img', remove('img', chat.id), alice);
      assert.equal(gone.event.type, 'deleted-image-chat');
      assert.equal(gone.event.seq, 7);
      snap = await s.snapshot('t1', 'img');
      assert.equal(snap.seq, 7);
      assert.deepEqual(snap.chats, []);
    }));

    test('chats and comments keep their order', withStore(async (s) => {
      const a = await seed(s, 't1', 'img');
      const b = await seed(s, 't1', 'img');
      for (const text of ['one', 'two', 'three']) {
        await s.apply('t1', 'img', update('img', a.id, { kind: 'add-comment', text }), bob);
      }
      const snap = await s.snapshot('t1', 'img');
      assert.deepEqual(snap.chats.map((c) => c.id), [a.id, b.id]);
      assert.deepEqual(snap.chats[0]!.comments.map((c) => c.text), ['hello', 'one', 'two', 'three']);
    }));

    test('unknown chat or comment is not-found', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      await rejects(s.apply('t1', 'img', update('img', 'nope', { kind: 'add-comment', text: 'x' }), alice), 'not-found', { reason: 'no-such-conversation' });
      await rejects(s.apply('t1', 'img', remove('img', 'nope'), alice), 'not-found', { reason: 'no-such-conversation' });
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: 'nope', text: 'x' }), alice), 'not-found', { reason: 'no-such-comment' });
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: 'nope' }), alice), 'not-found', { reason: 'no-such-comment' });
      await rejects(s.apply('t1', 'other-img', update('other-img', chat.id, { kind: 'resolve', resolved: true }), alice), 'not-found');
      assert.equal((await s.snapshot('t1', 'img')).seq, 1);
      assert.equal((await s.snapshot('t1', 'other-img')).seq, 0);
    }));

    test("another actor is forbidden to edit, delete or move what is not theirs; anyone may comment and resolve", withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      const first = chat.comments[0]!.id;
      const { event } = await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'mine' }), bob);
      assert.ok(event.type === 'image-chat-updated' && event.change.kind === 'add-comment', "event.type === 'image-chat-updated' && event.change.kind === 'add-comment'");
      const bobs = event.change.comment.id;
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: first, text: 'x' }), bob), 'forbidden', { reason: 'not-author' });
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: bobs }), alice), 'forbidden', { reason: 'not-author' });
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: bobs, text: 'x' }), alice), 'forbidden');
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'move', x: 0, y: 0 }), bob), 'forbidden', { reason: 'not-author' });
      await rejects(s.apply('t1', 'img', remove('img', chat.id), bob), 'forbidden', { reason: 'not-author' });
      const resolved = await s.apply('t1', 'img', update('img', chat.id, { kind: 'resolve', resolved: true }), bob);
      assert.equal(resolved.event.seq, 3);
    }));

    test('a moderator may do all', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      const { event } = await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'b' }), bob);
      assert.ok(event.type === 'image-chat-updated' && event.change.kind === 'add-comment', "event.type === 'image-chat-updated' && event.change.kind === 'add-comment'");
      const bobs = event.change.comment.id;
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: chat.comments[0]!.id, text: 'tidied' }), mod);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: bobs }), mod);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'move', x: 1, y: 0 }), { ...mod, role: 'admin' });
      const gone = await s.apply('t1', 'img', remove('img', chat.id), mod);
      assert.equal(gone.event.seq, 6);
    }));

    test('the opening comment cannot be deleted on its own', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      await rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: chat.comments[0]!.id }), alice), 'invalid', { reason: 'first-comment' });
      assert.equal((await s.snapshot('t1', 'img')).chats[0]!.comments.length, 1);
    }));

    test('the same image id in two tenants is two independent images', withStore(async (s) => {
      const chat = await seed(s, 'acme', 'shared.png');
      await seed(s, 'acme', 'shared.png');
      const other = await s.apply('globex', 'shared.png', create('shared.png', 'elsewhere'), alice);
      assert.equal(other.event.seq, 1);
      await rejects(s.apply('globex', 'shared.png', remove('shared.png', chat.id), alice), 'not-found');
      const acme = await s.snapshot('acme', 'shared.png');
      const globex = await s.snapshot('globex', 'shared.png');
      assert.equal(acme.seq, 2);
      assert.equal(globex.seq, 1);
      assert.deepEqual(globex.chats.map((c) => c.comments[0]!.text), ['elsewhere']);
      assert.equal(acme.chats.length, 2);
    }));

    test('a repeated broadcastId from the same actor returns the original event and writes nothing', withStore(async (s) => {
      const action = create('img');
      const first = await s.apply('t1', 'img', action, alice);
      const again = await s.apply('t1', 'img', action, alice);
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.event, first.event);
      const snap = await s.snapshot('t1', 'img');
      assert.equal(snap.seq, 1);
      assert.equal(snap.chats.length, 1);
      // After the chat is gone, the retry still answers with the original event.
      assert.ok(first.event.type === 'new-image-chat', 'a create');
      await s.apply('t1', 'img', remove('img', first.event.chat.id), alice);
      const late = await s.apply('t1', 'img', action, alice);
      assert.equal(late.duplicate, true);
      assert.deepEqual(late.event, first.event);
    }));

    test('a broadcastId already used by another actor is invalid', withStore(async (s) => {
      const action = create('img');
      await s.apply('t1', 'img', action, alice);
      await rejects(s.apply('t1', 'img', action, bob), 'invalid', { reason: 'broadcast-id-taken' });
      assert.equal((await s.snapshot('t1', 'img')).seq, 1);
    }));

    test('a failed action leaves the snapshot and seq unchanged', withStore(async (s) => {
      const chat = await seed(s, 't1', 'img');
      const before = await s.snapshot('t1', 'img');
      const failing = update('img', chat.id, { kind: 'move', x: 0.9, y: 0.9 });
      await rejects(s.apply('t1', 'img', failing, bob), 'forbidden');
      assert.deepEqual(await s.snapshot('t1', 'img'), before);
      // The refused broadcastId was not recorded: its rightful retry is a fresh action.
      const retried = await s.apply('t1', 'img', failing, alice);
      assert.equal(retried.duplicate, false);
      assert.equal(retried.event.seq, 2);
    }));

    test('a failed action on an image with no history leaves it without history', withStore(async (s) => {
      await rejects(s.apply('t1', 'blank', remove('blank', 'nope'), alice), 'not-found');
      const { event } = await s.apply('t1', 'blank', create('blank'), alice);
      assert.equal(event.seq, 1);
    }));

    test('maxChatsPerImage refuses one conversation too many as too-large, per image and tenant', withStore(async (s) => {
      const limits = { maxChatsPerImage: 2 };
      await s.apply('t1', 'img', create('img'), alice, limits);
      await s.apply('t1', 'img', create('img'), bob, limits);
      const before = await s.snapshot('t1', 'img');
      await rejects(s.apply('t1', 'img', create('img'), alice, limits), 'too-large', { reason: 'too-many-conversations', limit: 2 });
      assert.deepEqual(await s.snapshot('t1', 'img'), before, 'nothing written');
      // Replies still work; another image and another tenant have their own count.
      await s.apply('t1', 'img', update('img', before.chats[0]!.id, { kind: 'add-comment', text: 'still fine' }), bob, limits);
      await s.apply('t1', 'img2', create('img2'), alice, limits);
      await s.apply('t2', 'img', create('img'), alice, limits);
      // Deleting one makes room again.
      await s.apply('t1', 'img', remove('img', before.chats[0]!.id), alice, limits);
      await s.apply('t1', 'img', create('img'), alice, limits);
    }));

    test('maxCommentsPerChat refuses one reply too many as too-large, per conversation', withStore(async (s) => {
      const limits = { maxCommentsPerChat: 3 };
      const chat = await seed(s, 't1', 'img');
      const other = await seed(s, 't1', 'img');
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'two' }), bob, limits);
      const third = await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'three' }), bob, limits);
      const before = await s.snapshot('t1', 'img');
      await assert.rejects(s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'four' }), bob, limits), (e: unknown) => {
        assert.ok(e instanceof StoreError && e.code === 'too-large', `expected too-large, got ${String(e)}`);
        assert.match(e.message, /already holds 3 comments/);
        assert.deepEqual(e.facts, { reason: 'too-many-comments', limit: 3 });
        return true;
      });
      assert.deepEqual(await s.snapshot('t1', 'img'), before, 'nothing written');
      // A full conversation can still be edited and resolved; another one has its own count.
      assert.ok(third.event.type === 'image-chat-updated' && third.event.change.kind === 'add-comment', 'a reply');
      const thirdId = third.event.change.comment.id;
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: thirdId, text: '3' }), bob, limits);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'resolve', resolved: true }), bob, limits);
      await s.apply('t1', 'img', update('img', other.id, { kind: 'add-comment', text: 'elsewhere' }), bob, limits);
      // Deleting a reply makes room again.
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: thirdId }), bob, limits);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'four' }), bob, limits);
      const texts = (await s.snapshot('t1', 'img')).chats.find((c) => c.id === chat.id)?.comments.map((c) => c.text);
      assert.deepEqual(texts, ['hello', 'two', 'four']);
    }));

    test('conversationCount counts one tenant over all its images', withStore(async (s) => {
      assert.equal(await s.conversationCount('t1'), 0);
      const chat = await seed(s, 't1', 'a');
      await seed(s, 't1', 'b');
      await seed(s, 't2', 'a');
      assert.equal(await s.conversationCount('t1'), 2);
      await s.apply('t1', 'a', remove('a', chat.id), alice);
      assert.equal(await s.conversationCount('t1'), 1);
      assert.equal(await s.conversationCount('t2'), 1);
    }));

    test('secret() is created once and then stable', withStore(async (s) => {
      const a = await s.secret('guest');
      assert.ok(a.length >= 32, "a.length >= 32");
      assert.equal(await s.secret('guest'), a);
      assert.notEqual(await s.secret('other'), a);
    }));
  });

  recentConformance(name, (body) => withStore(body));
  numbersConformance(name, (body) => withStore(body));
  concurrencyConformance(name, openTwo);
  usageConformance(name, open, openTwo);
}
