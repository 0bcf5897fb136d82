// `subscribe {since}`: exact replays, snapshot fallbacks, and no event lost or sent twice when
// events race the replay. The core with fake sockets and a real SQLite store; a restart over real sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionMessage, ChatEvent, ServerMessage, User } from '../protocol/messages.ts';
import { decodeServerFrame } from '../protocol/decode.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store, StoreOptions } from '../store/store.ts';
import { storeWith } from '../../test/support/store-proxy.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from '../core/core.ts';
import { startServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { ConfigError, loadConfig } from './config.ts';

class FakeSocket {
  frames: string[] = [];
  closed = false;
  send(data: string): void {
    this.frames.push(data);
  }
  close(): void {
    this.closed = true;
  }
  get messages(): ServerMessage[] {
    return this.frames.flatMap(decodeServerFrame);
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(2);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const alice: User = { id: 'g_alice', name: 'Alice', kind: 'guest' };
const create = (image: string, text = 'hi'): ActionMessage => ({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text });

function setup(storeOptions: StoreOptions = {}, wrap: (s: Store) => Store = (s) => s, maxReplay?: number) {
  const inner = new SqliteStore(':memory:', storeOptions);
  const core = new ChatCore({
    store: wrap(inner), bus: new InProcessBus(), guestSecret: 'test-secret-0123456789', log: () => {},
    ...(maxReplay !== undefined ? { maxReplay } : {}),
  });
  async function session(name: string) {
    const socket = new FakeSocket();
    const conn = core.connect(socket, { tenant: 'demo' });
    conn.receive(JSON.stringify({ type: 'hello', name }));
    await until(() => socket.messages.some((m) => m.type === 'welcome'), 'welcome');
    return { socket, conn };
  }
  /** Everything after `from` (an index into messages) except welcome and pong. */
  const after = (socket: FakeSocket, from = 0) => socket.messages.slice(from).filter((m) => m.type !== 'welcome' && m.type !== 'pong');
  const done = async () => {
    await core.close();
    await inner.close();
  };
  return { core, store: inner, session, after, done };
}

/** Seqs a client ends up with: the replay's events then the live ones, in arrival order. */
function seqsOf(messages: ServerMessage[]): number[] {
  return messages.flatMap((m) => (m.type === 'replay' ? m.events.map((e) => e.seq) : m.type === 'new-image-chat' || m.type === 'image-chat-updated' || m.type === 'deleted-image-chat' ? [m.seq] : []));
}

test('subscribe since a position answers a replay of exactly the later events, in order', async () => {
  const { store, session, after, done } = setup();
  const stored: ChatEvent[] = [];
  for (let i = 0; i < 6; i++) stored.push((await store.apply('demo', 'img', create('img', `n${i}`), alice)).event);
  const { epoch } = await store.snapshot('demo', 'img');
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 2 } }));
  await until(() => after(socket).length > 0, 'the answer');
  const [answer] = after(socket);
  assert.ok(answer?.type === 'replay', `a replay, got ${answer?.type}`);
  assert.equal(answer.image, 'img');
  assert.deepEqual(answer.events, stored.slice(2), 'events 3..6, nothing more, nothing less');

  // Up to date: an empty replay, not a snapshot.
  const n = socket.messages.length;
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 6 } }));
  await until(() => after(socket, n).length > 0, 'the second answer');
  assert.deepEqual(after(socket, n), [{ type: 'replay', image: 'img', events: [] }]);
  await done();
});

test('an empty image keeps its epoch, so a client that saw it empty replays its first events', async () => {
  const { store, session, after, done } = setup();
  const { socket, conn } = await session('R');
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'fresh' }));
  await until(() => after(socket).length > 0, 'the snapshot');
  const snap = after(socket)[0];
  assert.ok(snap?.type === 'snapshot' && snap.seq === 0, 'an empty snapshot');
  const { event } = await store.apply('demo', 'fresh', create('fresh'), alice);
  const again = await session('R2');
  again.conn.receive(JSON.stringify({ type: 'subscribe', image: 'fresh', since: { epoch: snap.epoch, seq: 0 } }));
  await until(() => after(again.socket).length > 0, 'the answer');
  // Who else views the image (R) may follow the answer: presence, not part of it.
  assert.deepEqual(after(again.socket).filter((m) => m.type !== 'presence'), [{ type: 'replay', image: 'fresh', events: [event] }]);
  await done();
});

