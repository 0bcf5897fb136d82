/**
 * Tenants from a JSON file (`TENANTS_FILE`) and/or the environment (`TENANT_*`,
 * the simple single-tenant case); with neither, the `demo` tenant. Every
 * mistake is a ConfigError with one clear sentence.
 */
import { readFileSync } from 'node:fs';
import { MAX_TEXT_CHARS } from '../protocol/limits.ts';
import { DEFAULT_LIMITS, DEMO_TENANT, TENANT_ID, Tenants } from '../core/tenants.ts';
import type { GuestPolicy, Tenant, TenantLimits } from '../core/tenants.ts';
import { ConfigError } from './config-error.ts';

const MIN_SSO_SECRET_CHARS = 32;
const MIN_API_KEY_CHARS = 16;

type Json = Record<string, unknown>;

const TENANT_KEYS = new Set(['id', 'origins', 'ssoSecret', 'apiKey', 'guests', 'limits', 'presence']);

/** Tenants from `TENANTS_FILE` (or `CONFIG_FILE`) and `TENANT_*`; the demo tenant when neither is set. */
export function loadTenants(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Tenants {
  const tenants: Tenant[] = [];
  const file = env.TENANTS_FILE?.trim() || env.CONFIG_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      throw new ConfigError(`cannot read the tenants file "${file}": ${(e as Error).message}`);
    }
    tenants.push(...parseTenantsJson(text, file));
  }
  const fromEnv = tenantFromEnv(env);
  if (fromEnv) tenants.push(fromEnv);
  if (tenants.length === 0) return Tenants.demo();
  const seen = new Set<string>();
  for (const t of tenants) {
    if (seen.has(t.id)) throw new ConfigError(`tenant "${t.id}" is configured twice`);
    seen.add(t.id);
  }
  return new Tenants(tenants);
}

/** `{"tenants": [...]}` or a bare array of tenants. */
export function parseTenantsJson(text: string, where = 'the tenants file'): Tenant[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.tenants) ? value.tenants : undefined;
  if (!list) throw new ConfigError(`${where} must hold {"tenants": [...]}`);
  if (isObject(value)) {
    const extra = Object.keys(value).filter((k) => k !== 'tenants');
    if (extra.length) throw new ConfigError(`${where}: unknown key "${extra[0]}" (only "tenants")`);
  }
  if (list.length === 0) throw new ConfigError(`${where} lists no tenants`);
  return list.map((entry, i) => parseTenant(entry, `${where}: tenant #${i + 1}`));
}

export function parseTenant(value: unknown, where: string): Tenant {
  if (!isObject(value)) throw new ConfigError(`${where} must be an object`);
  const id = value.id;
  if (typeof id !== 'string' || !TENANT_ID.test(id)) {
    throw new ConfigError(`${where}: "id" must be lower-case letters, digits and dashes (1-63), not ${JSON.stringify(id)}`);
  }
  const at = `${where.replace(/#\d+$/, '')}"${id}"`;
  for (const key of Object.keys(value)) {
    if (!TENANT_KEYS.has(key)) throw new ConfigError(`${at}: unknown key "${key}" (allowed: ${[...TENANT_KEYS].join(', ')})`);
  }
  const origins = value.origins;
  if (!Array.isArray(origins) || origins.length === 0 || !origins.every((o) => typeof o === 'string')) {
    throw new ConfigError(`${at}: "origins" must be a non-empty list of origins such as "https://www.example.com"`);
  }
  for (const o of origins as string[]) checkOriginPattern(o, at);
  const tenant: { -readonly [K in keyof Tenant]: Tenant[K] } = {
    id,
    origins: origins as string[],
    guests: parseGuests(value.guests, at),
    limits: parseLimits(value.limits, at),
  };
  if (value.presence !== undefined) {
    if (typeof value.presence !== 'boolean') throw new ConfigError(`${at}: "presence" must be true or false, not ${JSON.stringify(value.presence)}`);
    if (!value.presence) tenant.presence = false;
  }
  if (value.ssoSecret !== undefined) tenant.ssoSecret = secretValue(value.ssoSecret, MIN_SSO_SECRET_CHARS, `${at}: "ssoSecret"`);
  if (value.apiKey !== undefined) tenant.apiKey = secretValue(value.apiKey, MIN_API_KEY_CHARS, `${at}: "apiKey"`);
  return tenant;
}

