import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, parseDatabaseUrl } from './config.ts';

test('defaults', () => {
  const { tenants, ...rest } = loadConfig({});
  assert.deepEqual(rest, { port: 8787, host: '0.0.0.0', databaseUrl: './data/image-chat.sqlite', trustProxy: false, sqliteSynchronous: 'full', shutdownTimeoutMs: 10_000, usageFlushMs: 5000, usageRetentionDays: 400 });
  assert.deepEqual(tenants.ids, ['demo'], 'with no tenants configured, the demo tenant');
});

test('environment values are read', () => {
  const { tenants: _t, ...config } = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite:/tmp/x.sqlite', GUEST_SECRET: 'a-long-enough-secret', TRUST_PROXY: '1', SQLITE_SYNCHRONOUS: 'NORMAL', SHUTDOWN_TIMEOUT_MS: '2500', USAGE_FLUSH_MS: '1000', USAGE_RETENTION_DAYS: '30' });
  assert.deepEqual(config, { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite:/tmp/x.sqlite', guestSecret: 'a-long-enough-secret', trustProxy: true, sqliteSynchronous: 'normal', shutdownTimeoutMs: 2500, usageFlushMs: 1000, usageRetentionDays: 30 });
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

test('database URLs: postgres:// and postgresql:// are PostgreSQL', () => {
  for (const url of ['postgres://user@db/ic', 'postgresql://user:pw@db:5433/ic?sslmode=require', 'POSTGRES://db/ic']) {
    assert.deepEqual(parseDatabaseUrl(url), { kind: 'postgres', url }, url);
  }
  assert.equal(loadConfig({ DATABASE_URL: ' postgres://db/ic ' }).databaseUrl, 'postgres://db/ic');
});

test('mistakes are ConfigErrors with a clear sentence', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number/],
    [{ PORT: '-1' }, /PORT must be a whole number/],
    [{ PORT: '80.5' }, /PORT must be a whole number/],
    [{ DATABASE_URL: 'postgres:db/ic' }, /not a valid PostgreSQL URL/],
    [{ DATABASE_URL: 'postgresql://db:notaport/ic' }, /not a valid PostgreSQL URL/],
    [{ DATABASE_URL: 'mysql://db/ic' }, /scheme "mysql:" is not supported/],
    [{ DATABASE_URL: 'sqlite:' }, /names no file/],
    [{ GUEST_SECRET: 'short' }, /GUEST_SECRET must be at least 16 characters/],
    [{ TLS_CERT: '/x.pem' }, /set both TLS_CERT and TLS_KEY/],
    [{ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' }, /cannot read TLS_CERT/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY must be 1 or 0/],
    [{ SQLITE_SYNCHRONOUS: 'off' }, /SQLITE_SYNCHRONOUS must be "full" \(the default\) or "normal"/],
    [{ SHUTDOWN_TIMEOUT_MS: '10s' }, /SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ SHUTDOWN_TIMEOUT_MS: '0' }, /SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ USAGE_FLUSH_MS: '5s' }, /USAGE_FLUSH_MS must be a whole number of milliseconds/],
    [{ USAGE_FLUSH_MS: '0' }, /USAGE_FLUSH_MS must be a whole number of milliseconds/],
    [{ USAGE_FLUSH_MS: '86400001' }, /USAGE_FLUSH_MS must be at most 86400000/],
    [{ USAGE_RETENTION_DAYS: '0' }, /USAGE_RETENTION_DAYS must be a whole number of days of at least 1/],
    [{ USAGE_RETENTION_DAYS: '1.5' }, /USAGE_RETENTION_DAYS must be a whole number of days/],
    [{ TENANTS_FILE: '/nonexistent/tenants.json' }, /cannot read the tenants file/],
    [{ TENANT_ORIGINS: 'https://a.example' }, /TENANT_ORIGINS is set but TENANT_ID is not/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
  }
});

test('METRICS_TOKEN: read when long enough, refused when short or spaced', () => {
  assert.equal(loadConfig({ METRICS_TOKEN: ' a-long-enough-metrics-token ' }).metricsToken, 'a-long-enough-metrics-token');
  assert.equal(loadConfig({ METRICS_TOKEN: '' }).metricsToken, undefined);
  for (const token of ['short', 'has a space in it somewhere']) {
    assert.throws(() => loadConfig({ METRICS_TOKEN: token }), (e: unknown) => e instanceof ConfigError && /METRICS_TOKEN must be at least 16 characters/.test(e.message));
  }
});
