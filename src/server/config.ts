/**
 * Configuration from the environment. Every mistake becomes a ConfigError
 * with a sentence an operator can act on; main prints it and exits 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.ts';
import { loadTenants } from './tenants-config.ts';
import type { Tenants } from '../core/tenants.ts';
import type { SqliteSynchronous } from '../store/sqlite/sqlite-store.ts';
import { DEFAULT_USAGE_FLUSH_MS, DEFAULT_USAGE_RETENTION_DAYS } from '../core/usage.ts';

export { ConfigError } from './config-error.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** REDIS_URL: the Redis bus and cluster-wide limits and usage (unset: in-process, one node). */
  redisUrl?: string;
  /** REDIS_PREFIX: prefix of this deployment's Redis keys and channels (default `image-chat:`). */
  redisPrefix?: string;
  guestSecret?: string;
  /** LOG_KEEP: events kept per image for replay (the store's default, 10000, when unset). */
  logKeep?: number;
  /** REPLAY_MAX: most missed events sent as a replay (default 500). */
  maxReplay?: number;
  /** From TENANTS_FILE / CONFIG_FILE and TENANT_*; the demo tenant when none is configured. */
  tenants: Tenants;
  /** DEMO_API_KEY: the demo tenant's API key (only when no tenants are configured); unset, one kept in the store. */
  demoApiKey?: string;
  /** PEM certificate chain and key (TLS_CERT / TLS_KEY file paths, read at start): serve https and wss. */
  tls?: { cert: string; key: string };
  /** TRUST_PROXY=1: take the client address from X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
  /** METRICS_TOKEN: bearer token /metrics requires; unset, /metrics shows totals only. */
  metricsToken?: string;
  /** SQLITE_SYNCHRONOUS: `full` (default, an ack means on disk) or `normal` (faster; the last acks may be lost in a power cut). */
  sqliteSynchronous: SqliteSynchronous;
  /** SHUTDOWN_TIMEOUT_MS: longest drain after SIGTERM/SIGINT before the process exits anyway (default 10000). */
  shutdownTimeoutMs: number;
  /** USAGE_FLUSH_MS: how often usage counts go to the store (default 5000): the most a `kill -9` loses. */
  usageFlushMs: number;
  /** USAGE_RETENTION_DAYS: usage older than this is removed (default 400). */
  usageRetentionDays: number;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATABASE_URL = './data/image-chat.sqlite';
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** The longest USAGE_FLUSH_MS: a day of counts is already a lot to lose to a `kill -9`. */
const MAX_USAGE_FLUSH_MS = 86_400_000;
const MIN_SECRET_CHARS = 16;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  const config: Config = {
    port: parsePort(env.PORT),
    host: env.HOST?.trim() || DEFAULT_HOST,
    databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
    tenants: loadTenants(env, readFile),
    trustProxy: parseFlag(env.TRUST_PROXY, 'TRUST_PROXY'),
    sqliteSynchronous: parseSynchronous(env.SQLITE_SYNCHRONOUS),
    shutdownTimeoutMs: parseMilliseconds(env.SHUTDOWN_TIMEOUT_MS, 'SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS),
    usageFlushMs: parseMilliseconds(env.USAGE_FLUSH_MS, 'USAGE_FLUSH_MS', DEFAULT_USAGE_FLUSH_MS),
    usageRetentionDays: parseDays(env.USAGE_RETENTION_DAYS, 'USAGE_RETENTION_DAYS', DEFAULT_USAGE_RETENTION_DAYS),
  };
  if (config.usageFlushMs > MAX_USAGE_FLUSH_MS) throw new ConfigError(`USAGE_FLUSH_MS must be at most ${MAX_USAGE_FLUSH_MS} (a day), not "${env.USAGE_FLUSH_MS}"`);
  const cert = env.TLS_CERT?.trim();
  const key = env.TLS_KEY?.trim();
  if (!!cert !== !!key) throw new ConfigError('set both TLS_CERT and TLS_KEY (PEM file paths), or neither');
  if (cert && key) config.tls = { cert: readPem(cert, 'TLS_CERT', readFile), key: readPem(key, 'TLS_KEY', readFile) };
  parseDatabaseUrl(config.databaseUrl); // fail now, not after the port is bound
  const redisUrl = env.REDIS_URL?.trim();
  if (redisUrl) config.redisUrl = parseRedisUrl(redisUrl);
  const redisPrefix = env.REDIS_PREFIX?.trim();
  if (redisPrefix) config.redisPrefix = redisPrefix;
  const secret = env.GUEST_SECRET;
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_SECRET_CHARS) {
      throw new ConfigError(`GUEST_SECRET must be at least ${MIN_SECRET_CHARS} characters (or unset, to use one kept in the database)`);
    }
    config.guestSecret = secret;
  }
  const metricsToken = env.METRICS_TOKEN?.trim();
  if (metricsToken) {
    if (metricsToken.length < MIN_SECRET_CHARS || /\s/.test(metricsToken)) {
      throw new ConfigError(`METRICS_TOKEN must be at least ${MIN_SECRET_CHARS} characters with no spaces (or unset, for totals only)`);
    }
    config.metricsToken = metricsToken;
  }
  const demoApiKey = env.DEMO_API_KEY?.trim();
  if (demoApiKey) {
    if (!config.tenants.unconfigured) {
      throw new ConfigError('DEMO_API_KEY is the demo tenant\'s key, and the demo tenant is served only when no tenants are configured: unset it, or give your tenant an apiKey (TENANT_API_KEY)');
    }
    if (demoApiKey.length < MIN_SECRET_CHARS || /\s/.test(demoApiKey)) {
      throw new ConfigError(`DEMO_API_KEY must be at least ${MIN_SECRET_CHARS} characters with no spaces (or unset, to use one kept in the database)`);
    }
    config.demoApiKey = demoApiKey;
  }
  const logKeep = eventCount(env, 'LOG_KEEP');
  if (logKeep !== undefined) config.logKeep = logKeep;
  const maxReplay = eventCount(env, 'REPLAY_MAX');
  if (maxReplay !== undefined) config.maxReplay = maxReplay;
  return config;
}

