/**
 * Test helper (not a test): tenants for server tests. Every one allows any
 * origin and has an SSO secret and API key derived from its id, so a test can
 * mint tokens and call the API without setting anything up.
 */
import { DEFAULT_LIMITS, Tenants } from '../../src/core/tenants.ts';
import type { GuestPolicy, Tenant, TenantLimits } from '../../src/core/tenants.ts';

export const ssoSecretOf = (id: string) => `${id}-sso-secret-for-tests-0123456789abcdef`;
export const apiKeyOf = (id: string) => `${id}-api-key-for-tests`;

export function testTenant(id: string, options: { guests?: GuestPolicy; limits?: Partial<TenantLimits>; origins?: string[]; presence?: boolean } = {}): Tenant {
  return {
    id,
    origins: options.origins ?? ['*'],
    ssoSecret: ssoSecretOf(id),
    apiKey: apiKeyOf(id),
    guests: options.guests ?? 'post',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.presence === false ? { presence: false } : {}),
  };
}

/** `demo`, `acme`, `globex` with defaults, plus any tenants given. */
export function testTenants(...extra: Tenant[]): Tenants {
  return new Tenants([{ ...testTenant('demo') }, testTenant('acme'), testTenant('globex'), ...extra]);
}
