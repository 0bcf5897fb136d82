// The core without any network: fake sockets, an in-memory store, and stores that misbehave on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorMessage, ServerMessage } from '../protocol/messages.ts';
import { decodeServerFrame, encodeFrame } from '../protocol/decode.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { storeWith } from '../../test/support/store-proxy.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from './core.ts';
import type { ChatCoreOptions } from './core.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';

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
  const slow = (s: Store): Store =>
    storeWith(s, {
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
    const paused = (s: Store): Store =>
    storeWith(s, {
        async *snapshotPages(t, i, o) {
          const early = [];
          if (readFirst) for await (const page of s.snapshotPages(t, i, o)) early.push(page);
          await opened;
          yield* readFirst ? early : s.snapshotPages(t, i, o);
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
    const broken = (s: Store): Store =>
      storeWith(s, {
      snapshot: async () => {
        throw new Error('disk on fire');
      },
      snapshotPages: async function* () {
        throw new Error('disk on fire');
      },
      apply: async () => {
        throw new Error('disk on fire');
      },
    });
  const { core, session, logged, done } = setup({}, broken);
  const { socket, conn } = await session('A');
  const action = create('img');
  conn.receive(JSON.stringify(action));
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  conn.receive('{"type":"ping"}');
  await until(() => socket.messages.some((m) => m.type === 'pong'), 'pong');
  const errors = socket.messages.filter((m) => m.type === 'error');
  assert.deepEqual(errors.map((m) => m.type === 'error' && [m.code, m.reason, m.broadcastId]), [
    ['unavailable', 'internal-error', action.broadcastId],
    ['unavailable', 'internal-error', undefined],
  ]);
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
  assert.deepEqual(error.type === 'error' && [error.reason, error.limit], ['too-many-images', 2], 'the widget can say how many');
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
  assert.match(await core.metrics.prometheus(true).metrics(), /^image_chat_events_total\{tenant="acme"\} 1$/m);
  await done();
});

// ------------------------------------------------------------ bounded payloads (#8)

const alice = { id: 'g_alice', name: 'Alice', kind: 'guest' } as const;

/** `n` conversations of one 2000-character text each: about 2.1 KB apiece on the wire. */
async function fill(store: Store, image: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await store.apply('acme', image, { ...create(image, i), text: `${i} ${'z'.repeat(1990)}` } as never, alice);
}

/** Every snapshot message of the image, and the snapshot they make together once the last has come. */
function snapshotsOf(socket: FakeSocket, image: string) {
  const pages = socket.messages.filter((m) => m.type === 'snapshot' && m.image === image);
  const last = pages.at(-1);
  const whole = last?.type === 'snapshot' && !last.more ? { ...last, chats: pages.flatMap((m) => (m.type === 'snapshot' ? m.chats : [])) } : undefined;
  return { pages, whole };
}

test('subscribing again answers with what the socket missed, never a second snapshot', async () => {
  const { store, session, done } = setup();
  await fill(store, 'img', 3);
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  await until(() => snapshotsOf(socket, 'img').whole !== undefined, 'the snapshot');
  const { epoch } = (await store.snapshot('acme', 'img'));
  const writer = await session('W');
  writer.conn.receive(JSON.stringify([create('img', 50), create('img', 51)]));
  await until(() => socket.messages.filter((m) => m.type === 'new-image-chat').length === 2, 'two live events');
  const answers = (from: number) => socket.messages.slice(from).filter((m) => m.type === 'snapshot' || m.type === 'replay');
  const ask = async (m: object) => {
    const from = socket.messages.length;
    conn.receive(JSON.stringify(m));
    await until(() => answers(from).length > 0, 'an answer');
    return answers(from)[0]!;
  };
  // Without since: nothing was missed.
  assert.deepEqual(await ask({ type: 'subscribe', image: 'img' }), { type: 'replay', image: 'img', events: [] });
  // With a since the store can replay: exactly the events after it (a client catching up on a gap).
  const fromFour = await ask({ type: 'subscribe', image: 'img', since: { epoch, seq: 3 } });
  assert.deepEqual(fromFour.type === 'replay' && fromFour.events.map((e) => e.seq), [4, 5]);
  // With a since it cannot (another epoch): what this socket was not sent, i.e. nothing.
  assert.deepEqual(await ask({ type: 'subscribe', image: 'img', since: { epoch: 'another', seq: 1 } }), { type: 'replay', image: 'img', events: [] });
  assert.equal(snapshotsOf(socket, 'img').pages.length, 1, 'one snapshot in all');
  // And live goes on, once each.
  writer.conn.receive(JSON.stringify(create('img', 52)));
  await until(() => socket.messages.filter((m) => m.type === 'new-image-chat').length === 3, 'the next live event');
  assert.deepEqual(socket.messages.flatMap((m) => (m.type === 'new-image-chat' ? [m.seq] : [])), [4, 5, 6]);
  await done();
});

test('a large snapshot goes as several messages with more: true, pieced together it is the store\'s snapshot', async () => {
  const { store, session, done } = setup();
  await fill(store, 'big', 400); // ~850 KB: four messages
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'big' }));
  await until(() => snapshotsOf(socket, 'big').whole !== undefined, 'the last page');
  const { pages, whole } = snapshotsOf(socket, 'big');
  assert.ok(pages.length >= 4, `${pages.length} messages`);
  assert.deepEqual(pages.map((m) => m.type === 'snapshot' && m.more), [...pages.slice(1).map(() => true), undefined], 'more on all but the last');
  const snap = await store.snapshot('acme', 'big');
  assert.ok(pages.every((m) => m.type === 'snapshot' && m.epoch === snap.epoch && m.seq === snap.seq), 'one epoch and seq');
  assert.deepEqual(whole?.chats, snap.chats);
  assert.ok(socket.frames.every((f) => Buffer.byteLength(f) <= 1024 * 1024), 'no frame past 1 MiB');
  // A small one stays one message, as design.md shows it.
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'small' }));
  await until(() => snapshotsOf(socket, 'small').whole !== undefined, 'the small snapshot');
  assert.deepEqual(snapshotsOf(socket, 'small').pages, [{ type: 'snapshot', image: 'small', epoch: (await store.snapshot('acme', 'small')).epoch, seq: 0, chats: [] }]);
  await done();
});

