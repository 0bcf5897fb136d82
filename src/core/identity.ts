/**
 * Who a `hello` makes you, per tenant: an SSO user (token verified), a guest
 * (server-signed guest token, kept by the widget), or refused. Read-only
 * identities are decided here, so the server (not only the UI) enforces them.
 */
import type { ErrorReason, HelloMessage, ReadonlyReason, User } from '../protocol/messages.ts';
import { guestToken, newGuestId, verifyGuestToken } from './guest.ts';
import { SsoError, verifyUserToken } from './sso.ts';
import type { Tenant } from './tenants.ts';

/**
 * `expiresAt` (ms since the epoch): when an SSO sign-in ends; guests do not expire.
 * `refused`: the English sentence, `reason` the word for it (docs/protocol.md, "Error reasons").
 */
export type Identified =
  | { readonly user: User; readonly guest?: string; readonly expiresAt?: number }
  | { readonly refused: string; readonly reason: ErrorReason };

/** The English `readonlyReason` of each read-only case (`readonlyWhy`). */
export const READONLY_REASONS: Record<ReadonlyReason, string> = {
  'readonly-token': 'Your sign-in lets you view these conversations but not post.',
  'readonly-view': 'This view is read-only.',
  'readonly-guests': 'Guests can view but not post here: sign in to take part.',
};

export async function identify(tenant: Tenant, m: HelloMessage, guestSecret: () => Promise<string>, now = Date.now()): Promise<Identified> {
  if (m.token !== undefined) {
    let user: User;
    let expiresAt: number;
    try {
      ({ user, expiresAt } = await verifyUserToken(tenant, m.token, now));
    } catch (e) {
      if (e instanceof SsoError) return { refused: e.message, reason: e.reason };
      throw e;
    }
    if (user.readonly) return { user: readOnly(user, 'readonly-token'), expiresAt };
    return { user: m.readonly ? readOnly(user, 'readonly-view') : user, expiresAt };
  }
  if (tenant.guests === 'off') return { refused: 'This site requires you to sign in to see its conversations.', reason: 'sign-in-required' };
  const secret = await guestSecret();
  // A forged, tampered or other tenant's guest token is not an error: the visitor simply becomes a new guest.
  const id = (m.guest !== undefined ? verifyGuestToken(secret, tenant.id, m.guest) : undefined) ?? newGuestId();
  let user: User = { id, name: m.name ?? 'Guest', kind: 'guest' };
  if (tenant.guests === 'read') user = readOnly(user, 'readonly-guests');
  else if (m.readonly) user = readOnly(user, 'readonly-view');
  return { user, guest: guestToken(secret, tenant.id, id) };
}

function readOnly(user: User, why: ReadonlyReason): User {
  return { ...user, readonly: true, readonlyReason: READONLY_REASONS[why], readonlyWhy: why };
}
