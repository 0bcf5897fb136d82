/**
 * The tenant's API key acting as the tenant's admin (the dashboard's
 * moderation): the same parser, rules and store as a moderator's socket action,
 * through ChatCore.commit, so the event is stored, broadcast on the bus and
 * reaches every widget watching the image at once. Not rate-limited: whoever
 * holds the key owns the tenant.
 */
import { randomUUID } from 'node:crypto';
import type { ActionMessage, User } from '../protocol/messages.ts';
import { parseClientMessage } from '../protocol/parse.ts';
import { StoreError } from '../store/store.ts';
import type { ChatCore } from './core.ts';

/** Who the API key is in conversations and the event log: named so nobody takes it for a person. */
export const API_KEY_ADMIN: User = { id: 'api-key', name: 'Moderator', kind: 'user', role: 'admin' };

/** What to remove: a whole conversation, or one comment of it. */
export type Removal = { readonly chatId: string; readonly commentId?: string };

/**
 * Deletes the conversation (or the comment) as the tenant's admin; resolves with
 * the event's seq once stored (the broadcast follows). Throws StoreError: `invalid`
 * for a malformed id or the opening comment, `not-found` when there is no such thing.
 */
export async function moderate(core: ChatCore, tenantId: string, image: string, removal: Removal): Promise<{ seq: number }> {
  const tenant = core.tenants.get(tenantId);
  if (!tenant) throw new StoreError('not-found', `there is no tenant "${tenantId}" on this server`, { reason: 'unknown-tenant' });
  const broadcastId = randomUUID();
  const { chatId, commentId } = removal;
  const parsed = parseClientMessage(
    commentId === undefined
      ? { type: 'delete-image-chat', image, broadcastId, chatId }
      : { type: 'update-image-chat', image, broadcastId, chatId, change: { kind: 'delete-comment', commentId } },
  );
  if (!parsed.ok) throw new StoreError('invalid', parsed.message, parsed.facts);
  let seq = 0;
  await core.commit(tenant, parsed.message as ActionMessage, API_KEY_ADMIN, ({ event }) => (seq = event.seq));
  return { seq };
}
