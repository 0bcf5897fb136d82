/**
 * Chat.number: each conversation's number on its image, in creation order,
 * never reused, so it stays when another conversation is deleted (the widget
 * shows it on the marker, in the thread and in the list).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chat } from '../../protocol/messages.ts';
import type { Store } from '../store.ts';
import { alice, bob, create, remove } from './fixtures.ts';

type WithStore = (body: (store: Store) => Promise<void>) => () => Promise<void>;

async function made(store: Store, tenant: string, image: string): Promise<Chat> {
  const { event } = await store.apply(tenant, image, create(image), alice);
  assert.ok(event.type === 'new-image-chat');
  return event.chat;
}

export function numbersConformance(name: string, withStore: WithStore): void {
  describe(`Store conformance: ${name}: conversation numbers`, () => {
    test('numbers go 1, 2, 3 per image, in the event, the snapshot and the replay alike', withStore(async (s) => {
      const [a, b, c] = [await made(s, 't1', 'img'), await made(s, 't1', 'img'), await made(s, 't1', 'img')];
      assert.deepEqual([a.number, b.number, c.number], [1, 2, 3]);
      const other = await made(s, 't1', 'other');
      assert.equal(other.number, 1, 'each image counts its own');
      assert.equal((await made(s, 't2', 'img')).number, 1, 'and each tenant');
      const snap = await s.snapshot('t1', 'img');
      assert.deepEqual(snap.chats.map((chat) => chat.number), [1, 2, 3]);
      const replay = await s.eventsSince('t1', 'img', { epoch: snap.epoch, seq: 0 });
      assert.deepEqual(replay?.map((e) => (e.type === 'new-image-chat' ? e.chat.number : undefined)), [1, 2, 3]);
    }));

    test('a deleted conversation keeps its number taken: the others keep theirs and the next is new', withStore(async (s) => {
      const [a, b, c] = [await made(s, 't1', 'img'), await made(s, 't1', 'img'), await made(s, 't1', 'img')];
      await s.apply('t1', 'img', remove('img', b.id), alice);
      await s.apply('t1', 'img', remove('img', c.id), alice);
      const d = await made(s, 't1', 'img');
      assert.equal(d.number, 4);
      const snap = await s.snapshot('t1', 'img');
      assert.deepEqual(snap.chats.map((chat) => [chat.id, chat.number]), [[a.id, 1], [d.id, 4]]);
    }));

    test('a repeated create (same broadcastId) does not use a number', withStore(async (s) => {
      const action = create('img');
      const first = await s.apply('t1', 'img', action, bob);
      const again = await s.apply('t1', 'img', action, bob);
      assert.equal(again.duplicate, true);
      assert.ok(first.event.type === 'new-image-chat' && again.event.type === 'new-image-chat');
      assert.equal(again.event.chat.number, 1);
      assert.equal((await made(s, 't1', 'img')).number, 2);
    }));
  });
}
