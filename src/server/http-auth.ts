/**
 * Who may call the tenant's HTTP API: `Authorization: Bearer <API key>` for
 * usage; reading conversations is open where guests may view, and otherwise
 * needs the API key or a valid SSO token. Keys are compared by hash in
 * constant time, so the comparison leaks nothing about the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SsoError, verifyUserToken } from '../core/sso.ts';
import type { Tenant } from '../core/tenants.ts';

export interface Denied {
  status: 401 | 403;
  message: string;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}

function sameKey(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function authorizeApi(tenant: Tenant, authorization: string | undefined): Denied | undefined {
  const key = bearer(authorization);
  if (key === undefined) return { status: 401, message: 'send the tenant API key as Authorization: Bearer <key>' };
  if (!tenant.apiKey) return { status: 403, message: `tenant "${tenant.id}" has no API key configured` };
  if (!sameKey(key, tenant.apiKey)) return { status: 403, message: `this key is not tenant "${tenant.id}"'s API key` };
  return undefined;
}

/** /metrics with METRICS_TOKEN set: the token as a bearer, or 401 (missing and wrong alike). */
export function authorizeMetrics(token: string, authorization: string | undefined): Denied | undefined {
  const given = bearer(authorization);
  if (given === undefined) return { status: 401, message: 'send the metrics token as Authorization: Bearer <METRICS_TOKEN>' };
  if (!sameKey(given, token)) return { status: 401, message: 'this is not the metrics token' };
  return undefined;
}

export async function authorizeRead(tenant: Tenant, authorization: string | undefined): Promise<Denied | undefined> {
  if (tenant.guests !== 'off') return undefined;
  const token = bearer(authorization);
  if (token === undefined) return { status: 401, message: 'this tenant requires sign-in: send an API key or user token as Authorization: Bearer …' };
  if (tenant.apiKey && sameKey(token, tenant.apiKey)) return undefined;
  try {
    await verifyUserToken(tenant, token);
    return undefined;
  } catch (e) {
    if (e instanceof SsoError) return { status: 403, message: e.message };
    throw e;
  }
}
