import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.ts';
import { DEFAULT_LIMITS, DEMO_TENANT, originAllowed } from '../core/tenants.ts';
import { loadTenants, parseTenantsJson } from './tenants-config.ts';
import type { Tenant } from '../core/tenants.ts';

const SECRET = 'x'.repeat(32);

test('a tenants file: every field, defaults filled in', () => {
  const [acme, blog] = parseTenantsJson(
    JSON.stringify({
      tenants: [
        { id: 'acme', origins: ['https://acme.example'], ssoSecret: SECRET, apiKey: 'k'.repeat(16), guests: 'read', limits: { maxChatsPerImage: 10, maxCommentsPerChat: 20, actionsPerMinute: 5, maxTokenLifetimeSeconds: 3600 } },
        { id: 'blog', origins: ['*'] },
      ],
    }),
  );
  assert.deepEqual(acme, {
    id: 'acme',
    origins: ['https://acme.example'],
    ssoSecret: SECRET,
    apiKey: 'k'.repeat(16),
    guests: 'read',
    limits: { ...DEFAULT_LIMITS, maxChatsPerImage: 10, maxCommentsPerChat: 20, actionsPerMinute: 5, maxTokenLifetimeSeconds: 3600 },
  });
  assert.equal(blog?.limits.maxTokenLifetimeSeconds, undefined, 'no cap unless set: the token’s exp decides');
  assert.deepEqual(blog, { id: 'blog', origins: ['*'], guests: 'post', limits: DEFAULT_LIMITS });
});

test('TENANTS_FILE and TENANT_* together; the demo tenant only when neither is set', () => {
  const files: Record<string, string> = { '/t.json': JSON.stringify([{ id: 'acme', origins: ['https://acme.example'] }]) };
  const read = (p: string) => files[p] ?? assert.fail(`unexpected read of ${p}`);
  const both = loadTenants(
    { TENANTS_FILE: '/t.json', TENANT_ID: 'solo', TENANT_ORIGINS: 'https://a.example, https://b.example', TENANT_GUESTS: 'off', TENANT_MAX_TOKEN_LIFETIME_SECONDS: '900' },
    read,
  );
  assert.equal(both.get('solo')?.limits.maxTokenLifetimeSeconds, 900);
  assert.deepEqual(both.ids, ['acme', 'solo']);
  assert.deepEqual(both.get('solo')?.origins, ['https://a.example', 'https://b.example']);
  assert.equal(both.get('solo')?.guests, 'off');
  assert.equal(both.get('demo'), undefined, 'no demo tenant once tenants are configured');
  assert.deepEqual(loadTenants({ CONFIG_FILE: '/t.json' }, read).ids, ['acme']);
  assert.deepEqual(loadTenants({}, read).ids, ['demo']);
});

test('presence and typing are on unless a tenant turns them off, in the file or with TENANT_PRESENCE', () => {
  const [on, off] = parseTenantsJson(JSON.stringify([{ id: 'on', origins: ['*'] }, { id: 'off', origins: ['*'], presence: false }]));
  assert.equal(on?.presence, undefined);
  assert.equal(off?.presence, false);
  assert.equal(parseTenantsJson(JSON.stringify([{ id: 'on', origins: ['*'], presence: true }]))[0]?.presence, undefined);
  assert.equal(loadTenants({ TENANT_ID: 'solo', TENANT_ORIGINS: '*', TENANT_PRESENCE: 'false' }).get('solo')?.presence, false);
  assert.throws(() => loadTenants({ TENANT_ID: 'solo', TENANT_ORIGINS: '*', TENANT_PRESENCE: 'nope' }), /"presence" must be true or false, not "nope"/);
  assert.throws(() => parseTenantsJson(JSON.stringify([{ id: 'x', origins: ['*'], presence: 1 }])), /"presence" must be true or false/);
});

