/**
 * Test helper (not a test): the PostgreSQL database tests may use, and a
 * schema per test with a random name, dropped when the file's tests end (other
 * test runs and CI share the database).
 *
 * The database is TEST_DATABASE_URL or DATABASE_URL when it is postgres://.
 * Without one, `postgresTestUrl` registers one test that is skipped locally
 * and fails when CI is set, and returns undefined.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

import { postgresUrlFromEnv } from './services.ts';

export { postgresUrlFromEnv } from './services.ts';

export function postgresTestUrl(suite: string): string | undefined {
  const url = postgresUrlFromEnv();
  if (url) return url;
  const why = `set DATABASE_URL (or TEST_DATABASE_URL) to a postgres:// database to run ${suite}`;
  if (process.env.CI) test(suite, () => assert.fail(`CI must run ${suite}: ${why}`));
  else test(suite, { skip: why }, () => {});
  return undefined;
}

export interface TestSchemas {
  /** An admin connection pool to the database (closed when the file's tests end). */
  readonly admin: postgres.Sql;
  /** Creates an empty schema with a random name; it is dropped when the file's tests end. */
  fresh(): Promise<string>;
  /** `url` with `search_path` set to `schema`, for code that takes only a URL (openStore, npm start). */
  urlFor(schema: string): string;
}

export function testSchemas(url: string): TestSchemas {
  const admin = postgres(url, { max: 2, onnotice: () => {} });
  const made: string[] = [];
  after(async () => {
    for (const schema of made) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    await admin.end({ timeout: 5 });
  });
  return {
    admin,
    async fresh() {
      const schema = randomSchemaName();
      made.push(schema);
      await admin`CREATE SCHEMA ${admin(schema)}`;
      return schema;
    },
    urlFor: (schema) => searchPathUrl(url, schema),
  };
}

export const randomSchemaName = (): string => `image_chat_test_${randomBytes(8).toString('hex')}`;

/** `url` with `search_path` set to `schema`, for code that takes only a URL (openStore, npm start). */
export function searchPathUrl(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('search_path', schema);
  return u.href;
}
