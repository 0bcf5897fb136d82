/**
 * Test helper (not a test): SSO tokens as a site would mint them, and the
 * hostile variants (forged, expired, other tenant's, alg none, wrong alg).
 */
import { SignJWT } from 'jose';
import { ssoSecretOf } from './test-tenants.ts';

export interface Claims {
  sub?: string;
  name?: string;
  picture?: string;
  role?: string;
  readonly?: boolean;
}

/** `exp` and `iat`: seconds since the epoch (default: now + 10 minutes, now); null leaves the claim out. */
export async function mintToken(tenant: string, claims: Claims = { sub: 'ada', name: 'Ada' }, options: { secret?: string; aud?: string | null; exp?: number | null; iat?: number | null; alg?: string } = {}): Promise<string> {
  const { sub, ...rest } = claims;
  let jwt = new SignJWT({ ...rest }).setProtectedHeader({ alg: options.alg ?? 'HS256' });
  if (options.iat !== null) jwt = jwt.setIssuedAt(options.iat);
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  if (options.aud !== null) jwt = jwt.setAudience(options.aud ?? tenant);
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? '10m');
  return jwt.sign(new TextEncoder().encode(options.secret ?? ssoSecretOf(tenant)));
}

/** An unsigned token (`alg: none`) claiming whatever it likes. */
export function unsignedToken(tenant: string, claims: Claims & { role?: string }): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, aud: tenant, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}