function readPem(path: string, name: string, readFile: (path: string) => string): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new ConfigError(`cannot read ${name} "${path}": ${(e as Error).message}`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`${name} "${path}" is not a PEM file`);
  return text;
}

function parseFlag(value: string | undefined, name: string): boolean {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  throw new ConfigError(`${name} must be 1 or 0, not "${value}"`);
}

function parseSynchronous(value: string | undefined): SqliteSynchronous {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'full') return 'full';
  if (v === 'normal') return 'normal';
  throw new ConfigError(`SQLITE_SYNCHRONOUS must be "full" (the default) or "normal", not "${value}"`);
}

function parseMilliseconds(value: string | undefined, name: string, fallback: number): number {
  const raw = value?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) {
    throw new ConfigError(`${name} must be a whole number of milliseconds of at least 1, not "${value}"`);
  }
  return Number(raw);
}

function parseDays(value: string | undefined, name: string, fallback: number): number {
  const raw = value?.trim();
  if (!raw) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${name} must be a whole number of days of at least 1, not "${value}"`);
  return Number(raw);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}"`);
  }
  return port;
}

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * `postgres://…` or `postgresql://…` is PostgreSQL; otherwise SQLite: a plain
 * path, `file:path`, `file:///abs/path`, `sqlite:path`, `sqlite:///abs/path` or `:memory:`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const value = url.trim();
  if (value === '') throw new ConfigError('DATABASE_URL is empty');
  if (/^postgres(ql)?:/i.test(value)) {
    if (!/^postgres(ql)?:\/\//i.test(value) || !URL.canParse(value)) {
      throw new ConfigError(`DATABASE_URL "${url}" is not a valid PostgreSQL URL: use postgres://user@host:5432/database`);
    }
    return { kind: 'postgres', url: value };
  }
  if (/^file:\/\//i.test(value)) {
    try {
      return { kind: 'sqlite', path: fileURLToPath(value) };
    } catch {
      throw new ConfigError(`DATABASE_URL "${url}" is not a valid file: URL`);
    }
  }
  const prefixed = /^(file|sqlite):(.*)$/i.exec(value);
  if (prefixed) {
    // sqlite:///abs -> /abs ; sqlite:rel -> rel
    const rest = prefixed[2]!.replace(/^\/\/(?=\/)/, '');
    if (rest === '' || rest.startsWith('//')) throw new ConfigError(`DATABASE_URL "${url}" names no file`);
    return { kind: 'sqlite', path: rest };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    throw new ConfigError(`DATABASE_URL scheme "${scheme[1]}:" is not supported: use a SQLite file path or postgres://…`);
  }
  return { kind: 'sqlite', path: value };
}

/** REDIS_URL must be a redis:// or rediss:// URL with a host; checked before the port is bound. */
export function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`REDIS_URL "${value}" is not a URL: use redis://host:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, not "${url.protocol}"`);
  }
  if (!url.hostname) throw new ConfigError(`REDIS_URL "${value}" names no host: use redis://host:6379`);
  return value;
}

/** A count of events from the environment: unset is undefined, anything but a whole number ≥ 1 is refused. */
function eventCount(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a whole number of events of at least 1, not "${env[name]}"`);
  }
  return Number(raw);
}