test('another epoch, a position ahead of the image, or a gap older than the kept log get a snapshot', async () => {
  const { store, session, after, done } = setup({ logKeep: 3 });
  for (let i = 0; i < 6; i++) await store.apply('demo', 'img', create('img', `n${i}`), alice);
  const { epoch } = await store.snapshot('demo', 'img');
  const { socket, conn } = await session('R');
  const cases = [
    { epoch: 'an-old-epoch', seq: 5 },
    { epoch, seq: 9 },
    { epoch, seq: 2 }, // events 3..6 wanted, only 4..6 kept
  ];
  for (const since of cases) {
    const n = socket.messages.length;
    // Unsubscribed first: each is a new subscription (subscribing again only catches up, see below).
    conn.receive(JSON.stringify([{ type: 'unsubscribe', image: 'img' }, { type: 'subscribe', image: 'img', since }]));
    await until(() => after(socket, n).length > 0, 'the answer');
    const answer = after(socket, n)[0];
    assert.ok(answer?.type === 'snapshot', `a snapshot for since ${JSON.stringify(since)}, got ${answer?.type}`);
    assert.equal(answer.seq, 6);
    assert.equal(answer.chats.length, 6);
  }
  // Within the kept log a replay still works.
  const n = socket.messages.length;
  conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 3 } }));
  await until(() => after(socket, n).length > 0, 'the answer');
  assert.deepEqual(seqsOf(after(socket, n)), [4, 5, 6]);
  await done();
});

