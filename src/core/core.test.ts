// The core without any network: fake sockets, an in-memory store, and stores that misbehave on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerMessage } from '../protocol/messages.ts';
import { decodeServerFrame, encodeFrame } from '../protocol/decode.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from './core.ts';
import type { ChatCoreOptions } from './core.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

class FakeSocket {
  frames: string[] = [];
  closed: { code?: number; reason?: string } | undefined;
  bufferedAmount = 0;
  send(data: string): void {
    if (this.closed) throw new Error('send after close');
    this.frames.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }
  get messages(): ServerMessage[] {
    return this.frames.flatMap(decodeServerFrame);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(2);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function setup(options: Partial<ChatCoreOptions> = {}, wrap: (s: Store) => Store = (s) => s) {
  const inner = new SqliteStore(':memory:');
  const store = wrap(inner);
  const logged: unknown[] = [];
  const core = new ChatCore({ store, bus: new InProcessBus(), guestSecret: 'test-secret-0123456789', tenants: testTenants(), log: (_m, e) => logged.push(e), ...options });
  async function session(name: string, tenant = 'acme') {
    const socket = new FakeSocket();
    const conn = core.connect(socket, { tenant });
    conn.receive(JSON.stringify({ type: 'hello', name }));
    await until(() => socket.messages.some((m) => m.type === 'welcome'), 'welcome');
    return { socket, conn };
  }
  const done = async () => {
    await core.close();
    await inner.close();
  };
  return { core, store: inner, session, logged, done };
}

const create = (image: string, i = 0) => ({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: i / 100, text: `n${i}` });

test('several queued messages leave as one array frame, exactly as encodeFrame would write them', async () => {
  const { session, done } = setup();
  const { socket, conn } = await session('A');
  const before = socket.frames.length;
  conn.receive(JSON.stringify([{ type: 'ping' }, { type: 'ping' }, { type: 'ping' }]));
  await until(() => socket.frames.length > before, 'a frame');
  await tick();
  assert.deepEqual(socket.frames.slice(before), [encodeFrame([{ type: 'pong' }, { type: 'pong' }, { type: 'pong' }])]);
  conn.receive('{"type":"ping"}');
  await until(() => socket.frames.length > before + 1, 'a frame');
  assert.equal(socket.frames.at(-1), '{"type":"pong"}', 'a lone message is sent bare');
  await done();
});

test('an image\'s events are broadcast in seq order even when the store answers out of order', async () => {
  // A store that resolves each apply after a random delay: without per-image serialisation seqs would interleave.
  const slow = (s: Store): Store => ({
    description: s.description,
    head: (t, i) => s.head(t, i),
    snapshot: (t, i) => s.snapshot(t, i),
    snapshotPages: (t, i, o) => s.snapshotPages(t, i, o),
    secret: (n) => s.secret(n),
    close: () => s.close(),
    conversationCount: (t) => s.conversationCount(t),
    eventsSince: (t, i, since) => s.eventsSince(t, i, since),
    async apply(t, i, a, u) {
      await sleep(Math.random() * 5);
      const r = await s.apply(t, i, a, u);
      await sleep(Math.random() * 5);
      return r;
    },
  });
  const { session, done } = setup({}, slow);
  const watcher = await session('W');
  watcher.conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  const writers = await Promise.all(['A', 'B', 'C'].map((n) => session(n)));
  for (let i = 0; i < 10; i++) writers.forEach((w, k) => w.conn.receive(JSON.stringify(create('img', i * 3 + k))));
  await until(() => watcher.socket.messages.filter((m) => m.type === 'new-image-chat').length === 30, '30 events');
  const seqs = watcher.socket.messages.flatMap((m) => (m.type === 'new-image-chat' ? [m.seq] : []));
  assert.deepEqual(seqs, Array.from({ length: 30 }, (_, i) => i + 1));
  await done();
});

test('an event stored while a snapshot is being read is delivered once: in the snapshot or after it', async () => {
  for (const readFirst of [true, false]) {
    let gate: () => void = () => {};
    const opened = new Promise<void>((resolve) => (gate = resolve));
    // The snapshot is read before (readFirst) or after (not readFirst) a create that lands meanwhile.
    const paused = (s: Store): Store => ({
      description: s.description,
      head: (t, i) => s.head(t, i),
      apply: (t, i, a, u) => s.apply(t, i, a, u),
      secret: (n) => s.secret(n),
      close: () => s.close(),
      conversationCount: (t) => s.conversationCount(t),
      eventsSince: (t, i, since) => s.eventsSince(t, i, since),
      snapshotPages: (t, i, o) => s.snapshotPages(t, i, o),
      async snapshot(t, i) {
        const early = readFirst ? await s.snapshot(t, i) : undefined;
        await opened;
        return early ?? s.snapshot(t, i);
      },
    });
    const { session, done } = setup({}, paused);
    const reader = await session('R');
    const writer = await session('W');
    reader.conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
    await tick();
    writer.conn.receive(JSON.stringify(create('img')));
    await until(() => writer.socket.messages.some((m) => m.type === 'ack'), 'the ack');
    gate();
    await until(() => reader.socket.messages.some((m) => m.type === 'snapshot'), 'the snapshot');
    reader.conn.receive('{"type":"ping"}');
    await until(() => reader.socket.messages.some((m) => m.type === 'pong'), 'pong');
    const got = reader.socket.messages.filter((m) => m.type !== 'welcome' && m.type !== 'pong');
    const snap = got[0]!;
    assert.ok(snap.type === 'snapshot', "snap.type === 'snapshot'");
    if (readFirst) {
      assert.equal(snap.seq, 0);
      assert.deepEqual(got.slice(1).map((m) => m.type === 'new-image-chat' && m.seq), [1]);
    } else {
      assert.equal(snap.seq, 1);
      assert.equal(snap.chats.length, 1);
      assert.equal(got.length, 1, 'the event already in the snapshot is not sent again');
    }
    await done();
  }
});

test('a socket that does not drain is closed with 1013 instead of buffering more', async () => {
  const { core, session, done } = setup({ maxBufferedBytes: 1000 });
  const { socket, conn } = await session('Slow');
  socket.bufferedAmount = 5000;
  conn.receive('{"type":"ping"}');
  await until(() => socket.closed !== undefined, 'the close');
  assert.equal(socket.closed?.code, 1013);
  assert.equal(core.connectionCount, 0);
  await done();
});

test('an unexpected store failure answers unavailable, is logged, and the session goes on', async () => {
  const broken = (s: Store): Store => ({
    description: s.description,
    head: (t, i) => s.head(t, i),
    snapshot: async () => {
      throw new Error('disk on fire');
    },
    snapshotPages: async function* () {
      throw new Error('disk on fire');
    },
    apply: async () => {
      throw new Error('disk on fire');
    },
    secret: (n) => s.secret(n),
    close: () => s.close(),
    conversationCount: (t) => s.conversationCount(t),
    eventsSince: (t, i, since) => s.eventsSince(t, i, since),
  });
  const { core, session, logged, done } = setup({}, broken);
  const { socket, conn } = await session('A');
  const action = create('img');
  conn.receive(JSON.stringify(action));
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  conn.receive('{"type":"ping"}');
  await until(() => socket.messages.some((m) => m.type === 'pong'), 'pong');
  const errors = socket.messages.filter((m) => m.type === 'error');
  assert.deepEqual(errors.map((m) => m.type === 'error' && [m.code, m.broadcastId]), [['unavailable', action.broadcastId], ['unavailable', undefined]]);
  assert.ok(errors.every((m) => m.type === 'error' && !m.message.includes('fire')), 'internal details stay in the log');
  assert.equal(logged.length, 2);
  assert.equal(core.topicCount, 0, 'the failed subscription was released');
  await done();
});

test('subscriptions per connection are capped; unsubscribing releases the bus topic', async () => {
  const { core, session, done } = setup({ maxSubscriptions: 2 });
  const { socket, conn } = await session('A');
  for (const image of ['a', 'b', 'c']) conn.receive(JSON.stringify({ type: 'subscribe', image }));
  await until(() => socket.messages.some((m) => m.type === 'error'), 'the cap error');
  const error = socket.messages.find((m) => m.type === 'error');
  assert.ok(error?.type === 'error' && error.code === 'rate-limited' && /at most 2 images/.test(error.message), "error?.type === 'error' && error.code === 'rate-limited' && /at most 2 images/.test(error.message)");
  assert.equal(core.topicCount, 2);
  conn.receive(JSON.stringify({ type: 'unsubscribe', image: 'a' }));
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'c' }));
  await until(() => socket.messages.filter((m) => m.type === 'snapshot').length === 3, 'the third snapshot');
  conn.close();
  assert.equal(core.topicCount, 0);
  assert.equal(core.connectionCount, 0);
  await done();
});

test('metrics count connections, messages, bytes and events per tenant', async () => {
  const { core, session, done } = setup();
  const a = await session('A', 'acme');
  const g = await session('G', 'globex');
  a.conn.receive(JSON.stringify([{ type: 'subscribe', image: 'img' }, create('img')]));
  await until(() => a.socket.messages.some((m) => m.type === 'new-image-chat'), 'the event');
  const acme = core.metrics.tenant('acme');
  assert.equal(acme.connections, 1);
  assert.equal(acme.eventsStored, 1);
  assert.equal(acme.messagesSent, a.socket.messages.length);
  assert.equal(acme.bytesSent, a.socket.frames.reduce((n, f) => n + Buffer.byteLength(f), 0));
  assert.equal(core.metrics.tenant('globex').messagesSent, 1);
  assert.equal(core.metrics.totals().connections, 2);
  g.conn.close();
  g.conn.close();
  assert.equal(core.metrics.tenant('globex').connections, 0, 'closing twice counts once');
  assert.match(core.metrics.toPrometheus(), /^image_chat_events_total\{tenant="acme"\} 1$/m);
  await done();
});
