// End to end over real sockets: startServer on port 0, a temp SQLite file, `ws` clients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Chat, ChatEvent, ServerMessage } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-server-'));
let server: RunningServer;
const clients: TestClient[] = [];

before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'server.sqlite'), staticRoot: dir, tenants: testTenants() });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(tenant = 'acme', name?: string): Promise<TestClient> {
  const c = await TestClient.open(server.url, tenant);
  clients.push(c);
  if (name !== undefined) await c.hello({ name });
  return c;
}

const isEvent = (type: ChatEvent['type'], broadcastId: string) => (m: ServerMessage) =>
  m.type === type && m.broadcastId === broadcastId;

describe('two clients on one image', () => {
  test('every create, change kind and delete reaches both, in seq order, with acks to the sender', async () => {
    const image = `https://example.com/mockup-${randomUUID()}.png`;
    const a = await client('acme', 'Ann');
    const b = await client('acme', 'Bob');
    const elsewhere = await client('globex', 'Gil');
    for (const c of [a, b, elsewhere]) {
      c.send({ type: 'subscribe', image });
      const snap = await c.take('snapshot');
      assert.ok(snap.type === 'snapshot' && snap.seq === 0 && snap.chats.length === 0, "snap.type === 'snapshot' && snap.seq === 0 && snap.chats.length === 0");
    }

    let seq = 0;
    /** Sends `action` from `sender`; checks the ack and that both clients get the event with the next seq. */
    async function act(sender: TestClient, type: ChatEvent['type'], action: Record<string, unknown>) {
      const broadcastId = randomUUID();
      sender.send({ ...action, image, broadcastId });
      seq++;
      const ack = await sender.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
      assert.ok(ack.type === 'ack', "ack.type === 'ack'");
      assert.equal(ack.seq, seq);
      const events = [];
      for (const c of [a, b]) {
        const event = await c.take(isEvent(type, broadcastId));
        assert.ok(event.type === type && 'seq' in event, "event.type === type && 'seq' in event");
        assert.equal(event.seq, seq);
        assert.equal(event.image, image);
        events.push(event);
      }
      assert.deepEqual(events[0], events[1]);
      return { ack, event: events[0] as ChatEvent };
    }

    const created = await act(a, 'new-image-chat', { type: 'create-image-chat', x: 0.2, y: 0.4, text: 'Is this blue right?' });
    assert.ok(created.ack.type === 'ack' && created.ack.chat, "created.ack.type === 'ack' && created.ack.chat");
    const chat: Chat = created.ack.chat;
    assert.ok(created.event.type === 'new-image-chat', "created.event.type === 'new-image-chat'");
    assert.deepEqual(created.event.chat, chat);
    assert.equal(chat.author.name, 'Ann');
    const update = (change: object) => ({ type: 'update-image-chat', chatId: chat.id, change });

    const added = await act(b, 'image-chat-updated', update({ kind: 'add-comment', text: 'Looks fine' }));
    assert.ok(added.event.type === 'image-chat-updated' && added.event.change.kind === 'add-comment', "added.event.type === 'image-chat-updated' && added.event.change.kind === 'add-comment'");
    const reply = added.event.change.comment;
    assert.equal(reply.author.name, 'Bob');
    // The ack carries the change as stored, not the conversation with every comment.
    assert.deepEqual(added.ack, { type: 'ack', broadcastId: added.event.broadcastId, seq: added.event.seq, change: added.event.change });

    const edited = await act(a, 'image-chat-updated', update({ kind: 'edit-comment', commentId: chat.comments[0]!.id, text: 'Is this navy right?' }));
    assert.ok(edited.event.type === 'image-chat-updated' && edited.event.change.kind === 'edit-comment', "edited.event.type === 'image-chat-updated' && edited.event.change.kind === 'edit-comment'");
    await act(a, 'image-chat-updated', update({ kind: 'move', x: 0.3, y: 0.5 }));
    const resolved = await act(b, 'image-chat-updated', update({ kind: 'resolve', resolved: true }));
    assert.ok(resolved.ack.type === 'ack' && resolved.ack.chat === undefined, 'no conversation in the ack of an update');
    assert.deepEqual(resolved.ack.change, { kind: 'resolve', resolved: true });
    await act(b, 'image-chat-updated', update({ kind: 'delete-comment', commentId: reply.id }));
    const deleted = await act(a, 'deleted-image-chat', { type: 'delete-image-chat', chatId: chat.id });
    assert.deepEqual(deleted.ack, { type: 'ack', broadcastId: deleted.event.broadcastId, seq: 7 });
    assert.equal(seq, 7);

    // Same image id, other tenant: nothing arrived there.
    await elsewhere.sync();
    assert.deepEqual(elsewhere.inbox, []);
    // And a fresh subscriber sees the final state at seq 7.
    const late = await client('acme', 'Late');
    late.send({ type: 'subscribe', image });
    const snap = await late.take('snapshot');
    assert.ok(snap.type === 'snapshot' && snap.seq === 7 && snap.chats.length === 0, "snap.type === 'snapshot' && snap.seq === 7 && snap.chats.length === 0");
  });

  test('actions sent in one tick reach the other client as one array frame', async () => {
    const image = `batch-${randomUUID()}`;
    const a = await client('acme', 'Ann');
    const b = await client('acme', 'Bob');
    for (const c of [a, b]) {
      c.send({ type: 'subscribe', image });
      await c.take('snapshot');
    }
    const framesBefore = b.frames.length;
    const creates = [1, 2, 3].map((i) => ({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: i / 10, y: 0.5, text: `n${i}` }));
    a.send(creates);
    for (const c of creates) await b.take(isEvent('new-image-chat', c.broadcastId));
    const frames = b.frames.slice(framesBefore);
    assert.equal(frames.length, 1, `expected one frame, got ${frames.length}`);
    const batch = JSON.parse(frames[0]!) as ChatEvent[];
    assert.ok(Array.isArray(batch), "Array.isArray(batch)");
    assert.deepEqual(batch.map((e) => [e.type, e.seq, e.broadcastId]), creates.map((c, i) => ['new-image-chat', i + 1, c.broadcastId]));
    // The sender's acks come before its copies of the events, in one frame as well.
    for (const c of creates) await a.take((m) => m.type === 'ack' && m.broadcastId === c.broadcastId);
    assert.ok(a.frames.some((f) => f.startsWith('[') && f.includes('"ack"') && f.includes('new-image-chat')), "a.frames.some((f) => f.startsWith('[') && f.includes('\"ack\"') && f.includes('new-image-chat'))");
  });

  test('unsubscribe stops the broadcasts', async () => {
    const image = `unsub-${randomUUID()}`;
    const a = await client('acme', 'Ann');
    const b = await client('acme', 'Bob');
    b.send({ type: 'subscribe', image });
    await b.take('snapshot');
    b.send({ type: 'unsubscribe', image });
    await b.sync();
    const broadcastId = randomUUID();
    a.send({ type: 'create-image-chat', image, broadcastId, x: 0, y: 0, text: 'hi' });
    await a.take('ack');
    await b.sync();
    assert.deepEqual(b.inbox, []);
  });
});

