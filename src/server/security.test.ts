// The allowed paths of issue 5 over real sockets: SSO users and roles, the
// usage API, a client that stops reading, and https + wss with a real cert.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { WebSocket } from 'ws';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { mintToken } from '../../test/support/test-tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-security-'));
let server: RunningServer;
const clients: TestClient[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(dir, 'security.sqlite'),
    staticRoot: dir,
    maxBufferedBytes: 64 * 1024,
    tenants: testTenants(testTenant('private', { guests: 'off' }), testTenant('viewers', { guests: 'read' }), testTenant('usage'), testTenant('bulk', { limits: { actionBurst: 1000 } })),
  });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(tenant: string, hello?: Record<string, unknown>): Promise<TestClient> {
  const c = await TestClient.open(server.url, tenant);
  clients.push(c);
  if (hello) await c.hello(hello);
  return c;
}

describe('SSO', () => {
  test('a valid token is the user it names, with role and avatar; a moderator may delete a guest\'s conversation', async () => {
    const image = `sso-${randomUUID()}`;
    const guest = await client('acme', { name: 'Gina' });
    guest.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'spam' });
    const ack = await guest.take('ack');
    assert.ok(ack.type === 'ack' && ack.chat, 'created');

    const token = await mintToken('acme', { sub: 'mo-42', name: 'Mo', picture: 'https://cdn.example/mo.png', role: 'moderator' });
    const mod = await client('acme');
    const welcome = await mod.hello({ token, guest: 'ignored-when-a-token-is-sent' });
    assert.deepEqual(welcome.user, { id: 'u:mo-42', name: 'Mo', kind: 'user', role: 'moderator', avatar: 'https://cdn.example/mo.png' });
    assert.equal(welcome.guest, undefined, 'no guest token for a signed-in user');
    mod.send({ type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: ack.chat.id });
    assert.equal((await mod.take((m) => m.type === 'ack' || m.type === 'error')).type, 'ack');

    // A plain user (no role) may not; an unknown role claim is no role.
    const plain = await client('acme', { token: await mintToken('acme', { sub: 'pat', name: 'Pat', role: 'superuser' }) });
    guest.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'again' });
    const ack2 = await guest.take('ack');
    assert.ok(ack2.type === 'ack' && ack2.chat, 'created again');
    plain.send({ type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: ack2.chat.id });
    const refused = await plain.take('error');
    assert.ok(refused.type === 'error' && refused.code === 'forbidden', JSON.stringify(refused));
  });

  test('where guests are off, a guest is refused with a sentence and 4401; a signed-in user posts', async () => {
    const guest = await client('private');
    guest.send({ type: 'hello', name: 'Nope' });
    const error = await guest.take('error');
    assert.ok(error.type === 'error' && error.code === 'unauthorized' && /sign in/.test(error.message), JSON.stringify(error));
    assert.equal(error.type === 'error' && error.reason, 'sign-in-required');
    assert.equal((await guest.closed).code, 4401);
    const user = await client('private', { token: await mintToken('private', { sub: 'u1', name: 'U' }) });
    user.send({ type: 'create-image-chat', image: 'p.png', broadcastId: randomUUID(), x: 0, y: 0, text: 'members only' });
    assert.equal((await user.take((m) => m.type === 'ack' || m.type === 'error')).type, 'ack');
  });

  test('a read-only token is welcomed as read-only with a reason, and may subscribe', async () => {
    const c = await client('acme', { token: await mintToken('acme', { sub: 'viewer', readonly: true }) });
    c.send({ type: 'subscribe', image: 'ro.png' });
    assert.equal((await c.take('snapshot')).type, 'snapshot');
    const welcome = c.frames.map((f) => JSON.parse(f)).find((m) => m.type === 'welcome');
    assert.equal(welcome.user.readonly, true);
    assert.match(welcome.user.readonlyReason, /view/);
    assert.equal(welcome.user.readonlyWhy, 'readonly-token');
  });

  test('welcome says which read-only case it is (readonlyWhy) beside the English readonlyReason; a posting user has neither', async () => {
    const whyOf = async (tenant: string, hello: Record<string, unknown>) => {
      const { user } = await (await client(tenant)).hello(hello);
      return [user.readonly, user.readonlyWhy, typeof user.readonlyReason];
    };
    assert.deepEqual(await whyOf('viewers', { name: 'V' }), [true, 'readonly-guests', 'string']);
    assert.deepEqual(await whyOf('acme', { name: 'R', readonly: true }), [true, 'readonly-view', 'string']);
    assert.deepEqual(await whyOf('acme', { token: await mintToken('acme', { sub: 'rv' }), readonly: true }), [true, 'readonly-view', 'string']);
    assert.deepEqual(await whyOf('acme', { name: 'P' }), [undefined, undefined, 'undefined']);
  });
});