test('events stored while a paged snapshot is under way follow its last page, once each, in order', async () => {
  let gate: () => void = () => {};
  const opened = new Promise<void>((resolve) => (gate = resolve));
  let firstPageOut: () => void = () => {};
  const firstPage = new Promise<void>((resolve) => (firstPageOut = resolve));
  // Holds the read after its first page until the test has stored events.
  const paused = (s: Store): Store =>
    storeWith(s, {
      async *snapshotPages(t, i) {
        let n = 0;
        for await (const page of s.snapshotPages(t, i, { commentsPerPage: 50 })) {
          if (n++ === 1) {
            firstPageOut();
            await opened;
          }
          yield page;
        }
      },
    });
  const { store, session, done } = setup({}, paused);
  await fill(store, 'img', 300);
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  await firstPage;
  const writer = await session('W');
  writer.conn.receive(JSON.stringify([create('img', 70), create('img', 71)]));
  await until(() => writer.socket.messages.filter((m) => m.type === 'ack').length === 2, 'two acks');
  gate();
  writer.conn.receive(JSON.stringify(create('img', 72)));
  await until(() => socket.messages.filter((m) => m.type === 'new-image-chat').length === 3, 'the three events');
  const order = socket.messages.filter((m) => m.type !== 'welcome').map((m) => (m.type === 'snapshot' ? `snapshot${m.more ? '+' : ''}@${m.seq}` : m.type === 'new-image-chat' ? `event@${m.seq}` : m.type));
  const lastPage = order.findIndex((x) => x === 'snapshot@300');
  assert.ok(lastPage > 0, 'the last page came');
  assert.deepEqual(order.slice(lastPage), ['snapshot@300', 'event@301', 'event@302', 'event@303']);
  assert.ok(order.slice(0, lastPage).every((x) => x === 'snapshot+@300'), 'nothing else between the pages');
  await done();
});

test('a socket that does not drain between the pages of a snapshot is closed with 1013', async () => {
  const { core, store, session, done } = setup({ drainTimeoutMs: 20 });
  await fill(store, 'img', 400);
  const { socket, conn } = await session('Stuck');
  const send = socket.send.bind(socket);
  // Takes the first frame, then everything stays buffered, as with a peer that stopped reading.
  socket.send = (data: string) => {
    send(data);
    socket.bufferedAmount += Buffer.byteLength(data);
  };
  socket.bufferedAmount = 0;
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  await until(() => socket.closed !== undefined, 'the close');
  assert.equal(socket.closed?.code, 1013);
  assert.equal(snapshotsOf(socket, 'img').whole, undefined, 'the snapshot was not finished');
  assert.equal(core.connectionCount, 0);
  assert.equal(core.topicCount, 0);
  await done();
});

