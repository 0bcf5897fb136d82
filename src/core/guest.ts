/**
 * Guest identities: `id.signature`, where the signature is HMAC-SHA256 of the
 * tenant and the id under a server secret (the tenant is signed too, so a
 * guest token taken from one tenant is worth nothing on another). The server stays stateless about guests, and a
 * token survives restarts because the secret is persisted in the store.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const GUEST_ID = /^g_[A-Za-z0-9_-]{1,62}$/;

function sign(secret: string, tenant: string, id: string): string {
  // A newline can be in neither a tenant id nor a guest id, so the pair is unambiguous.
  return createHmac('sha256', secret).update(`${tenant}\n${id}`).digest('base64url');
}

export function newGuestId(): string {
  return `g_${randomBytes(16).toString('base64url')}`;
}

export function guestToken(secret: string, tenant: string, id: string): string {
  return `${id}.${sign(secret, tenant, id)}`;
}

/** The guest id a token proves, or undefined for anything forged, tampered or malformed. */
export function verifyGuestToken(secret: string, tenant: string, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const id = token.slice(0, dot);
  if (!GUEST_ID.test(id)) return undefined;
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(secret, tenant, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}
