// HTTP routes against a real server with a temporary static root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';

const root = mkdtempSync(join(tmpdir(), 'image-chat-http-'));
mkdirSync(join(root, 'demo', 'img'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>demo</title>');
writeFileSync(join(root, 'demo', 'mockup.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
writeFileSync(join(root, 'demo', 'img', 'nested.svg'), '<svg/>');
writeFileSync(join(root, 'demo', '.env.png'), 'hidden');
writeFileSync(join(root, 'demo', 'notes.txt'), 'not served');
writeFileSync(join(root, 'secret.txt'), 'top secret');

const METRICS_TENANT = `m-${randomUUID().slice(0, 8)}`;
const METRICS_TOKEN = 'http-test-metrics-token-0123456789';
let server: RunningServer;
before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(root, 'data', 'http.sqlite'), staticRoot: root, metricsToken: METRICS_TOKEN, tenants: testTenants(testTenant(METRICS_TENANT), testTenant('shop', { origins: ['https://shop.example'] })) });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends the path exactly as given (fetch would normalise `..` away before sending). */
const get = (path: string, method = 'GET', headers: Record<string, string> = {}) => httpCall(server.port, path, method, headers);

test('GET / serves index.html', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^text\/html/);
  assert.equal(r.body, '<!doctype html><title>demo</title>');
});

test('/image-chat.js: 503 with a hint until built, then the module with CORS and no-cache', async () => {
  const missing = await get('/image-chat.js');
  assert.equal(missing.status, 503);
  assert.match(missing.body, /widget not built: run npm run build/);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', 'image-chat.js'), 'export {};');
  const built = await get('/image-chat.js');
  assert.equal(built.status, 200);
  assert.equal(built.body, 'export {};');
  assert.equal(built.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(built.headers['access-control-allow-origin'], '*');
  assert.equal(built.headers['cache-control'], 'no-cache');
  // With a query (a CMS's cache-busting `?ver=`): the plain URL's module, so the lazily loaded chunks share it.
  const versioned = await get('/image-chat.js?ver=6.5');
  assert.equal(versioned.status, 200);
  assert.equal(versioned.body, 'export * from "./image-chat.js";\n');
  assert.equal(versioned.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(versioned.headers['access-control-allow-origin'], '*');
});

test('/demo/ serves listed file types and refuses traversal, dotfiles and other types', async () => {
  const png = await get('/demo/mockup.png');
  assert.equal(png.status, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.equal((await get('/demo/img/nested.svg')).headers['content-type'], 'image/svg+xml');
  for (const path of [
    '/demo/../secret.txt',
    '/demo/%2e%2e/secret.txt',
    '/demo/..%2fsecret.txt',
    '/demo/..%5csecret.txt',
    '/demo/img/../../secret.txt',
    '/demo/.env.png',
    '/demo/notes.txt',
    '/demo/missing.png',
    '/demo/img',
  ]) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body, /secret|hidden/, path);
    assert.equal(JSON.parse(r.body).error.code, 'not-found', path);
  }
  assert.equal((await get('/demo/%E0%A4%A.png')).status, 400, 'malformed percent-encoding');
  assert.equal((await get('/%')).status, 400);
});

test('REST chats: the current conversations of an URL-encoded image, with CORS', async () => {
  const image = `https://example.com/a b/${randomUUID()}.png?v=1`;
  const c = await TestClient.open(server.url, 'acme');
  await c.hello({ name: 'Ann' });
  c.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.1, y: 0.9, text: 'over here' });
  await c.take('ack');
  await c.close();
  const r = await get(`/api/v1/tenants/acme/images/${encodeURIComponent(image)}/chats`, 'GET', { origin: 'https://any.example' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['access-control-allow-origin'], 'https://any.example', 'an allowed origin is echoed');
  assert.equal(r.headers.vary, 'Origin');
  const body = JSON.parse(r.body);
  assert.equal(body.image, image);
  assert.equal(body.seq, 1);
  assert.equal(typeof body.epoch, 'string');
  assert.deepEqual(body.chats.map((chat: { comments: { text: string }[] }) => chat.comments[0]!.text), ['over here']);
  const other = JSON.parse((await get(`/api/v1/tenants/globex/images/${encodeURIComponent(image)}/chats`)).body);
  assert.deepEqual([other.seq, other.chats], [0, []], 'another tenant sees nothing');
  assert.equal((await get('/api/v1/tenants/Not_Valid/images/x/chats')).status, 400);
  assert.equal((await get('/api/v1/tenants/nobody/images/x/chats')).status, 404);
  // A tenant that allows only its own site: another page's origin gets 403 and no CORS header.
  const shop = `/api/v1/tenants/shop/images/x/chats`;
  const evil = await get(shop, 'GET', { origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  assert.equal(JSON.parse(evil.body).error.code, 'forbidden');
  const own = await get(shop, 'GET', { origin: 'https://shop.example' });
  assert.equal(own.status, 200);
  assert.equal(own.headers['access-control-allow-origin'], 'https://shop.example');
});

test('/healthz, HEAD, 405 and 404', async () => {
  const health = await get('/healthz');
  assert.equal(health.status, 200);
  assert.deepEqual(JSON.parse(health.body), { ok: true, store: 'ok', bus: 'ok' });
  const head = await get('/healthz', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], String(Buffer.byteLength('{"ok":true,"store":"ok","bus":"ok"}')));
  const post = await get('/healthz', 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  assert.equal(JSON.parse(post.body).error.code, 'method-not-allowed');
  const missing = await get('/nope?x=1');
  assert.equal(missing.status, 404);
  assert.match(String(missing.headers['content-type']), /^application\/json/);
  const err = JSON.parse(missing.body).error;
  assert.equal(err.code, 'not-found');
  assert.equal(typeof err.message, 'string');
});

test('/metrics counts an open connection and stored events per tenant', async () => {
  const tenant = METRICS_TENANT;
  const metrics = () => get('/metrics', 'GET', { authorization: `Bearer ${METRICS_TOKEN}` });
  const line = (text: string, name: string) => new RegExp(`^${name}\\{tenant="${tenant}"\\} (\\d+)$`, 'm').exec(text)?.[1];
  const c = await TestClient.open(server.url, tenant);
  await c.hello({ name: 'M' });
  c.send({ type: 'create-image-chat', image: 'm.png', broadcastId: randomUUID(), x: 0, y: 0, text: 'count me' });
  await c.take('ack');
  const r = await metrics();
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(r.body, /^# TYPE image_chat_connections gauge$/m);
  assert.equal(line(r.body, 'image_chat_connections'), '1');
  assert.equal(line(r.body, 'image_chat_events_total'), '1');
  assert.ok(Number(line(r.body, 'image_chat_messages_sent_total')) >= 2, 'welcome and ack were counted');
  assert.ok(Number(line(r.body, 'image_chat_bytes_sent_total')) > 50, 'bytes were counted');
  await c.close();
  // The server sees the close a moment after the client does.
  for (let i = 0; i < 100 && line((await metrics()).body, 'image_chat_connections') !== '0'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(line((await metrics()).body, 'image_chat_connections'), '0');
});