test('mistakes in the tenants config are one clear sentence', () => {
  const t = (fields: Record<string, unknown>) => JSON.stringify({ tenants: [{ id: 'acme', origins: ['https://acme.example'], ...fields }] });
  const cases: [string, RegExp][] = [
    ['{nope', /not valid JSON/],
    ['{"tenants": 3}', /must hold \{"tenants"/],
    ['{"tenants": []}', /lists no tenants/],
    ['{"tenants": [], "extra": 1}', /unknown key "extra"/],
    [JSON.stringify({ tenants: [{ id: 'Bad_Id', origins: ['*'] }] }), /"id" must be lower-case/],
    [t({ origins: [] }), /"origins" must be a non-empty list/],
    [t({ origins: ['acme.example'] }), /origin "acme.example" must look like/],
    [t({ origins: ['https://acme.example/path'] }), /must look like/],
    [t({ ssoSecret: 'short' }), /"ssoSecret" must be a string of at least 32/],
    [t({ apiKey: 12345 }), /"apiKey" must be a string of at least 16/],
    [t({ guests: 'maybe' }), /"guests" must be "post", "read" or "off"/],
    [t({ limits: { maxChatsPerImage: 0 } }), /must be a whole number of at least 1/],
    [t({ limits: { maxChatsPerImage: 1.5 } }), /must be a whole number/],
    [t({ limits: { maxCommentsPerChat: 0 } }), /limit "maxCommentsPerChat" must be a whole number of at least 1/],
    [t({ limits: { maxTextChars: 5000 } }), /at most 2000/],
    [t({ limits: { speed: 3 } }), /unknown limit "speed"/],
    [t({ limits: { maxTokenLifetimeSeconds: 0 } }), /"maxTokenLifetimeSeconds" must be a whole number of at least 1/],
    [t({ colour: 'red' }), /unknown key "colour"/],
    [JSON.stringify({ tenants: [{ id: 'a', origins: ['*'] }, { id: 'a', origins: ['*'] }] }), /configured twice/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => loadTenants({ TENANTS_FILE: '/t.json' }, () => text), (e: unknown) => e instanceof ConfigError && message.test(e.message), text);
  }
});

test('origins: exact, any port, subdomains, anything; a request without Origin is not a browser page', () => {
  const tenant = (origins: string[]): Tenant => ({ ...DEMO_TENANT, origins });
  const cases: [string[], string | undefined, boolean][] = [
    [['https://a.example'], 'https://a.example', true],
    [['https://a.example'], 'HTTPS://A.EXAMPLE', true],
    [['https://a.example'], 'http://a.example', false],
    [['https://a.example'], 'https://a.example:8443', false],
    [['https://a.example'], 'https://a.example.evil.test', false],
    [['http://localhost:*'], 'http://localhost:5173', true],
    [['http://localhost:*'], 'http://localhost', true],
    [['http://localhost:*'], 'http://localhost.evil.test:80', false],
    [['http://localhost:*'], 'http://localhost:80/x', false],
    [['https://*.a.example'], 'https://www.a.example', true],
    [['https://*.a.example'], 'https://a.example', false],
    [['https://*.a.example'], 'https://evil-a.example', false],
    [['https://*.a.example'], 'http://www.a.example', false],
    [['*'], 'https://anything.test', true],
    [['https://a.example'], 'null', false],
    [['https://a.example'], undefined, true],
  ];
  for (const [origins, origin, allowed] of cases) assert.equal(originAllowed(tenant(origins), origin), allowed, `${origins} vs ${origin}`);
  for (const o of ['http://localhost:3000', 'http://127.0.0.1:8787', 'http://[::1]:80']) assert.ok(originAllowed(DEMO_TENANT, o), o);
  assert.equal(originAllowed(DEMO_TENANT, 'https://example.com'), false);
});

test('npm start with an invalid tenants file prints one line and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-tenants-'));
  try {
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: [{ id: 'acme', origins: ['nope'] }] }));
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, TENANTS_FILE: file, PORT: '0' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^image-chat: .*origin "nope" must look like/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
