/**
 * Test helper (not a test): which scale-out services the environment names, read from the
 * environment only (no connection, no node:test), so the Playwright config can choose suites
 * with it as the node tests do.
 */

/** TEST_DATABASE_URL or DATABASE_URL, whichever is postgres:// first. */
export const postgresUrlFromEnv = (): string | undefined =>
  [process.env.TEST_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//i.test(u));

/**
 * The Redis the tests use (TEST_REDIS_URL, else REDIS_URL), or the reason Redis tests
 * cannot run. Under CI that reason is a failure, not a skip: CI must run them.
 */
export function testRedisUrl(): { url: string } | { missing: string } {
  const url = process.env.TEST_REDIS_URL?.trim() || process.env.REDIS_URL?.trim();
  if (url) return { url };
  return { missing: 'set REDIS_URL (or TEST_REDIS_URL) to run the Redis tests, e.g. redis://127.0.0.1:6379' };
}

/** Why the scale-out suites (PostgreSQL and Redis) cannot run here, or undefined when both are named. */
export function scaleServicesMissing(): string | undefined {
  if (!postgresUrlFromEnv()) return 'set DATABASE_URL=postgres://… to run the scale-out suites';
  const redis = testRedisUrl();
  return 'missing' in redis ? redis.missing : undefined;
}
