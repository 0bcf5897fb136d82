/**
 * Who a `hello` makes you, per tenant: an SSO user (token verified), a guest
 * (server-signed guest token, kept by the widget), or refused. Read-only
 * identities are decided here, so the server (not only the UI) enforces them.
 */
import type { HelloMessage, User } from '../protocol/messages.ts';
import { guestToken, newGuestId, verifyGuestToken } from './guest.ts';
import { SsoError, verifyUserToken } from './sso.ts';
import type { Tenant } from './tenants.ts';

/** `expiresAt` (ms since the epoch): when an SSO sign-in ends; guests do not expire. */
export type Identified = { readonly user: User; readonly guest?: string; readonly expiresAt?: number } | { readonly refused: string };

export const READONLY_REASONS = {
  token: 'Your sign-in lets you view these conversations but not post.',
  element: 'This view is read-only.',
  guests: 'Guests can view but not post here: sign in to take part.',
} as const;

export async function identify(tenant: Tenant, m: HelloMessage, guestSecret: () => Promise<string>, now = Date.now()): Promise<Identified> {
  if (m.token !== undefined) {
    let user: User;
    let expiresAt: number;
    try {
      ({ user, expiresAt } = await verifyUserToken(tenant, m.token, now));
    } catch (e) {
      if (e instanceof SsoError) return { refused: e.message };
      throw e;
    }
    if (user.readonly) return { user: { ...user, readonlyReason: READONLY_REASONS.token }, expiresAt };
    return { user: m.readonly ? readOnly(user, READONLY_REASONS.element) : user, expiresAt };
  }
  if (tenant.guests === 'off') return { refused: 'This site requires you to sign in to see its conversations.' };
  const secret = await guestSecret();
  // A forged, tampered or other tenant's guest token is not an error: the visitor simply becomes a new guest.
  const id = (m.guest !== undefined ? verifyGuestToken(secret, tenant.id, m.guest) : undefined) ?? newGuestId();
  let user: User = { id, name: m.name ?? 'Guest', kind: 'guest' };
  if (tenant.guests === 'read') user = readOnly(user, READONLY_REASONS.guests);
  else if (m.readonly) user = readOnly(user, READONLY_REASONS.element);
  return { user, guest: guestToken(secret, tenant.id, id) };
}

function readOnly(user: User, reason: string): User {
  return { ...user, readonly: true, readonlyReason: reason };
}
