/**
 * `openStore(url)`: the store a DATABASE_URL names. `postgres://` and
 * `postgresql://` open PostgreSQL (migrating it if needed); anything else is a
 * SQLite file by the path rules of parseDatabaseUrl (src/server/config.ts).
 */
import { parseDatabaseUrl } from '../server/config.ts';
import type { Store, StoreOptions } from './store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import { PostgresStore } from './postgres/postgres-store.ts';

/** `synchronous` only concerns SQLite; PostgreSQL commits durably (its own `synchronous_commit`). */
export async function openStore(url: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(url);
  return target.kind === 'postgres' ? PostgresStore.open(target.url, storeOptions(options)) : new SqliteStore(target.path, options);
}

function storeOptions({ synchronous: _sqliteOnly, ...common }: SqliteStoreOptions): StoreOptions {
  return common;
}
