/**
 * SSO: the `user-token` attribute is an HS256 JWT the embedding site signs
 * with its tenant's secret (docs/security.md shows how). Verified with jose;
 * any failure is one `unauthorized` sentence the widget can show as is.
 */
import { errors, jwtVerify } from 'jose';
import type { User } from '../protocol/messages.ts';
import type { Tenant } from './tenants.ts';

/** A refused token: `reason` tells an expired one (sign in again) from one that is no good here. */
export class SsoError extends Error {
  constructor(
    message: string,
    readonly reason: 'sign-in-refused' | 'sign-in-expired' = 'sign-in-refused',
  ) {
    super(message);
  }
}

/** Said when a token, or an open connection's sign-in, has run out. */
export const SIGN_IN_EXPIRED = 'your sign-in has expired: reload the page to sign in again';

const MAX_SUBJECT_CHARS = 200;
const MAX_NAME_CHARS = 80;
const MAX_AVATAR_CHARS = 2048;
/** A few seconds of clock difference between the site's server and ours is not an attack. */
export const CLOCK_TOLERANCE_S = 30;

const keys = new WeakMap<Tenant, Uint8Array>();

function keyOf(tenant: Tenant, secret: string): Uint8Array {
  let key = keys.get(tenant);
  if (!key) keys.set(tenant, (key = new TextEncoder().encode(secret)));
  return key;
}

export interface VerifiedToken {
  readonly user: User;
  /**
   * When a connection signed in with this token stops being signed in (ms since
   * the epoch): `exp`, or sooner under the tenant's `maxTokenLifetimeSeconds`
   * (from `iat`, or from `now` for a token without one), plus the clock tolerance.
   */
  readonly expiresAt: number;
}

/**
 * The user a token proves for this tenant, and until when. Claims: `sub`
 * (required), `aud` (required, the tenant id, so a token minted for one tenant
 * never works on another even if two share a secret), `exp` (required),
 * `iat`, `name`, `picture`, `role` ("moderator" | "admin"), `readonly` (true:
 * may view only). `now` is the server's clock (tests inject one).
 */
export async function verifyUserToken(tenant: Tenant, token: string, now = Date.now()): Promise<VerifiedToken> {
  if (!tenant.ssoSecret) throw new SsoError('sign-in with a user token is not set up for this site');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keyOf(tenant, tenant.ssoSecret), {
      algorithms: ['HS256'],
      audience: tenant.id,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(now),
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new SsoError(SIGN_IN_EXPIRED, 'sign-in-expired');
    if (e instanceof errors.JWTClaimValidationFailed) throw new SsoError(`the sign-in token is not valid here (${e.claim} claim)`);
    throw new SsoError('the sign-in token is not valid for this site');
  }
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_CHARS) throw new SsoError('the sign-in token has no usable subject');
  const name = typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name.trim().slice(0, MAX_NAME_CHARS) : 'User';
  const role = payload.role === 'moderator' || payload.role === 'admin' ? payload.role : undefined;
  const user: { -readonly [K in keyof User]: User[K] } = { id: `u:${sub}`, name, kind: 'user' };
  if (role) user.role = role;
  if (typeof payload.picture === 'string' && /^https:\/\//.test(payload.picture) && payload.picture.length <= MAX_AVATAR_CHARS) {
    user.avatar = payload.picture;
  }
  if (payload.readonly === true) user.readonly = true;
  const expiresAt = tokenDeadline(tenant, payload.exp!, payload.iat, now);
  if (expiresAt <= now) throw new SsoError(SIGN_IN_EXPIRED, 'sign-in-expired');
  return { user, expiresAt };
}

/** min(exp, iat + the tenant's longest token lifetime) on the issuer's clock, plus the tolerance for ours. */
function tokenDeadline(tenant: Tenant, exp: number, iat: number | undefined, now: number): number {
  const max = tenant.limits.maxTokenLifetimeSeconds;
  const issuedAt = typeof iat === 'number' ? iat * 1000 : now;
  const end = max === undefined ? exp * 1000 : Math.min(exp * 1000, issuedAt + max * 1000);
  return end + CLOCK_TOLERANCE_S * 1000;
}
