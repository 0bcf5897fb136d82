// A table of hostile inputs against a real server: each gets its typed answer,
// the server stays up, and the database file is byte for byte what it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import type { Chat, ServerMessage } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { mintToken, unsignedToken } from '../../test/support/test-tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-hostile-'));
const file = join(dir, 'hostile.sqlite');
let server: RunningServer;
const open: TestClient[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: file,
    staticRoot: dir,
    tenants: testTenants(
      testTenant('viewers', { guests: 'read' }),
      testTenant('private', { guests: 'off' }),
      testTenant('shop', { origins: ['https://shop.example'] }),
      testTenant('tight', { limits: { maxChatsPerImage: 2, actionBurst: 3, actionsPerMinute: 1, connectionsPerIp: 2, maxTextChars: 10 } }),
    ),
  });
});
after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Folds the WAL into the main file and reads it: equal bytes mean nothing was written. */
export function databaseBytes(path: string): Buffer {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return readFileSync(path);
}

async function client(tenant: string, hello?: Record<string, unknown>): Promise<TestClient> {
  const c = await TestClient.open(server.url, tenant);
  open.push(c);
  if (hello) await c.hello(hello);
  return c;
}

/** The HTTP status an upgrade is refused with and the body's `reason` (`404/unknown-tenant`), or 0 if it opened. */
function upgradeStatus(query: string, headers: Record<string, string> = {}): Promise<string | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws${query}`, { headers });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => {
        resolve(`${res.statusCode ?? -1}/${(JSON.parse(body) as { error: { reason?: string } }).error.reason}`);
        ws.terminate();
      });
    });
    ws.once('open', () => {
      resolve(0);
      ws.terminate();
    });
    ws.once('error', () => {});
  });
}

function httpGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An error frame as the table writes it: `code/reason`, then its facts (`limit=2`; `retryAfter` when it is > 0). */
function said(m: ServerMessage): string {
  if (m.type !== 'error') return `${m.type} (not refused!)`;
  const limit = m.limit === undefined ? '' : ` limit=${m.limit}`;
  const retry = m.retryAfter === undefined ? '' : m.retryAfter > 0 ? ' retryAfter' : ` retryAfter=${m.retryAfter}`;
  return `${m.code}/${m.reason}${limit}${retry}`;
}

/** An HTTP refusal as `status/reason` (the body's `{error: {reason}}`). */
async function httpRefusal(path: string, headers: Record<string, string> = {}): Promise<string> {
  const { status, body } = await httpGet(path, headers);
  return `${status}/${(JSON.parse(body) as { error: { reason?: string } }).error.reason}`;
}

/** Sends one raw frame and returns the error it gets back, as `said` writes it. */
async function errorFor(c: TestClient, frame: unknown): Promise<string> {
  c.send(frame);
  return said(await c.take((x) => x.type === 'error' || x.type === 'ack'));
}

/** A fresh connection says hello with `fields`: the error (`said`), then the close code. */
async function helloRefusal(tenant: string, fields: Record<string, unknown>): Promise<string> {
  const c = await client(tenant);
  c.send({ type: 'hello', ...fields });
  const m = await c.take((x) => x.type === 'error' || x.type === 'welcome');
  const { code } = await c.closed;
  return `${said(m)}+${code}`;
}

/** A fresh connection with `hello` tries `action`: the error code it gets. */
async function actAs(tenant: string, hello: Record<string, unknown>, action: Record<string, unknown>): Promise<string> {
  const c = await client(tenant, hello);
  const code = await errorFor(c, { broadcastId: randomUUID(), ...action });
  await c.close();
  return code;
}

test('hostile inputs: each gets a typed refusal, nothing is written, the server stays up', async () => {
  const image = 'hostile.png';
  // Seed: Alice's conversation (Bob replied) on acme, and a globex one on the same image id.
  const alice = await client('acme');
  const aliceHello = await alice.hello({ name: 'Alice' });
  alice.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'Alice was here' });
  const ack = await alice.take('ack');
  assert.ok(ack.type === 'ack' && ack.chat, 'seeded');
  const chat: Chat = ack.chat;
  const bob = await client('acme', { name: 'Bob' });
  bob.send({ type: 'update-image-chat', image, broadcastId: randomUUID(), chatId: chat.id, change: { kind: 'add-comment', text: 'Bob replies' } });
  await bob.take('ack');
  const globex = await client('globex', { name: 'Gus' });
  globex.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.1, y: 0.1, text: 'globex only' });
  const gAck = await globex.take('ack');
  assert.ok(gAck.type === 'ack' && gAck.chat, 'seeded globex');
  const globexChatId = gAck.chat.id;
  // Fill the tight tenant's image to its limit of 2 conversations; this connection and the next are its 2 per IP.
  const filler = await client('tight', { name: 'Fill' });
  for (let i = 0; i < 2; i++) {
    filler.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.2, y: 0.2, text: `f${i}` });
    await filler.take('ack');
  }
  const spammer = await client('tight', { name: 'Spam' });

  const bytesBefore = databaseBytes(file);
  const snapshotsBefore = [await server.core.store.snapshot('acme', image), await server.core.store.snapshot('globex', image)];

  const create = (fields: Record<string, unknown> = {}) => ({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'ok', ...fields });
  const update = (change: unknown, chatId = chat.id) => ({ type: 'update-image-chat', image, broadcastId: randomUUID(), chatId, change });
  const firstComment = chat.comments[0]!.id;
  const expired = Math.floor(Date.now() / 1000) - 3600;

  type Case = [cls: string, name: string, expected: string | number, run: () => Promise<string | number>];
  const frame = (name: string, f: unknown, expected = 'invalid/invalid-message'): Case => ['malformed frame', name, expected, () => errorFor(bob, f)];
  const cases: Case[] = [
    frame('not JSON', '{"type": "ping"'),
    frame('JSON null', 'null'),
    frame('a bare number', '42'),
    frame('a JSON string', '"hello"'),
    frame('an empty batch', '[]'),
    frame('a batch of 51', JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'ping' })))),
    frame('nested arrays', '[[{"type":"ping"}]]'),
    frame('unknown type', { type: 'drop-tables' }),
    frame('type is a number', { type: 7 }),
    frame('field missing', { type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5 }),
    frame('extra field', create({ author: 'someone-else' })),
    ['wrong type', 'x as a string', 'invalid/invalid-message', () => errorFor(bob, create({ x: '0.5' }))],
    ['wrong type', 'x null', 'invalid/invalid-message', () => errorFor(bob, create({ x: null }))],
    ['wrong type', 'x NaN (a bare NaN is not JSON)', 'invalid/invalid-message', () => errorFor(bob, JSON.stringify(create()).replace('"x":0.5', '"x":NaN'))],
    ['wrong type', 'x Infinity (1e999)', 'invalid/invalid-message', () => errorFor(bob, JSON.stringify(create()).replace('"x":0.5', '"x":1e999'))],
    ['wrong type', 'text a number', 'invalid/invalid-message', () => errorFor(bob, create({ text: 42 }))],
    ['wrong type', 'text an object', 'invalid/invalid-message', () => errorFor(bob, create({ text: { toString: 'x' } }))],
    ['wrong type', 'resolved "yes"', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'resolve', resolved: 'yes' }))],
    ['out of range', 'x = -0.0001', 'invalid/invalid-message', () => errorFor(bob, create({ x: -0.0001 }))],
    ['out of range', 'y = 1.0001', 'invalid/invalid-message', () => errorFor(bob, create({ y: 1.0001 }))],
    ['out of range', 'move to x = 2', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'move', x: 2, y: 0 }))],
    ['out of range', 'since.seq = -1', 'invalid/invalid-message', () => errorFor(bob, { type: 'subscribe', image, since: { epoch: 'e', seq: -1 } })],
    ['out of range', 'since.seq = 1.5', 'invalid/invalid-message', () => errorFor(bob, { type: 'subscribe', image, since: { epoch: 'e', seq: 1.5 } })],
    ['out of range', 'since.seq = 2^60', 'invalid/invalid-message', () => errorFor(bob, { type: 'subscribe', image, since: { epoch: 'e', seq: 2 ** 60 } })],
    ['huge string', '2001-character text', 'invalid/text-too-long limit=2000', () => errorFor(bob, create({ text: 'a'.repeat(2001) }))],
    ['huge string', '2001 emoji (8 KB)', 'invalid/text-too-long limit=2000', () => errorFor(bob, create({ text: '😀'.repeat(2001) }))],
    ['huge string', '513-character image id', 'invalid/invalid-message', () => errorFor(bob, create({ image: 'i'.repeat(513) }))],
    ['huge string', '81-character name', 'invalid/invalid-message', () => errorFor(bob, { type: 'hello', name: 'n'.repeat(81) })],
    ['huge string', 'whitespace-only text', 'invalid/invalid-message', () => errorFor(bob, create({ text: '\u00a0 \n\t' }))],
    ['huge string', 'image id with a NUL', 'invalid/invalid-message', () => errorFor(bob, create({ image: 'a\u0000b' }))],
    ['control chars', 'a text of escape sequences', 'invalid/invalid-message', () => errorFor(bob, create({ text: '\u001b[2J'.repeat(100) }))],
    ['control chars', 'a reply with a NUL', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'add-comment', text: 'a\u0000b' }))],
    ['control chars', 'a reply with a lone surrogate', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'add-comment', text: '\ud800'.repeat(50) }))],
    ['control chars', 'a guest name with a bell', 'invalid/invalid-message', () => helloRefusalNoClose('acme', JSON.stringify({ type: 'hello', name: 'Ada\u0007' }))],
    ['prototype keys', '__proto__ on the message', 'invalid/invalid-message', () => errorFor(bob, JSON.stringify(create()).replace('{', '{"__proto__":{"role":"admin"},'))],
    ['prototype keys', 'constructor on the message', 'invalid/invalid-message', () => errorFor(bob, create({ constructor: { prototype: { role: 'admin' } } }))],
    ['prototype keys', '__proto__ in change', 'invalid/invalid-message', () => errorFor(bob, JSON.stringify(update({ kind: 'resolve', resolved: true })).replace('{"kind"', '{"__proto__":{"x":1},"kind"'))],
    ['prototype keys', 'hello with __proto__ role', 'invalid/invalid-message', () => helloRefusalNoClose('acme', '{"type":"hello","__proto__":{"role":"admin"}}')],
    ['bad ids', 'broadcastId not a UUID', 'invalid/invalid-message', () => errorFor(bob, create({ broadcastId: '../../etc' }))],
    ['bad ids', 'chatId with a slash', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'resolve', resolved: true }, 'a/b'))],
    ['bad ids', 'chatId with SQL', 'invalid/invalid-message', () => errorFor(bob, update({ kind: 'resolve', resolved: true }, "x' OR '1'='1"))],
    ['another tenant', "resolve globex's conversation from acme", 'not-found/no-such-conversation', () => errorFor(bob, update({ kind: 'resolve', resolved: true }, globexChatId))],
    ['another tenant', "delete globex's conversation from acme", 'not-found/no-such-conversation', () => errorFor(bob, { type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: globexChatId })],
    ['another tenant', "reply to acme's conversation from globex", 'not-found/no-such-conversation', () => errorFor(globex, update({ kind: 'add-comment', text: 'hi' }))],
    ['not yours', "Bob edits Alice's comment", 'forbidden/not-author', () => errorFor(bob, update({ kind: 'edit-comment', commentId: firstComment, text: 'mine now' }))],
    ['not yours', "Bob moves Alice's conversation", 'forbidden/not-author', () => errorFor(bob, update({ kind: 'move', x: 0, y: 0 }))],
    ['not yours', "Bob deletes Alice's conversation", 'forbidden/not-author', () => errorFor(bob, { type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: chat.id })],
    ['not yours', "a guest token forged with Alice's id deletes her conversation", 'forbidden/not-author', () =>
      actAs('acme', { guest: `${aliceHello.user.id}.${'A'.repeat(43)}` }, { type: 'delete-image-chat', image, chatId: chat.id })],
    ['not yours', "Alice's guest token from acme, used on globex", 'forbidden/not-author', () =>
      actAs('globex', { guest: aliceHello.guest }, { type: 'delete-image-chat', image, chatId: globexChatId })],
    ['protocol order', 'an action before hello', 'unauthorized/hello-missing', async () => errorFor(await client('acme'), create())],
    ['protocol order', 'hello twice', 'invalid/hello-repeated', () => errorFor(bob, { type: 'hello' })],
    ['protocol order', 'a binary frame', 'invalid/invalid-message', async () => {
      bob.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
      return said(await bob.take('error'));
    }],
    ['bad token', 'not a JWT', 'unauthorized/sign-in-refused+4401', () => helloRefusal('acme', { token: 'a.b.c' })],
    ['bad token', 'forged (wrong secret)', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { secret: 'w'.repeat(40) }) })],
    ['bad token', 'expired', 'unauthorized/sign-in-expired+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { exp: expired }) })],
    ['bad token', "globex's token on acme", 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('globex', { sub: 'ada' }) })],
    ['bad token', 'signed with the right secret for another audience', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { aud: 'globex' }) })],
    ['bad token', 'no audience', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { aud: null }) })],
    ['bad token', 'no expiry', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { exp: null }) })],
    ['bad token', 'no subject', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { name: 'x' }) })],
    ['bad token', 'alg none claiming admin', 'unauthorized/sign-in-refused+4401', () => helloRefusal('acme', { token: unsignedToken('acme', { sub: 'x', role: 'admin' }) })],
    ['bad token', 'HS512 with the right secret', 'unauthorized/sign-in-refused+4401', async () => helloRefusal('acme', { token: await mintToken('acme', { sub: 'ada' }, { alg: 'HS512' }) })],
    ['bad token', 'a 4096-character token', 'unauthorized/sign-in-refused+4401', () => helloRefusal('acme', { token: 'e'.repeat(4096) })],
    ['read-only', 'a read-only token creates', 'forbidden/readonly-token', async () => actAs('acme', { token: await mintToken('acme', { sub: 'ro', readonly: true }) }, create())],
    ['read-only', 'a readonly hello creates', 'forbidden/readonly-view', () => actAs('acme', { readonly: true }, create())],
    ['read-only', 'a readonly hello resolves', 'forbidden/readonly-view', () => actAs('acme', { readonly: true }, update({ kind: 'resolve', resolved: true }))],
    ['read-only', 'a guest where guests only read', 'forbidden/readonly-guests', () => actAs('viewers', {}, create())],
    ['read-only', 'a guest where guests are off', 'unauthorized/sign-in-required+4401', () => helloRefusal('private', {})],
    ['limits', 'one conversation over the image limit', 'too-large/too-many-conversations limit=2', () => errorFor(filler, create())],
    ['limits', 'text over the tenant limit (10)', 'invalid/text-too-long limit=10', () => errorFor(spammer, create({ text: 'x'.repeat(11) }))],
    ['limits', 'actions over the rate (burst 3)', 'rate-limited/too-many-actions retryAfter', async () => {
      // The first three are refused by the store (not-found) but still count.
      for (let i = 0; i < 3; i++) await errorFor(spammer, { type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: 'nope' });
      return errorFor(spammer, { type: 'delete-image-chat', image, broadcastId: randomUUID(), chatId: 'nope' });
    }],
    ['limits', 'a 16 KiB + 1 frame', 1009, async () => {
      const c = await client('acme', {});
      c.send('x'.repeat(16 * 1024 + 1));
      return (await c.closed).code;
    }],
    ['upgrade', 'unknown tenant', '404/unknown-tenant', () => upgradeStatus('?tenant=nobody')],
    ['upgrade', 'malformed tenant id', '400/invalid-tenant', () => upgradeStatus('?tenant=../acme')],
    ['upgrade', 'wrong origin', '403/origin-not-allowed', () => upgradeStatus('?tenant=shop', { origin: 'https://evil.example' })],
    ['upgrade', 'origin "null" (sandboxed frame)', '403/embed-ticket-missing', () => upgradeStatus('?tenant=shop', { origin: 'null' })],
    ['upgrade', 'a third connection from one IP (limit 2)', '429/too-many-connections', () => upgradeStatus('?tenant=tight')],
    ['http', 'usage without a key', 401, async () => (await httpGet('/api/v1/tenants/acme/usage')).status],
    ['http', 'usage with a wrong key', 403, async () => (await httpGet('/api/v1/tenants/acme/usage', { authorization: 'Bearer not-the-key-at-all' })).status],
    ['http', "usage with globex's key", 403, async () => (await httpGet('/api/v1/tenants/acme/usage', { authorization: `Bearer ${apiKeyOf('globex')}` })).status],
    ['http', 'usage of an unknown tenant', 404, async () => (await httpGet('/api/v1/tenants/nobody/usage', { authorization: `Bearer ${apiKeyOf('acme')}` })).status],
    ['http', 'chats of a sign-in-only tenant, no token', 401, async () => (await httpGet('/api/v1/tenants/private/images/x/chats')).status],
    ['http', 'chats of a sign-in-only tenant, expired token', 403, async () =>
      (await httpGet('/api/v1/tenants/private/images/x/chats', { authorization: `Bearer ${await mintToken('private', { sub: 'a' }, { exp: expired })}` })).status],
    ['http', 'chats from a disallowed origin', '403/origin-not-allowed', () => httpRefusal('/api/v1/tenants/shop/images/x/chats', { origin: 'https://evil.example' })],
    ['http', 'chats of an unknown tenant', '404/unknown-tenant', () => httpRefusal('/api/v1/tenants/nobody/images/x/chats')],
    ['http', 'the socket probe (GET /ws) of an unknown tenant', '404/unknown-tenant', () => httpRefusal('/ws?tenant=nobody')],
    ['http', 'the socket probe from a disallowed origin', '403/origin-not-allowed', () => httpRefusal('/ws?tenant=shop', { origin: 'https://evil.example' })],
    ['http', 'the socket probe of a sandboxed frame without a ticket', '403/embed-ticket-missing', () => httpRefusal('/ws?tenant=shop', { origin: 'null' })],
    ['http', 'chats with a traversal image id', 400, async () => (await httpGet('/api/v1/tenants/acme/images/%00/chats')).status],
  ];

  /** A hello that is invalid is answered, and the connection stays open for a correct one. */
  async function helloRefusalNoClose(tenant: string, raw: string): Promise<string> {
    const c = await client(tenant);
    const code = await errorFor(c, raw);
    await c.hello({});
    await c.close();
    return code;
  }

  const byClass = new Map<string, { n: number; answers: Set<string> }>();
  for (const [cls, name, expected, run] of cases) {
    const got = await run();
    assert.equal(got, expected, `${cls}: ${name}`);
    const entry = byClass.get(cls) ?? { n: 0, answers: new Set<string>() };
    entry.n++;
    entry.answers.add(String(got));
    byClass.set(cls, entry);
  }
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  console.log(`hostile inputs: ${cases.length}`);
  for (const [cls, { n, answers }] of byClass) console.log(`  ${cls.padEnd(16)} ${String(n).padStart(3)}  ${[...answers].join(', ')}`);

  // Nothing above wrote anything: same conversations, same bytes.
  assert.deepEqual([await server.core.store.snapshot('acme', image), await server.core.store.snapshot('globex', image)], snapshotsBefore);
  assert.ok(databaseBytes(file).equals(bytesBefore), 'the database file changed');

  // Still up: a new visitor is welcomed and can post; health answers.
  const after = await client('acme', { name: 'After' });
  after.send(create());
  assert.equal((await after.take((m: ServerMessage) => m.type === 'ack' || m.type === 'error')).type, 'ack');
  assert.equal((await httpGet('/healthz')).status, 200);
});
