/**
 * Configuration from the environment. Every mistake becomes a ConfigError
 * with a sentence an operator can act on; main prints it and exits 1.
 */
import { fileURLToPath } from 'node:url';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  guestSecret?: string;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATABASE_URL = './data/image-chat.sqlite';
const MIN_SECRET_CHARS = 16;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    port: parsePort(env.PORT),
    host: env.HOST?.trim() || DEFAULT_HOST,
    databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
  };
  parseDatabaseUrl(config.databaseUrl); // fail now, not after the port is bound
  const secret = env.GUEST_SECRET;
  if (secret !== undefined && secret !== '') {
    if (secret.length < MIN_SECRET_CHARS) {
      throw new ConfigError(`GUEST_SECRET must be at least ${MIN_SECRET_CHARS} characters (or unset, to use one kept in the database)`);
    }
    config.guestSecret = secret;
  }
  return config;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}"`);
  }
  return port;
}

export type DatabaseTarget = { kind: 'sqlite'; path: string };

/**
 * Accepts a plain path, `file:path`, `file:///abs/path`, `sqlite:path`,
 * `sqlite:///abs/path` or `:memory:`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const value = url.trim();
  if (value === '') throw new ConfigError('DATABASE_URL is empty');
  if (/^postgres(ql)?:/i.test(value)) {
    throw new ConfigError(
      'PostgreSQL support is not in this version yet: set DATABASE_URL to a SQLite file path such as ./data/image-chat.sqlite',
    );
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
    throw new ConfigError(`DATABASE_URL scheme "${scheme[1]}:" is not supported: use a SQLite file path`);
  }
  return { kind: 'sqlite', path: value };
}