describe('refusals', () => {
  test('hello comes first: other messages are unauthorized and nothing is stored', async () => {
    const image = `hello-first-${randomUUID()}`;
    const c = await client('acme');
    const broadcastId = randomUUID();
    c.send({ type: 'subscribe', image });
    c.send({ type: 'create-image-chat', image, broadcastId, x: 0.5, y: 0.5, text: 'sneaky' });
    const first = await c.take('error');
    assert.ok(first.type === 'error' && first.code === 'unauthorized' && /say hello first/.test(first.message), "first.type === 'error' && first.code === 'unauthorized' && /say hello first/.test(first.message)");
    const second = await c.take('error');
    assert.ok(second.type === 'error' && second.code === 'unauthorized' && second.broadcastId === broadcastId, "second.type === 'error' && second.code === 'unauthorized' && second.broadcastId === broadcastId");
    assert.equal((await server.core.store.snapshot('acme', image)).seq, 0);
    await c.hello({ name: 'Now' });
    c.send({ type: 'hello' });
    const again = await c.take('error');
    assert.ok(again.type === 'error' && again.code === 'invalid', "again.type === 'error' && again.code === 'invalid'");
  });

  test('an SSO token that is not a valid JWT is refused and the connection closes with 4401', async () => {
    const c = await client('acme');
    c.send({ type: 'hello', token: 'eyJ.fake.jwt' });
    const error = await c.take('error');
    assert.ok(error.type === 'error' && error.code === 'unauthorized' && /sign-in token is not valid/.test(error.message), `got ${JSON.stringify(error)}`);
    assert.equal((await c.closed).code, 4401);
  });

  test('not-found and forbidden carry the broadcastId and change nothing', async () => {
    const image = `refuse-${randomUUID()}`;
    const a = await client('acme', 'Ann');
    const b = await client('acme', 'Bob');
    a.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'mine' });
    const ack = await a.take('ack');
    assert.ok(ack.type === 'ack' && ack.chat, "ack.type === 'ack' && ack.chat");
    const before = await server.core.store.snapshot('acme', image);
    const cases: [TestClient, object, string][] = [
      [b, { type: 'update-image-chat', chatId: ack.chat.id, change: { kind: 'move', x: 0, y: 0 } }, 'forbidden'],
      [b, { type: 'delete-image-chat', chatId: ack.chat.id }, 'forbidden'],
      [b, { type: 'update-image-chat', chatId: ack.chat.id, change: { kind: 'edit-comment', commentId: ack.chat.comments[0]!.id, text: 'x' } }, 'forbidden'],
      [a, { type: 'delete-image-chat', chatId: 'no-such-chat' }, 'not-found'],
      [a, { type: 'update-image-chat', chatId: ack.chat.id, change: { kind: 'delete-comment', commentId: 'nope' } }, 'not-found'],
    ];
    for (const [who, action, code] of cases) {
      const broadcastId = randomUUID();
      who.send({ ...action, image, broadcastId });
      const error = await who.take((m) => m.type === 'error' && m.broadcastId === broadcastId);
      assert.ok(error.type === 'error', "error.type === 'error'");
      assert.equal(error.code, code, JSON.stringify(action));
    }
    assert.deepEqual(await server.core.store.snapshot('acme', image), before);
  });

  test('a binary frame is refused as invalid', async () => {
    const c = await client('acme', 'Bin');
    c.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    const error = await c.take('error');
    assert.ok(error.type === 'error' && error.code === 'invalid' && /text frames only/.test(error.message), "error.type === 'error' && error.code === 'invalid' && /text frames only/.test(error.message)");
  });

  test('a frame of exactly 16 KiB is read; one byte more closes with 1009', async () => {
    const c = await client('acme', 'Big');
    c.send('x'.repeat(16 * 1024));
    const error = await c.take('error');
    assert.ok(error.type === 'error' && error.code === 'invalid', "error.type === 'error' && error.code === 'invalid'");
    c.send('x'.repeat(16 * 1024 + 1));
    assert.equal((await c.closed).code, 1009);
  });

  test('an upgrade on another path or with a bad tenant is refused', async () => {
    for (const [url, status] of [
      [`${server.url.replace('http', 'ws')}/socket`, 404],
      [`${server.url.replace('http', 'ws')}/ws?tenant=Bad_Tenant`, 400],
      [`${server.url.replace('http', 'ws')}/ws?tenant=-lead`, 400],
      [`${server.url.replace('http', 'ws')}/ws?tenant=nobody`, 404],
    ] as const) {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(url);
      const got = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error(`${url} opened`)));
        ws.once('error', () => {});
      });
      ws.terminate();
      assert.equal(got, status, url);
    }
  });
});

