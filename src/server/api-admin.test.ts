// The site owner's routes against a real server: recent conversations, moderation live to open sockets, the
// Web Annotations export; on a SQLite file and on PostgreSQL, and moderation across two nodes on PostgreSQL + Redis.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AckMessage, Chat, ServerMessage } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { postgresTestUrl, testSchemas } from '../../test/support/postgres.ts';
import { RedisScope, requireRedisUrl } from '../../test/support/redis.ts';
import { webAnnotationProblems } from '../../test/support/web-annotation.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-admin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tenants = () =>
  testTenants(testTenant('recent'), testTenant('closed', { guests: 'off' }), testTenant('shop', { origins: ['https://shop.example'] }));
const bearer = (tenant: string) => ({ authorization: `Bearer ${apiKeyOf(tenant)}` });
const base = (tenant: string) => `/api/v1/tenants/${tenant}`;
const chatPath = (tenant: string, image: string, chatId: string) => `${base(tenant)}/images/${encodeURIComponent(image)}/chats/${chatId}`;

/** Resolves once the clock has passed `ms`: the next action is stored later, so an order never hangs on a shared millisecond. */
async function past(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve));
}

/** A guest socket that posts and answers with what the server acked. */
async function poster(server: RunningServer, tenant: string, name = 'Ann') {
  const c = await TestClient.open(server.url, tenant);
  await c.hello({ name });
  const act = async (message: Record<string, unknown>) => {
    const broadcastId = randomUUID();
    c.send({ ...message, broadcastId });
    const answer = await c.take((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === broadcastId);
    assert.equal(answer.type, 'ack', JSON.stringify(answer));
    return answer as AckMessage;
  };
  return {
    client: c,
    create: async (image: string, text: string, page?: unknown) =>
      (await act({ type: 'create-image-chat', image, x: 0.25, y: 0.5, text, ...(page === undefined ? {} : { page }) })).chat!,
    reply: async (image: string, chatId: string, text: string) => {
      const ack = await act({ type: 'update-image-chat', image, chatId, change: { kind: 'add-comment', text } });
      assert.ok(ack.change?.kind === 'add-comment');
      return ack.change.comment;
    },
  };
}

async function watch(server: RunningServer, tenant: string, image: string): Promise<TestClient> {
  const w = await TestClient.open(server.url, tenant);
  await w.hello({ name: 'Watcher' });
  w.send({ type: 'subscribe', image });
  await w.take('snapshot');
  return w;
}

const json = (body: string) => JSON.parse(body) as Record<string, any>;

function adminSuite(name: string, databaseUrl: () => Promise<string>): void {
  describe(`admin API on ${name}`, () => {
    let server: RunningServer;
    const call = (path: string, method = 'GET', headers: Record<string, string> = {}) => httpCall(server.port, path, method, headers);
    before(async () => {
      server = await startServer({ port: 0, databaseUrl: await databaseUrl(), tenants: tenants() });
    });
    after(() => server.close());

    test('DELETE a comment, then the conversation: {seq}, seen live by a subscribed socket, acted by the named admin', async () => {
      const image = `https://example.com/a b/${randomUUID()}.png`; // its `/`s travel as %2F in one path segment
      const ann = await poster(server, 'acme');
      const chat = await ann.create(image, 'look here');
      const reply = await ann.reply(image, chat.id, 'spam');
      const watcher = await watch(server, 'acme', image);
      const removed = await call(`${chatPath('acme', image, chat.id)}/comments/${reply.id}`, 'DELETE', bearer('acme'));
      assert.equal(removed.status, 200, removed.body);
      assert.deepEqual(json(removed.body), { seq: 3 });
      assert.equal(removed.headers['cache-control'], 'no-store');
      const updated = await watcher.take('image-chat-updated');
      assert.deepEqual(updated, { type: 'image-chat-updated', image, seq: 3, broadcastId: (updated as { broadcastId: string }).broadcastId, chatId: chat.id, change: { kind: 'delete-comment', commentId: reply.id } });
      const gone = await call(chatPath('acme', image, chat.id), 'DELETE', bearer('acme'));
      assert.deepEqual([gone.status, json(gone.body)], [200, { seq: 4 }]);
      const deleted = await watcher.take('deleted-image-chat');
      assert.equal((deleted as { chatId: string; seq: number }).chatId, chat.id);
      assert.equal((deleted as { seq: number }).seq, 4);
      const chats = json((await call(`${base('acme')}/images/${encodeURIComponent(image)}/chats`)).body);
      assert.deepEqual([chats.seq, chats.chats], [4, []]);
      await watcher.close();
      await ann.client.close();
    });

    test('moderation refusals: 401/403 for the key, 404 unknown, 400 malformed or the opening comment, 405 other methods; nothing stored', async () => {
      const image = `mod-${randomUUID()}`;
      const ann = await poster(server, 'acme');
      const chat = await ann.create(image, 'keep me');
      const opening = chat.comments[0]!.id;
      const expect = async (path: string, method: string, headers: Record<string, string>, status: number, code: string, message?: RegExp) => {
        const r = await call(path, method, headers);
        assert.equal(r.status, status, `${method} ${path}: ${r.body}`);
        const { error } = json(r.body);
        assert.equal(error.code, code);
        assert.equal(typeof error.message, 'string');
        if (message) assert.match(error.message, message);
        return r;
      };
      const at = chatPath('acme', image, chat.id);
      const missing = await expect(at, 'DELETE', {}, 401, 'unauthorized', /Authorization: Bearer/);
      assert.equal(missing.headers['www-authenticate'], 'Bearer');
      await expect(at, 'DELETE', { authorization: 'Bearer not-the-key' }, 403, 'forbidden');
      await expect(at, 'DELETE', bearer('globex'), 403, 'forbidden', /not tenant "acme"'s API key/);
      await expect(chatPath('acme', image, 'no-such-chat'), 'DELETE', bearer('acme'), 404, 'not-found', /no such conversation/);
      await expect(chatPath('acme', `${image}-elsewhere`, chat.id), 'DELETE', bearer('acme'), 404, 'not-found');
      await expect(`${at}/comments/no-such-comment`, 'DELETE', bearer('acme'), 404, 'not-found', /no such comment/);
      await expect(chatPath('acme', image, 'bad%20id'), 'DELETE', bearer('acme'), 400, 'invalid', /chatId is not a valid id/);
      await expect(`${at}/comments/${opening}`, 'DELETE', bearer('acme'), 400, 'invalid', /the first comment opens the conversation: delete the conversation instead/);
      await expect(chatPath('nobody', image, chat.id), 'DELETE', bearer('acme'), 404, 'not-found', /no tenant "nobody"/);
      assert.equal((await expect(at, 'GET', bearer('acme'), 405, 'method-not-allowed')).headers.allow, 'DELETE');
      assert.equal((await expect(`${at}/comments/${opening}`, 'POST', bearer('acme'), 405, 'method-not-allowed')).headers.allow, 'DELETE');
      assert.equal((await expect(`${base('acme')}/chats`, 'DELETE', bearer('acme'), 405, 'method-not-allowed')).headers.allow, 'GET, HEAD');
      assert.equal((await expect(`${base('acme')}/images/${image}/chats`, 'DELETE', bearer('acme'), 405, 'method-not-allowed')).headers.allow, 'GET, HEAD');
      const chats = json((await call(`${base('acme')}/images/${image}/chats`)).body);
      assert.equal(chats.seq, 1, 'nothing was stored');
      assert.deepEqual(chats.chats, [chat]);
      await ann.client.close();
    });

    test("CORS: the preflight allows DELETE on moderation routes for the tenant's origins only", async () => {
      const at = chatPath('shop', 'img', 'c1');
      const ask = (path: string, origin: string) => call(path, 'OPTIONS', { origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' });
      const ok = await ask(at, 'https://shop.example');
      assert.equal(ok.status, 204);
      assert.equal(ok.headers['access-control-allow-origin'], 'https://shop.example');
      assert.equal(ok.headers['access-control-allow-methods'], 'DELETE, OPTIONS');
      assert.match(String(ok.headers['access-control-allow-headers']), /Authorization/);
      assert.equal((await ask(`${at}/comments/k1`, 'https://shop.example')).headers['access-control-allow-methods'], 'DELETE, OPTIONS');
      assert.equal((await ask(`${base('shop')}/chats`, 'https://shop.example')).headers['access-control-allow-methods'], 'GET, OPTIONS');
      const evil = await ask(at, 'https://evil.example');
      assert.equal(evil.status, 403);
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      const deleted = await call(at, 'DELETE', { ...bearer('shop'), origin: 'https://shop.example' });
      assert.equal(deleted.status, 404, 'no such conversation, but the page may read why');
      assert.equal(deleted.headers['access-control-allow-origin'], 'https://shop.example');
    });

    test('recent: newest activity first over all images, with image, page and last activity; pages kept without hash, junk dropped', async () => {
      const ann = await poster(server, 'recent');
      const a = await ann.create('img-1', 'first', 'https://shop.example/p/1?x=1#comments');
      assert.equal('page' in a, false, 'the ack carries no page');
      await past(a.createdAt);
      const b = await ann.create('img-2', 'second', 'javascript:alert(1)');
      await past(b.createdAt);
      const c = await ann.create('img/3', 'third');
      await past(c.createdAt);
      const reply = await ann.reply('img-1', a.id, 'bump');
      const get = (query = '') => call(`${base('recent')}/chats${query}`, 'GET', bearer('recent'));
      const all = await get('?sort=recent');
      assert.equal(all.status, 200, all.body);
      assert.match(String(all.headers['content-type']), /^application\/json/);
      const body = json(all.body);
      assert.equal(body.tenant, 'recent');
      assert.deepEqual(body.chats.map((r: { image: string; page: string | null }) => [r.image, r.page]), [
        ['img-1', 'https://shop.example/p/1?x=1'],
        ['img/3', null],
        ['img-2', null],
      ]);
      const stored = json((await call(`${base('recent')}/images/img-1/chats`)).body).chats as Chat[];
      assert.deepEqual(body.chats[0], { image: 'img-1', page: 'https://shop.example/p/1?x=1', lastActivity: reply.createdAt, chat: stored[0] });
      assert.deepEqual(body.chats[2], { image: 'img-2', page: null, lastActivity: b.createdAt, chat: b });
      assert.deepEqual(json((await get('?limit=2')).body).chats.map((r: { chat: Chat }) => r.chat.id), [a.id, c.id]);
      assert.deepEqual(json((await get('?limit=100')).body).chats.length, 3);
      for (const bad of ['?limit=0', '?limit=101', '?limit=-1', '?limit=1.5', '?limit=abc', '?limit=', '?sort=activity']) {
        const r = await get(bad);
        assert.equal(r.status, 400, bad);
        assert.equal(json(r.body).error.code, 'invalid', bad);
        assert.match(json(r.body).error.message, bad.startsWith('?sort') ? /sort must be "recent"/ : /limit must be a whole number from 1 to 100/, bad);
      }
      assert.equal((await call(`${base('recent')}/chats`)).status, 401);
      assert.equal((await call(`${base('recent')}/chats`, 'GET', bearer('acme'))).status, 403);
      assert.equal((await call(`${base('nobody')}/chats`, 'GET', bearer('recent'))).status, 404);
      await ann.client.close();
    });

    test('the page never reaches other clients: not in the broadcast, the snapshot or a replay', async () => {
      const image = `page-${randomUUID()}`;
      const watcher = await watch(server, 'acme', image);
      const ann = await poster(server, 'acme');
      await ann.create(image, 'from a page', 'https://shop.example/secret-draft');
      const created = await watcher.take('new-image-chat');
      const late = await TestClient.open(server.url, 'acme');
      await late.hello({});
      late.send({ type: 'subscribe', image });
      const snapshot = await late.take('snapshot');
      late.send({ type: 'unsubscribe', image });
      late.send({ type: 'subscribe', image, since: { epoch: (snapshot as { epoch: string }).epoch, seq: 0 } });
      const replay = await late.take('replay');
      for (const m of [created, snapshot, replay] as ServerMessage[]) assert.doesNotMatch(JSON.stringify(m), /secret-draft|"page"/);
      for (const frame of [...watcher.frames, ...late.frames]) assert.doesNotMatch(frame, /secret-draft/);
      await Promise.all([watcher.close(), late.close(), ann.client.close()]);
    });

    test('annotations: a W3C AnnotationCollection, valid in shape, read as /chats is', async () => {
      const image = `https://shop.example/mockups/${randomUUID()}.png`;
      const ann = await poster(server, 'acme');
      const one = await ann.create(image, 'The "Buy" button is <tiny>');
      await ann.reply(image, one.id, 'Agreed 👍');
      const two = await ann.create(image, 'And the price');
      const path = `${base('acme')}/images/${encodeURIComponent(image)}/annotations`;
      const r = await call(path, 'GET', { host: 'chat.example.com:8443' });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers['content-type'], 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"');
      const doc = json(r.body);
      assert.deepEqual(webAnnotationProblems(doc), []);
      assert.equal(doc.id, `http://chat.example.com:8443${path}`);
      assert.equal(doc.total, 2);
      const items = doc.first.items as Record<string, any>[];
      assert.deepEqual(items.map((a) => a.id), [`urn:uuid:${one.id}`, `urn:uuid:${two.id}`]);
      assert.deepEqual(items.map((a) => a.body.map((b: { value: string }) => b.value)), [['The "Buy" button is <tiny>', 'Agreed 👍'], ['And the price']]);
      assert.deepEqual(items.map((a) => a.target.source), [image, image]);
      assert.equal(items[0]!.target.selector.value, 'xywh=percent:25,50,0,0');
      const head = await call(path, 'HEAD');
      assert.deepEqual([head.status, head.body, head.headers['content-type']], [200, '', r.headers['content-type']]);

      const other = json((await call(`${base('acme')}/images/${encodeURIComponent('not/a url')}/annotations`)).body);
      assert.deepEqual(webAnnotationProblems(other), []);
      assert.deepEqual([other.total, other.first.items], [0, []]);
      assert.equal((await call(`${base('acme')}/images/a%01b/annotations`)).status, 400);
      assert.equal((await call(`${base('nobody')}/images/x/annotations`)).status, 404);
      const closed = `${base('closed')}/images/x/annotations`;
      assert.equal((await call(closed)).status, 401, 'a tenant whose guests may not read');
      const keyed = await call(closed, 'GET', bearer('closed'));
      assert.equal(keyed.status, 200);
      assert.deepEqual(webAnnotationProblems(json(keyed.body)), []);
      await ann.client.close();
    });
  });
}

adminSuite('a SQLite file', async () => join(dir, 'admin.sqlite'));

const pgUrl = postgresTestUrl('the admin API on PostgreSQL');
if (pgUrl) {
  const schemas = testSchemas(pgUrl);
  adminSuite('PostgreSQL', async () => schemas.urlFor(await schemas.fresh()));

  const redisUrl = requireRedisUrl();
  test('moderation on one node reaches a socket on another (PostgreSQL + Redis)', { skip: redisUrl ? false : 'no REDIS_URL' }, async () => {
    const scope = new RedisScope(redisUrl!);
    const databaseUrl = schemas.urlFor(await schemas.fresh());
    const options = { port: 0, databaseUrl, redisUrl: redisUrl!, redisPrefix: scope.prefix, tenants: tenants() };
    const [a, b] = [await startServer(options), await startServer(options)];
    try {
      const image = `two-nodes-${randomUUID()}`;
      const ann = await poster(a, 'acme');
      const chat = await ann.create(image, 'on node a');
      const watcher = await watch(b, 'acme', image);
      const r = await httpCall(a.port, chatPath('acme', image, chat.id), 'DELETE', bearer('acme'));
      assert.deepEqual([r.status, json(r.body)], [200, { seq: 2 }]);
      const deleted = await watcher.take('deleted-image-chat');
      assert.deepEqual([(deleted as { seq: number }).seq, (deleted as { chatId: string }).chatId], [2, chat.id]);
      await Promise.all([watcher.close(), ann.client.close()]);
    } finally {
      await a.close();
      await b.close();
      await scope.cleanup();
    }
  });
}
