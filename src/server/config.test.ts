import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseDatabaseUrl } from './config.ts';

test('defaults', () => {
  assert.deepEqual(loadConfig({}), { port: 8787, host: '0.0.0.0', databaseUrl: './data/image-chat.sqlite' });
});

test('environment values are read', () => {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite:/tmp/x.sqlite', GUEST_SECRET: 'a-long-enough-secret' });
  assert.deepEqual(config, { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite:/tmp/x.sqlite', guestSecret: 'a-long-enough-secret' });
});

test('database URLs: plain paths, file: and sqlite: forms, :memory:', () => {
  const cases: [string, string][] = [
    ['./data/x.sqlite', './data/x.sqlite'],
    ['/var/lib/ic.sqlite', '/var/lib/ic.sqlite'],
    ['file:./rel.sqlite', './rel.sqlite'],
    ['file:///abs/path.sqlite', '/abs/path.sqlite'],
    ['sqlite:rel.sqlite', 'rel.sqlite'],
    ['sqlite:///abs.sqlite', '/abs.sqlite'],
    [':memory:', ':memory:'],
  ];
  for (const [url, path] of cases) assert.deepEqual(parseDatabaseUrl(url), { kind: 'sqlite', path }, url);
});

test('mistakes are ConfigErrors with a clear sentence', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ PORT: '-1' }, /PORT must be a whole number/],
    [{ PORT: '80.5' }, /PORT must be a whole number/],
    [{ DATABASE_URL: 'postgres://user@db/ic' }, /PostgreSQL support is not in this version yet/],
    [{ DATABASE_URL: 'postgresql://db/ic' }, /PostgreSQL support is not in this version yet/],
    [{ DATABASE_URL: 'mysql://db/ic' }, /scheme "mysql:" is not supported/],
    [{ DATABASE_URL: 'sqlite:' }, /names no file/],
    [{ GUEST_SECRET: 'short' }, /GUEST_SECRET must be at least 16 characters/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
  }
});
