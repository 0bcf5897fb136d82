// Bounded payloads against a real server over real sockets (#8): the re-subscribe attack, a socket
// that asks for snapshot after snapshot without reading, and the REST snapshot streamed with backpressure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { User } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { MAX_OUT_FRAME_BYTES } from '../core/session.ts';
import { TestClient } from '../../test/support/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-payloads-'));
let server: RunningServer;
const clients: TestClient[] = [];
const IMAGE = 'heavy.png';
const DRAIN_TIMEOUT_MS = 200;

// Five guests' worth of texts made of control characters, stored before the parser refused them:
// JSON escapes each to six bytes, so the snapshot is about 3.4 MB.
before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'payloads.sqlite'), staticRoot: dir, drainTimeoutMs: DRAIN_TIMEOUT_MS });
  for (let i = 0; i < 275; i++) {
    const guest: User = { id: `g_guest${i % 5}`, name: `Guest ${i % 5}`, kind: 'guest' };
    await server.core.store.apply('demo', IMAGE, { type: 'create-image-chat', image: IMAGE, broadcastId: randomUUID(), x: 0.5, y: i / 275, text: '\u0001'.repeat(2000) }, guest);
  }
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<TestClient> {
  const c = await TestClient.open(server.url, 'demo');
  clients.push(c);
  await c.hello({ name: 'T' });
  return c;
}

/** The TCP socket under a test client, to write several frames at once or stop reading. */
const tcp = (c: TestClient) => (c.ws as unknown as { _socket: Socket })._socket;

/** Takes the image's snapshot messages up to the last one; the chats of all of them. */
async function takeSnapshot(c: TestClient, image: string): Promise<{ messages: number; chats: number; seq: number }> {
  let messages = 0;
  let chats = 0;
  for (;;) {
    const m = await c.take((x) => x.type === 'snapshot' && x.image === image, 10_000);
    if (m.type !== 'snapshot') continue;
    messages++;
    chats += m.chats.length;
    if (!m.more) return { messages, chats, seq: m.seq };
  }
}

test('200 subscribes for a 3.4 MB image in four frames: one snapshot, 199 empty replays, no frame past 1 MiB, the server goes on', async () => {
  const attacker = await client();
  const framesBefore = attacker.frames.length;
  // Written at once, so the server reads the four frames in one go.
  tcp(attacker).cork();
  for (let f = 0; f < 4; f++) attacker.send(Array.from({ length: 50 }, () => ({ type: 'subscribe', image: IMAGE })));
  tcp(attacker).uncork();
  const snapshot = await takeSnapshot(attacker, IMAGE);
  assert.equal(snapshot.chats, 275);
  assert.ok(snapshot.messages > 1, 'sent in pages');
  for (let i = 0; i < 199; i++) {
    const m = await attacker.take((x) => x.type === 'replay' || x.type === 'snapshot', 10_000);
    assert.deepEqual(m, { type: 'replay', image: IMAGE, events: [] }, `answer ${i + 2} is what the socket missed: nothing`);
  }
  await attacker.sync();
  assert.equal(attacker.inbox.filter((m) => m.type === 'snapshot').length, 0, 'no second snapshot');
  const sizes = attacker.frames.slice(framesBefore).map((f) => Buffer.byteLength(f));
  assert.ok(Math.max(...sizes) <= MAX_OUT_FRAME_BYTES, `largest frame ${Math.max(...sizes)} B`);

  // Still up and serving: another visitor gets the same picture, health answers.
  const visitor = await client();
  visitor.send({ type: 'subscribe', image: IMAGE });
  assert.equal((await takeSnapshot(visitor, IMAGE)).chats, 275);
  assert.equal((await get('/healthz')).status, 200);
});

test('a socket asking for snapshot after snapshot (unsubscribe, subscribe) without reading is closed with 1013', async () => {
  const flooder = await client();
  const opened = server.core.connectionCount;
  tcp(flooder).pause(); // reads nothing from now on
  for (let f = 0; f < 4; f++) {
    flooder.send(Array.from({ length: 25 }, () => [{ type: 'unsubscribe', image: IMAGE }, { type: 'subscribe', image: IMAGE }]).flat());
  }
  // 100 snapshots of 3.4 MB would be 340 MB; the server sends pages only as the socket drains.
  while (server.core.connectionCount >= opened) await new Promise((resolve) => setTimeout(resolve, 20));
  tcp(flooder).resume();
  assert.equal((await flooder.closed).code, 1013);
  const visitor = await client();
  visitor.send({ type: 'subscribe', image: IMAGE });
  assert.equal((await takeSnapshot(visitor, IMAGE)).chats, 275, 'the server goes on');
});

function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('REST chats streams the same JSON as before, a page at a time; HEAD answers without a body', async () => {
  const path = `/api/v1/tenants/demo/images/${IMAGE}/chats`;
  const r = await get(path);
  assert.equal(r.status, 200);
  assert.equal(r.headers['transfer-encoding'], 'chunked', 'streamed, not built whole');
  const snap = await server.core.store.snapshot('demo', IMAGE);
  assert.equal(r.body, JSON.stringify({ image: IMAGE, epoch: snap.epoch, seq: snap.seq, chats: snap.chats }));
  const empty = await get('/api/v1/tenants/demo/images/nothing/chats');
  assert.deepEqual(JSON.parse(empty.body), { image: 'nothing', ...(await server.core.store.snapshot('demo', 'nothing')) });
  const head = await get(path, 'HEAD');
  assert.deepEqual([head.status, head.body], [200, '']);
});

test('REST clients that stop reading are cut off and free the snapshot reads for the next ones', { timeout: 60_000 }, async () => {
  // About 8.4 MB of JSON: more than the connection buffers hold for a client that reads nothing.
  const big = 'heavier.png';
  for (let i = 0; i < 700; i++) {
    await server.core.store.apply('demo', big, { type: 'create-image-chat', image: big, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: '\u0002'.repeat(2000) }, { id: 'g_guest', name: 'Guest', kind: 'guest' });
  }
  const path = `/api/v1/tenants/demo/images/${big}/chats`;
  // More clients that never read than the store reads snapshots at once (4): were they not cut off,
  // they would hold every read for ever and the next request would never be served.
  const stalled: Socket[] = [];
  await Promise.all(
    Array.from({ length: 6 }, () =>
      new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
          res.socket.pause(); // reads no more of the body
          stalled.push(res.socket);
          resolve();
        });
        req.on('error', reject);
        req.end();
      }),
    ),
  );
  const next = await get(path);
  assert.equal(next.status, 200);
  assert.equal(JSON.parse(next.body).chats.length, 700);
  for (const socket of stalled) socket.destroy();
});