describe('usage API', () => {
  test('the tenant key reads its own counts, which grow with traffic and leave other tenants out', async () => {
    const usage = async () => {
      const res = await fetch(`${server.url}/api/v1/tenants/usage/usage`, { headers: { authorization: `Bearer ${apiKeyOf('usage')}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      return (await res.json()) as { tenant: string; totals: Record<string, number>; series: unknown[]; connections: number; conversations: number };
    };
    const zero = await usage();
    assert.equal(zero.tenant, 'usage');
    assert.deepEqual(zero.totals, { pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 });
    assert.equal(zero.series.length, 24, 'the last 24 hours, zeros filled');
    assert.equal(zero.connections, 0);
    assert.equal(zero.conversations, 0);
    const a = await client('usage', { name: 'A' });
    const b = await client('usage', { name: 'B' });
    b.send({ type: 'subscribe', image: 'u.png' });
    await b.take('snapshot');
    a.send({ type: 'create-image-chat', image: 'u.png', broadcastId: randomUUID(), x: 0, y: 0, text: 'counted' });
    await a.take('ack');
    await b.take('new-image-chat');
    // Traffic on another tenant is not counted here.
    const other = await client('globex', { name: 'G' });
    other.send({ type: 'create-image-chat', image: 'u.png', broadcastId: randomUUID(), x: 0, y: 0, text: 'elsewhere' });
    await other.take('ack');
    const now = await usage();
    assert.equal(now.connections, 2);
    assert.equal(now.conversations, 1);
    assert.equal(now.totals.conversationCreateCount, 1);
    assert.equal(now.totals.commentCount, 1);
    assert.equal(now.totals.peakConnections, 2);
    // welcome ×2, snapshot, ack, and the event to both subscribers-or-sender: at least 5 messages.
    assert.ok(now.totals.pubSubMessageCount! >= 5, `messages ${now.totals.pubSubMessageCount}`);
    assert.ok(now.totals.pubSubBandwidth! > 200, `bytes ${now.totals.pubSubBandwidth}`);
    const missing = await fetch(`${server.url}/api/v1/tenants/usage/usage`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /Bearer/);
  });
});

describe('backpressure', () => {
  test('a client that stops reading is closed (1013) once its send buffer passes the bound', async () => {
    const image = `flood-${randomUUID()}`;
    const writer = await client('bulk', { name: 'W' });
    // ~20 conversations of ~1900 characters: each snapshot is ~40 KB.
    for (let i = 0; i < 20; i++) {
      writer.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: i / 20, text: `${i} ${'w'.repeat(1900)}` });
      await writer.take('ack');
    }
    const reader = await client('bulk', { name: 'R' });
    const socket = (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // stop reading: the kernel buffers fill, then the server's
    const before = server.core.connectionCount;
    for (let round = 0; round < 40 && server.core.connectionCount === before; round++) {
      // Each a new subscription, so each is answered with the snapshot (a repeated subscribe alone only catches up).
      for (let k = 0; k < 20; k++) reader.send([{ type: 'unsubscribe', image }, { type: 'subscribe', image }]);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(server.core.connectionCount, before - 1, 'the server dropped the reader');
    socket.resume();
    assert.equal((await reader.closed).code, 1013);
  });
});

describe('TLS', () => {
  test('TLS_CERT/TLS_KEY: a real https request and wss round trip with a self-signed certificate', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const ca = readFileSync(cert);
    const tls = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', staticRoot: dir, tls: { cert: ca, key: readFileSync(key) } });
    try {
      assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${tls.url}/healthz`, { ca }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject).end();
      });
      assert.equal(health, '{"ok":true,"store":"ok","bus":"ok"}');
      const ws = new WebSocket(`${tls.url.replace('https', 'wss')}/ws?tenant=demo`, { ca });
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => {
          ws.send(JSON.stringify({ type: 'hello', name: 'Secure' }));
          ws.send(JSON.stringify({ type: 'create-image-chat', image: 'tls.png', broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'over TLS' }));
        });
        ws.on('message', (data) => {
          got.push(JSON.parse(String(data)).type ?? 'batch');
          if (got.includes('ack') || String(data).includes('"ack"')) resolve();
        });
      });
      ws.close();
      assert.ok(got.length >= 1, 'answers arrived over wss');
      assert.equal((await tls.core.store.snapshot('demo', 'tls.png')).chats[0]?.comments[0]?.text, 'over TLS');
      // Plain ws to a TLS port does not get through.
      const plain = new WebSocket(`${tls.url.replace('https', 'ws')}/ws?tenant=demo`);
      await new Promise<void>((resolve) => {
        plain.once('error', () => resolve());
        plain.once('open', () => resolve());
      });
      assert.notEqual(plain.readyState, WebSocket.OPEN, 'plain ws refused');
      plain.terminate();
    } finally {
      await tls.close();
    }
  });
});