function tenantFromEnv(env: NodeJS.ProcessEnv): Tenant | undefined {
  const id = env.TENANT_ID?.trim();
  const related = ['TENANT_ORIGINS', 'TENANT_SSO_SECRET', 'TENANT_API_KEY', 'TENANT_GUESTS', 'TENANT_MAX_TOKEN_LIFETIME_SECONDS', 'TENANT_PRESENCE'].filter((k) => env[k]?.trim());
  if (!id) {
    if (related.length) throw new ConfigError(`${related[0]} is set but TENANT_ID is not`);
    return undefined;
  }
  const raw: Json = {
    id,
    origins: (env.TENANT_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
  if (env.TENANT_SSO_SECRET) raw.ssoSecret = env.TENANT_SSO_SECRET;
  if (env.TENANT_API_KEY) raw.apiKey = env.TENANT_API_KEY;
  if (env.TENANT_GUESTS?.trim()) raw.guests = env.TENANT_GUESTS.trim();
  const presence = env.TENANT_PRESENCE?.trim().toLowerCase();
  // A boolean when it reads as one, so parseTenant gives the same sentence as for the file.
  if (presence) raw.presence = presence === 'true' ? true : presence === 'false' ? false : presence;
  const maxLifetime = env.TENANT_MAX_TOKEN_LIFETIME_SECONDS?.trim();
  // A number when it reads as one, so parseLimits gives the same sentence as for the file.
  if (maxLifetime) raw.limits = { maxTokenLifetimeSeconds: /^\d+$/.test(maxLifetime) ? Number(maxLifetime) : maxLifetime };
  return parseTenant(raw, 'TENANT_* environment: tenant #1');
}

function checkOriginPattern(o: string, at: string): void {
  if (o === '*') return;
  const ok =
    /^https?:\/\/(\*\.)?[a-z0-9.-]+(:(\d{1,5}|\*))?$/i.test(o) || /^https?:\/\/\[[0-9a-f:]+\](:(\d{1,5}|\*))?$/i.test(o);
  if (!ok) throw new ConfigError(`${at}: origin "${o}" must look like https://www.example.com, http://localhost:*, https://*.example.com or *`);
}

function parseGuests(value: unknown, at: string): GuestPolicy {
  if (value === undefined || value === true) return 'post';
  if (value === false) return 'read';
  if (value === 'post' || value === 'read' || value === 'off') return value;
  throw new ConfigError(`${at}: "guests" must be "post", "read" or "off", not ${JSON.stringify(value)}`);
}

/** Limits with no default: unset means no such limit. */
const OPTIONAL_LIMITS = ['maxTokenLifetimeSeconds'];

function parseLimits(value: unknown, at: string): TenantLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  if (!isObject(value)) throw new ConfigError(`${at}: "limits" must be an object`);
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  const allowed = [...Object.keys(DEFAULT_LIMITS), ...OPTIONAL_LIMITS];
  for (const [key, v] of Object.entries(value)) {
    if (!allowed.includes(key)) throw new ConfigError(`${at}: unknown limit "${key}" (allowed: ${allowed.join(', ')})`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ConfigError(`${at}: limit "${key}" must be a whole number of at least 1`);
    out[key] = v;
  }
  if (out.maxTextChars! > MAX_TEXT_CHARS) throw new ConfigError(`${at}: limit "maxTextChars" can be at most ${MAX_TEXT_CHARS}`);
  return out as unknown as TenantLimits;
}

function secretValue(value: unknown, min: number, what: string): string {
  if (typeof value !== 'string' || value.length < min) throw new ConfigError(`${what} must be a string of at least ${min} characters`);
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