describe('guest identity', () => {
  test('a returned guest token keeps the id, even after a restart; a tampered one does not', async () => {
    const first = await client('acme');
    const welcome = await first.hello({ name: 'Ann' });
    assert.equal(welcome.user.kind, 'guest');
    assert.equal(welcome.user.name, 'Ann');
    assert.match(welcome.user.id, /^g_[A-Za-z0-9_-]+$/);
    const token = welcome.guest!;
    assert.ok(token.startsWith(`${welcome.user.id}.`), "token.startsWith(`${welcome.user.id}.`)");

    const back = await client('acme');
    const again = await back.hello({ guest: token, name: 'Annie' });
    assert.equal(again.user.id, welcome.user.id);
    assert.equal(again.user.name, 'Annie');

    const unnamed = await client('acme');
    assert.equal((await unnamed.hello({ guest: token })).user.name, 'Guest');

    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const forged of [token.slice(0, -1) + last, `g_someoneelse.${token.split('.')[1]}`, 'garbage']) {
      const c = await client('acme');
      const w = await c.hello({ guest: forged });
      assert.notEqual(w.user.id, welcome.user.id, forged);
      assert.notEqual(w.guest, token);
    }

    // The signing secret lives in the database, so a restarted server still honours the token.
    const other = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'server.sqlite'), staticRoot: dir, tenants: testTenants() });
    try {
      const c = await TestClient.open(other.url, 'acme');
      const w = await c.hello({ guest: token });
      assert.equal(w.user.id, welcome.user.id);
      await c.close();
    } finally {
      await other.close();
    }
  });
});
