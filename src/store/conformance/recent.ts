/**
 * Store.recentChats and the page a conversation was started on: what the
 * tenant's admin API lists (design.md, "recent conversations").
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Chat, ChatEvent, Comment, CreateImageChatMessage } from '../../protocol/messages.ts';
import type { Store } from '../store.ts';
import { alice, bob, mod, update, remove } from './fixtures.ts';

const createOn = (image: string, page?: string, text = 'hello'): CreateImageChatMessage => ({
  type: 'create-image-chat',
  image,
  broadcastId: randomUUID(),
  x: 0.5,
  y: 0.5,
  text,
  ...(page === undefined ? {} : { page }),
});

/**
 * Resolves once the clock has passed `ms`, so the next action is stored with a
 * later time: the order under test then never hangs on two actions sharing a
 * millisecond. Waits for that state (a millisecond at most), hopes for nothing.
 */
async function after(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve));
}

const chatOf = (event: ChatEvent): Chat => {
  assert.ok(event.type === 'new-image-chat', 'a create stores a new-image-chat event');
  return event.chat;
};
const commentOf = (event: ChatEvent): Comment => {
  assert.ok(event.type === 'image-chat-updated' && event.change.kind === 'add-comment', 'a reply');
  return event.change.comment;
};

export function recentConformance(name: string, withStore: (body: (store: Store) => Promise<void>) => () => Promise<void>): void {
  describe(`Store conformance: ${name}: recent conversations and pages`, () => {
    test('a tenant with no conversations lists none', withStore(async (s) => {
      assert.deepEqual(await s.recentChats('t1', 20), []);
    }));

    test("newest activity first over all the tenant's images, with image, page, last activity and the whole conversation", withStore(async (s) => {
      const a = chatOf((await s.apply('t1', 'img-1', createOn('img-1', 'https://shop.example/p/1'), alice)).event);
      await after(a.createdAt);
      const b = chatOf((await s.apply('t1', 'img-2', createOn('img-2'), bob)).event);
      await s.apply('t2', 'img-1', createOn('img-1', 'https://other.example/'), alice); // another tenant's
      await after(b.createdAt);
      const reply = commentOf((await s.apply('t1', 'img-1', update('img-1', a.id, { kind: 'add-comment', text: 'bump' }), bob)).event);

      const recent = await s.recentChats('t1', 20);
      assert.deepEqual(recent.map((r) => [r.image, r.chat.id]), [['img-1', a.id], ['img-2', b.id]], 'the reply moved img-1 first');
      assert.deepEqual(recent[0], {
        image: 'img-1',
        page: 'https://shop.example/p/1',
        lastActivity: reply.createdAt,
        chat: (await s.snapshot('t1', 'img-1')).chats[0],
      });
      assert.deepEqual(recent[1], { image: 'img-2', page: null, lastActivity: b.createdAt, chat: b });
      assert.deepEqual((await s.recentChats('t1', 1)).map((r) => r.chat.id), [a.id], 'at most limit');
      assert.deepEqual(await s.recentChats('t1', 0), []);
      assert.deepEqual((await s.recentChats('t2', 20)).map((r) => r.page), ['https://other.example/']);
    }));

    test('the page is kept with the conversation, never part of it on the wire', withStore(async (s) => {
      const { event } = await s.apply('t1', 'img', createOn('img', 'https://shop.example/p'), alice);
      const chat = chatOf(event);
      assert.equal('page' in chat, false, 'not in the event');
      assert.equal('page' in (await s.snapshot('t1', 'img')).chats[0]!, false, 'not in the snapshot');
      const [replayed] = (await s.eventsSince('t1', 'img', { epoch: (await s.head('t1', 'img')).epoch, seq: 0 })) ?? [];
      assert.deepEqual(replayed, event, 'not in the log');
      for await (const page of s.snapshotPages('t1', 'img')) assert.equal('page' in page.chats[0]!, false, 'not in a snapshot page');
    }));

    test('last activity is the newest comment: edits, moves and resolving leave it, deleting the newest reply goes back', withStore(async (s) => {
      const chat = chatOf((await s.apply('t1', 'img', createOn('img'), alice)).event);
      await after(chat.createdAt);
      const first = commentOf((await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'one' }), bob)).event);
      await after(first.createdAt);
      const second = commentOf((await s.apply('t1', 'img', update('img', chat.id, { kind: 'add-comment', text: 'two' }), bob)).event);
      const activity = async () => (await s.recentChats('t1', 5))[0]!.lastActivity;
      assert.equal(await activity(), second.createdAt);
      await after(second.createdAt);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'edit-comment', commentId: first.id, text: 'one!' }), bob);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'move', x: 0.1, y: 0.1 }), alice);
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'resolve', resolved: true }), bob);
      assert.equal(await activity(), second.createdAt, 'edits, moves and resolving are not comments');
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: second.id }), mod);
      assert.equal(await activity(), first.createdAt, 'the newest remaining comment');
      await s.apply('t1', 'img', update('img', chat.id, { kind: 'delete-comment', commentId: first.id }), bob);
      assert.equal(await activity(), chat.createdAt, 'only the opening comment left');
      const [listed] = await s.recentChats('t1', 5);
      assert.deepEqual(listed!.chat, (await s.snapshot('t1', 'img')).chats[0], 'the conversation as it is now');
    }));

    test('a deleted conversation is no longer listed; a refused action changes nothing', withStore(async (s) => {
      const a = chatOf((await s.apply('t1', 'img', createOn('img'), alice)).event);
      await after(a.createdAt);
      const b = chatOf((await s.apply('t1', 'img', createOn('img'), alice)).event);
      const before = await s.recentChats('t1', 5);
      await assert.rejects(s.apply('t1', 'img', update('img', a.id, { kind: 'add-comment', text: 'x' }), alice, { maxCommentsPerChat: 1 }));
      assert.deepEqual(await s.recentChats('t1', 5), before);
      await s.apply('t1', 'img', remove('img', b.id), alice);
      assert.deepEqual((await s.recentChats('t1', 5)).map((r) => r.chat.id), [a.id]);
    }));
  });
}
