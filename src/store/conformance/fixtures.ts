/** Users and action builders shared by the store conformance suites. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ActionMessage, Change, User } from '../../protocol/messages.ts';
import { StoreError, type RefusalFacts } from '../store.ts';

export const alice: User = { id: 'g_alice', name: 'Alice', kind: 'guest' };
export const bob: User = { id: 'g_bob', name: 'Bob', kind: 'guest' };
export const mod: User = { id: 'u_mod', name: 'Mo', kind: 'user', role: 'moderator' };
export const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const create = (image: string, text = 'hello', x = 0.25, y = 0.75): ActionMessage => ({
  type: 'create-image-chat',
  image,
  broadcastId: randomUUID(),
  x,
  y,
  text,
});
export const update = (image: string, chatId: string, change: Change): ActionMessage => ({
  type: 'update-image-chat',
  image,
  broadcastId: randomUUID(),
  chatId,
  change,
});
export const remove = (image: string, chatId: string): ActionMessage => ({
  type: 'delete-image-chat',
  image,
  broadcastId: randomUUID(),
  chatId,
});

/** Rejected with a StoreError of `code` (and, given `facts`, exactly those: the reason the widget words, its numbers). */
export async function rejects(promise: Promise<unknown>, code: string, facts?: RefusalFacts): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof StoreError, `expected a StoreError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(e.message.length > 0, "e.message.length > 0");
    if (facts) assert.deepEqual(e.facts, facts);
    return true;
  });
}
