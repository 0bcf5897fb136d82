// The API key acting as the tenant's admin, on a core without network: live to subscribers, not rate-limited, refusals as StoreErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeletedImageChatEvent, ImageChatUpdatedEvent } from '../protocol/messages.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { StoreError } from '../store/store.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from './core.ts';
import { API_KEY_ADMIN, moderate } from './moderation.ts';
import { CoreClient } from '../../test/support/core-client.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';

async function setup() {
  const store = new SqliteStore(':memory:');
  // One action a minute, one in the burst: a socket is refused its second action; the key never is.
  const tenants = testTenants(testTenant('strict', { limits: { actionsPerMinute: 1, actionBurst: 1 } }));
  const core = new ChatCore({ store, bus: new InProcessBus(), guestSecret: 'test-secret-0123456789', tenants, log: () => {} });
  return {
    core,
    store,
    done: async () => {
      await core.close();
      await store.close();
    },
  };
}

const refusal = (code: string, message: RegExp) => (e: unknown) => e instanceof StoreError && e.code === code && message.test(e.message);

test('moderation deletes a comment and conversations live for every subscriber, as the named admin, with no rate limit', async () => {
  const { core, store, done } = await setup();
  try {
    const guest = { id: 'g_ann', name: 'Ann', kind: 'guest' } as const;
    const seed = async (text: string) => {
      const { event } = await store.apply('strict', 'img', { type: 'create-image-chat', image: 'img', broadcastId: crypto.randomUUID(), x: 0.5, y: 0.5, text }, guest);
      assert.ok(event.type === 'new-image-chat');
      return event.chat;
    };
    const chat = await seed('spam');
    const other = await seed('more spam');
    const reply = await store.apply('strict', 'img', { type: 'update-image-chat', image: 'img', broadcastId: crypto.randomUUID(), chatId: chat.id, change: { kind: 'add-comment', text: 'and more' } }, guest);
    assert.ok(reply.event.type === 'image-chat-updated' && reply.event.change.kind === 'add-comment');
    const commentId = reply.event.change.comment.id;

    const watcher = await CoreClient.open(core, 'strict', 'Wes');
    watcher.say({ type: 'subscribe', image: 'img' });
    await watcher.until(() => watcher.messages.some((m) => m.type === 'snapshot'), 'snapshot');
    // The tenant's limit is live for sockets: one action, then a refusal.
    watcher.create('img', 'one');
    watcher.create('img', 'two');
    await watcher.until(() => watcher.messages.some((m) => m.type === 'error' && m.code === 'rate-limited'), 'a socket rate-limited');

    // Three removals in a row by the key, past that limit.
    assert.deepEqual(await moderate(core, 'strict', 'img', { chatId: chat.id, commentId }), { seq: 5 });
    assert.deepEqual(await moderate(core, 'strict', 'img', { chatId: chat.id }), { seq: 6 });
    assert.deepEqual(await moderate(core, 'strict', 'img', { chatId: other.id }), { seq: 7 });
    await watcher.until(() => watcher.seqs('img').includes(7), 'the removals, live');
    const events = watcher.messages.filter((m): m is ImageChatUpdatedEvent | DeletedImageChatEvent => m.type === 'image-chat-updated' || m.type === 'deleted-image-chat');
    assert.deepEqual(
      events.map((e) => (e.type === 'image-chat-updated' ? [e.seq, e.chatId, e.change] : [e.seq, e.chatId])),
      [[5, chat.id, { kind: 'delete-comment', commentId }], [6, chat.id], [7, other.id]],
    );
    const log = await store.eventsSince('strict', 'img', { epoch: (await store.head('strict', 'img')).epoch, seq: 4 });
    assert.deepEqual(log?.map((e) => e.seq), [5, 6, 7], 'stored in the log like any action');
    assert.deepEqual(API_KEY_ADMIN, { id: 'api-key', name: 'Moderator', kind: 'user', role: 'admin' });
  } finally {
    await done();
  }
});

test('moderation refuses what a moderator socket would be refused: unknown, malformed, the opening comment', async () => {
  const { core, store, done } = await setup();
  try {
    const { event } = await store.apply('acme', 'img', { type: 'create-image-chat', image: 'img', broadcastId: crypto.randomUUID(), x: 0, y: 0, text: 'hi' }, { id: 'g_a', name: 'A', kind: 'guest' });
    assert.ok(event.type === 'new-image-chat');
    const opening = event.chat.comments[0]!.id;
    await assert.rejects(moderate(core, 'acme', 'img', { chatId: 'nope' }), refusal('not-found', /no such conversation/));
    await assert.rejects(moderate(core, 'acme', 'other', { chatId: event.chat.id }), refusal('not-found', /no such conversation/));
    await assert.rejects(moderate(core, 'acme', 'img', { chatId: event.chat.id, commentId: 'nope' }), refusal('not-found', /no such comment/));
    await assert.rejects(moderate(core, 'acme', 'img', { chatId: '../x' }), refusal('invalid', /chatId is not a valid id/));
    await assert.rejects(moderate(core, 'acme', 'img', { chatId: event.chat.id, commentId: opening }), refusal('invalid', /the first comment opens the conversation/));
    await assert.rejects(moderate(core, 'nobody', 'img', { chatId: event.chat.id }), refusal('not-found', /no tenant "nobody"/));
    assert.equal((await store.head('acme', 'img')).seq, 1, 'nothing stored');
  } finally {
    await done();
  }
});
