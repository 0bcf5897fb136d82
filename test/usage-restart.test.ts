/**
 * Usage kept across restarts of the real server process on one SQLite file: a SIGTERM saves
 * every count (the shutdown flush), a `kill -9` loses only what was counted since the last
 * flush, and what a flush saved before the kill is still there.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { spawnServer } from './support/server-process.ts';
import type { ServerProcess } from './support/server-process.ts';
import { TestClient } from './support/test-client.ts';
import { decodeServerFrame } from '../src/protocol/decode.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-usage-restart-'));
const KEY = 'acme-usage-restart-api-key';
const tenants = join(dir, 'tenants.json');
writeFileSync(tenants, JSON.stringify({ tenants: [{ id: 'acme', origins: ['*'], apiKey: KEY, limits: { actionBurst: 1000, actionsPerMinute: 100000 } }] }));
const running: ServerProcess[] = [];
after(async () => {
  for (const p of running) if (p.alive()) (p.child.kill('SIGKILL'), await p.exited);
  rmSync(dir, { recursive: true, force: true });
});

async function start(file: string, flushMs: number): Promise<ServerProcess> {
  const p = await spawnServer({ DATABASE_URL: file, TENANTS_FILE: tenants, USAGE_FLUSH_MS: String(flushMs) });
  running.push(p);
  return p;
}

interface Totals {
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
  commentCount: number;
  peakConnections: number;
}

async function totals(server: ServerProcess): Promise<Totals> {
  const res = await fetch(`${server.url}/api/v1/tenants/acme/usage?granularity=day`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { totals: Totals }).totals;
}

/** `creates` conversations and `replies` replies on one image, each acked. */
async function traffic(c: TestClient, creates: number, replies: number): Promise<void> {
  let chatId: string | undefined;
  for (let i = 0; i < creates; i++) {
    const broadcastId = randomUUID();
    c.send({ type: 'create-image-chat', image: 'r.png', broadcastId, x: 0.5, y: 0.5, text: `c${i}` });
    const ack = await c.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
    if (ack.type === 'ack' && ack.chat) chatId = ack.chat.id;
  }
  for (let i = 0; i < replies; i++) {
    const broadcastId = randomUUID();
    c.send({ type: 'update-image-chat', image: 'r.png', broadcastId, chatId, change: { kind: 'add-comment', text: `r${i}` } });
    await c.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
  }
}

async function client(server: ServerProcess): Promise<TestClient> {
  const c = await TestClient.open(server.url, 'acme');
  await c.hello({ name: 'R' });
  return c;
}

/** The conversations created that the file holds, read as another process would. */
function createsOnDisk(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT coalesce(sum(creates), 0) AS n FROM usage_hours WHERE tenant = 'acme' AND image = ''").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('SIGTERM then a start on the same file: the same totals, every count of the last moments included', async () => {
  const file = join(dir, 'sigterm.sqlite');
  const first = await start(file, 600_000); // no timer flush during the test: only the shutdown saves
  const a = await client(first);
  const b = await client(first);
  b.send({ type: 'subscribe', image: 'r.png' });
  await b.take('snapshot');
  await traffic(a, 4, 6);
  await b.take((m) => m.type === 'image-chat-updated' && m.change.kind === 'add-comment' && m.change.comment.text === 'r5');
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
  await Promise.all([a.closed, b.closed]);
  const received = [...a.frames, ...b.frames];

  const second = await start(file, 600_000);
  const t = await totals(second);
  assert.equal(t.conversationCreateCount, 4);
  assert.equal(t.commentCount, 10);
  assert.equal(t.peakConnections, 2);
  assert.equal(t.pubSubMessageCount, received.flatMap((f) => decodeServerFrame(f)).length, 'every message written, the last ones included');
  assert.equal(t.pubSubBandwidth, received.reduce((n, f) => n + Buffer.byteLength(f), 0));
  second.child.kill('SIGTERM');
  await second.exited;
});

test('kill -9 loses at most what was counted since the last flush; what a flush saved survives', async () => {
  const file = join(dir, 'kill.sqlite');
  // A short interval: the timer's flushes put the counts on disk while the server runs.
  const first = await start(file, 100);
  await traffic(await client(first), 3, 0);
  while (createsOnDisk(file) < 3) await new Promise((r) => setTimeout(r, 20));
  first.child.kill('SIGKILL');
  await first.exited;

  // A long interval: only a read's flush saves, so the loss is exactly what came after it.
  const second = await start(file, 600_000);
  assert.equal((await totals(second)).conversationCreateCount, 3, 'flushed before the kill: kept');
  const c = await client(second);
  await traffic(c, 2, 0);
  assert.equal((await totals(second)).conversationCreateCount, 5, 'a read flushes this node\'s counts');
  await traffic(c, 4, 0); // counted in memory only
  second.child.kill('SIGKILL');
  await second.exited;

  const third = await start(file, 600_000);
  const t = await totals(third);
  assert.equal(t.conversationCreateCount, 5, 'the 4 creates after the last flush are lost, nothing else');
  assert.equal(t.commentCount, 5);
  third.child.kill('SIGTERM');
  await third.exited;
});