test('what is queued in one tick leaves in frames of at most 1 MiB, in order; none is built past it', async () => {
  const { session, done } = setup({ maxBufferedBytes: 16 * 1024 * 1024 });
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
  await until(() => socket.messages.some((m) => m.type === 'snapshot'), 'the snapshot');
  const before = socket.frames.length;
  const big = (seq: number) => JSON.stringify({ type: 'deleted-image-chat', image: 'img', seq, broadcastId: randomUUID(), chatId: 'x'.repeat(300 * 1024) });
  const sent = [1, 2, 3, 4, 5].map(big);
  for (const [i, json] of sent.entries()) (conn as unknown as { deliver(i: string, s: number, j: string): void }).deliver('img', i + 1, json);
  await until(() => socket.messages.filter((m) => m.type === 'deleted-image-chat').length === 5, 'five messages');
  const frames = socket.frames.slice(before);
  assert.deepEqual(frames.map((f) => Buffer.byteLength(f) <= 1024 * 1024), frames.map(() => true));
  assert.equal(frames.length, 2, 'three fit the first frame, two the second');
  assert.deepEqual(frames.flatMap(decodeServerFrame), sent.map((s) => JSON.parse(s)));
  await done();
});

test('close drains: an action being stored still gets its ack, a message after it is refused as unavailable, then 1012', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  // The store holds every write until the test lets go: the action is in flight when close() begins.
  const held = (s: Store): Store => storeWith(s, { apply: async (...args) => (await gate, s.apply(...args)) });
  const { core, session, done } = setup({}, held);
  const a = await session('A');
  const inFlight = create('img');
  a.conn.receive(JSON.stringify(inFlight));
  await tick();
  const closing = core.close();
  const late = create('img', 1);
  a.conn.receive(JSON.stringify(late));
  await until(() => a.socket.messages.some((m) => m.type === 'error' && m.broadcastId === late.broadcastId), 'the late refusal');
  const refusal = a.socket.messages.find((m) => m.type === 'error' && m.broadcastId === late.broadcastId);
  assert.equal(refusal?.type === 'error' && refusal.code, 'unavailable');
  assert.equal(refusal?.type === 'error' && refusal.reason, 'restarting');
  assert.equal(a.socket.closed, undefined, 'open while its action is in flight');
  release();
  await closing;
  assert.ok(a.socket.messages.some((m) => m.type === 'ack' && m.broadcastId === inFlight.broadcastId), 'the in-flight action was acked');
  assert.deepEqual(a.socket.closed, { code: 1012, reason: 'server restarting' });
  const after = new FakeSocket();
  core.connect(after, { tenant: 'acme' });
  assert.equal(after.closed?.code, 1012, 'a connection during shutdown is told the node restarts');
  await done();
});

test('a refused action says how long to wait (retryAfter, ms) on the rate limit, and which limit a text passed', async () => {
  const now = 1_000_000;
  const tenants = testTenants(testTenant('slow', { limits: { actionBurst: 1, actionsPerMinute: 6, maxTextChars: 5 } }));
  const { session, done } = setup({ tenants, now: () => now });
  const { socket, conn } = await session('A', 'slow');
  const tooLong = { ...create('img'), text: 'sixsix' };
  const first = create('img');
  const second = create('img', 1);
  for (const action of [tooLong, first, second]) conn.receive(JSON.stringify(action));
  await until(() => socket.messages.filter((m) => m.type === 'error' || m.type === 'ack').length === 3, 'three answers');
  const answerTo = (id: string) => socket.messages.find((m) => (m.type === 'error' || m.type === 'ack') && m.broadcastId === id);
  const { type: _t, message: _m, ...tooLongFacts } = answerTo(tooLong.broadcastId) as ErrorMessage;
  assert.deepEqual(tooLongFacts, { code: 'invalid', reason: 'text-too-long', limit: 5, broadcastId: tooLong.broadcastId });
  assert.equal(answerTo(first.broadcastId)?.type, 'ack');
  // One token, 6 a minute: the clock stood still, so the next one is a whole 10 s away.
  const { type: _t2, message, ...limited } = answerTo(second.broadcastId) as ErrorMessage;
  assert.deepEqual(limited, { code: 'rate-limited', reason: 'too-many-actions', retryAfter: 10_000, broadcastId: second.broadcastId });
  assert.match(message, /wait 10 s/, 'the English message stays');
  await done();
});

test('messages past the waiting bound are refused as queue-full, the others still answered', async () => {
  const { session, done } = setup({ maxPending: 1 });
  const { socket, conn } = await session('A');
  conn.receive(JSON.stringify([{ type: 'ping' }, { type: 'ping' }]));
  await until(() => socket.messages.some((m) => m.type === 'pong'), 'pong');
  const error = socket.messages.find((m) => m.type === 'error');
  assert.deepEqual(error?.type === 'error' && [error.code, error.reason], ['rate-limited', 'queue-full']);
  await done();
});
