// The demo tenant's API key: kept in the store across restarts, DEMO_API_KEY overriding it, printed by the process at start.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { spawnServer } from '../../test/support/server-process.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-demo-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const recent = (port: number, key: string) => httpCall(port, '/api/v1/tenants/demo/chats', 'GET', { authorization: `Bearer ${key}` });

test('DEMO_API_KEY: read when long enough; refused when short, spaced, or when tenants are configured', () => {
  assert.equal(loadConfig({ DEMO_API_KEY: ' demo-key-of-my-own-1234 ' }).demoApiKey, 'demo-key-of-my-own-1234');
  assert.equal(loadConfig({}).demoApiKey, undefined);
  assert.equal(loadConfig({}).tenants.unconfigured, true);
  const cases: [Record<string, string>, RegExp][] = [
    [{ DEMO_API_KEY: 'short' }, /DEMO_API_KEY must be at least 16 characters/],
    [{ DEMO_API_KEY: 'a key with spaces in it' }, /DEMO_API_KEY must be at least 16 characters with no spaces/],
    [{ DEMO_API_KEY: 'demo-key-of-my-own-1234', TENANT_ID: 'acme', TENANT_ORIGINS: 'https://acme.example' }, /demo tenant is served only when no tenants are configured/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
  }
});

test('with no tenants configured the demo tenant has an API key kept in the store: the same after a restart', async () => {
  const databaseUrl = join(dir, 'kept.sqlite');
  const first = await startServer({ port: 0, databaseUrl });
  const key = first.demoApiKey;
  try {
    assert.ok(key && key.length >= 32, 'a long random key');
    assert.equal((await recent(first.port, key)).status, 200);
    assert.equal((await recent(first.port, 'not-the-demo-key-at-all')).status, 403);
  } finally {
    await first.close();
  }
  const again = await startServer({ port: 0, databaseUrl });
  try {
    assert.equal(again.demoApiKey, key, 'kept across the restart');
    assert.equal((await recent(again.port, key!)).status, 200);
  } finally {
    await again.close();
  }
  const overridden = await startServer({ port: 0, databaseUrl, demoApiKey: 'demo-key-of-my-own-1234' });
  try {
    assert.equal(overridden.demoApiKey, 'demo-key-of-my-own-1234');
    assert.equal((await recent(overridden.port, 'demo-key-of-my-own-1234')).status, 200);
    assert.equal((await recent(overridden.port, key!)).status, 403, 'the stored key is not used meanwhile');
  } finally {
    await overridden.close();
  }
  const configured = await startServer({ port: 0, databaseUrl, tenants: testTenants() });
  try {
    assert.equal(configured.demoApiKey, undefined, 'configured tenants keep their own keys');
    assert.equal((await recent(configured.port, key!)).status, 403);
  } finally {
    await configured.close();
  }
});

const DASHBOARD = /^dashboard: http:\/\/127\.0\.0\.1:(\d+)\/dashboard \(tenant demo, key (\S+)\)$/m;

/** Resolves with the dashboard line's port and key once printed (it follows the listening line). */
function dashboardLine(server: ServerProcess): Promise<{ port: number; key: string }> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = DASHBOARD.exec(server.output());
      if (!m) return false;
      server.child.stdout!.off('data', look);
      resolve({ port: Number(m[1]), key: m[2]! });
      return true;
    };
    if (look()) return;
    server.child.stdout!.on('data', look);
    void server.exited.then(() => reject(new Error(`exited without a dashboard line:\n${server.output()}`)));
  });
}

/**
 * SIGTERM once the process is past its start-up code (an answer to a request can only come after it),
 * so its signal handler is in place: it drains and exits 0.
 */
async function stopped(server: ServerProcess): Promise<void> {
  assert.equal((await httpCall(server.port, '/healthz')).status, 200);
  server.child.kill('SIGTERM');
  assert.equal((await server.exited).code, 0);
}

test('the process prints the dashboard URL with the demo key: the same after a restart, DEMO_API_KEY when set, none with tenants', async () => {
  const DATABASE_URL = join(dir, 'process.sqlite');
  const first = await spawnServer({ DATABASE_URL });
  const printed = await dashboardLine(first);
  assert.equal(printed.port, first.port);
  assert.equal((await recent(first.port, printed.key)).status, 200);
  await stopped(first);

  const again = await spawnServer({ DATABASE_URL });
  assert.equal((await dashboardLine(again)).key, printed.key);
  await stopped(again);

  const own = await spawnServer({ DATABASE_URL, DEMO_API_KEY: 'demo-key-of-my-own-1234' });
  assert.equal((await dashboardLine(own)).key, 'demo-key-of-my-own-1234');
  assert.equal((await recent(own.port, 'demo-key-of-my-own-1234')).status, 200);
  await stopped(own);

  const tenant = await spawnServer({ DATABASE_URL, TENANT_ID: 'acme', TENANT_ORIGINS: 'https://acme.example', TENANT_API_KEY: 'acme-api-key-0123456789' });
  await stopped(tenant);
  assert.doesNotMatch(tenant.output(), /dashboard:/, 'no demo tenant, no demo key');
});