test('events stored while the replay is read arrive once: in the replay or right after it', async () => {
  for (const readFirst of [true, false]) {
    let gate: () => void = () => {};
    const opened = new Promise<void>((resolve) => (gate = resolve));
    // The log is read before (readFirst) or after a burst of writes that land while the subscribe is under way.
    const paused = (s: Store): Store =>
    storeWith(s, {
        async eventsSince(t, i, since) {
          const early = readFirst ? await s.eventsSince(t, i, since) : undefined;
          await opened;
          return early ?? s.eventsSince(t, i, since);
        },
      });
      const { store, session, after, done } = setup({}, paused);
      for (let i = 0; i < 3; i++) await store.apply('demo', 'img', create('img'), alice);
      const { epoch } = await store.snapshot('demo', 'img');
      const reader = await session('R');
      const writer = await session('W');
      reader.conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 1 } }));
      await sleep(5);
      for (let i = 0; i < 3; i++) writer.conn.receive(JSON.stringify(create('img')));
      await until(() => writer.socket.messages.filter((m) => m.type === 'ack').length === 3, 'three acks');
      gate();
      await until(() => seqsOf(after(reader.socket)).length >= 5, 'the replay and the live events');
      reader.conn.receive('{"type":"ping"}');
      await until(() => reader.socket.messages.some((m) => m.type === 'pong'), 'pong');
      const got = after(reader.socket);
      assert.equal(got[0]?.type, 'replay', 'the replay comes first');
      assert.deepEqual(seqsOf(got), [2, 3, 4, 5, 6], `readFirst=${readFirst}: each seq once, in order`);
      await done();
    }
  });

  test('subscribing again while live (catching up on a gap) replays the missed range and stays live, without repeats', async () => {
    const { store, session, after, done } = setup();
    const { socket, conn } = await session('R');
    conn.receive(JSON.stringify({ type: 'subscribe', image: 'img' }));
    await until(() => after(socket).length > 0, 'the snapshot');
    const snap = after(socket)[0];
    assert.ok(snap?.type === 'snapshot', 'a snapshot');
    const writer = await session('W');
    for (let i = 0; i < 3; i++) writer.conn.receive(JSON.stringify(create('img')));
    await until(() => seqsOf(after(socket)).length === 3, 'three live events');
    // The client says it only has seq 1 (it missed 2 and 3): it gets exactly 2..3, then live goes on at 4.
    conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch: snap.epoch, seq: 1 } }));
    const n = socket.messages.length;
    await until(() => after(socket, n).some((m) => m.type === 'replay'), 'the replay');
    writer.conn.receive(JSON.stringify(create('img')));
    await until(() => seqsOf(after(socket, n)).includes(4), 'the next live event');
    assert.deepEqual(seqsOf(after(socket, n)), [2, 3, 4]);
    assert.equal((await store.snapshot('demo', 'img')).seq, 4);
    await done();
  });

  test('over real sockets: a restart on the same port and file keeps the epoch, and the missed events replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-replay-'));
    const databaseUrl = join(dir, 'replay.sqlite');
    let server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl, staticRoot: dir });
    const port = server.port;
    const clients: TestClient[] = [];
    try {
      const reader = await TestClient.open(server.url, 'demo');
      clients.push(reader);
      await reader.hello({ name: 'R' });
      reader.send({ type: 'subscribe', image: 'img' });
      const snap = await reader.take('snapshot');
      assert.ok(snap.type === 'snapshot', 'a snapshot');
      await server.close();
      await reader.closed;

      server = await startServer({ port, host: '127.0.0.1', databaseUrl, staticRoot: dir });
      const writer = await TestClient.open(server.url, 'demo');
      clients.push(writer);
      await writer.hello({ name: 'W' });
      for (let i = 0; i < 2; i++) {
        const broadcastId = randomUUID();
        writer.send({ ...create('img'), broadcastId });
        await writer.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
      }
      const back = await TestClient.open(server.url, 'demo');
      clients.push(back);
      await back.hello({ name: 'R' });
      back.send({ type: 'subscribe', image: 'img', since: { epoch: snap.epoch, seq: snap.seq } });
      const replay = await back.take((m) => m.type === 'replay' || m.type === 'snapshot');
      assert.ok(replay.type === 'replay', `a replay after the restart, got ${replay.type}`);
      assert.deepEqual(replay.events.map((e) => e.seq), [1, 2]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a gap longer than maxReplay gets a snapshot, the smaller answer', async () => {
    const { store, session, after, done } = setup({}, (s) => s, 4);
    for (let i = 0; i < 6; i++) await store.apply('demo', 'img', create('img', `n${i}`), alice);
    const { epoch } = await store.snapshot('demo', 'img');
    const { socket, conn } = await session('R');
    conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 1 } }));
    await until(() => after(socket).length > 0, 'the answer to a gap of 5');
    const first = after(socket)[0];
    assert.ok(first?.type === 'snapshot' && first.seq === 6 && first.chats.length === 6, `a full snapshot, got ${first?.type}`);
    const n = socket.messages.length;
    conn.receive(JSON.stringify({ type: 'subscribe', image: 'img', since: { epoch, seq: 2 } }));
    await until(() => after(socket, n).length > 0, 'the answer to a gap of 4');
    const second = after(socket, n)[0];
    assert.ok(second?.type === 'replay', `a replay, got ${second?.type}`);
    assert.deepEqual(second.events.map((e) => e.seq), [3, 4, 5, 6]);
    await done();
  });

  test('LOG_KEEP and REPLAY_MAX set the kept log and the replay bound; a bad value is a ConfigError', () => {
    assert.equal(loadConfig({}).logKeep, undefined, 'unset: the store default');
    assert.equal(loadConfig({}).maxReplay, undefined, 'unset: the core default');
    assert.equal(loadConfig({ LOG_KEEP: ' 250 ' }).logKeep, 250);
    assert.equal(loadConfig({ REPLAY_MAX: '40' }).maxReplay, 40);
    for (const name of ['LOG_KEEP', 'REPLAY_MAX']) {
      for (const bad of ['0', '-5', '1.5', 'many']) {
        assert.throws(() => loadConfig({ [name]: bad }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(name), `${name}=${bad}`);
      }
    }
  });
