// 10,000 random and mutated frames from one acme guest. Seeded (FUZZ_SEED=n to
// replay a run; the seed is printed). Every answer is a well-formed, typed
// message; the server stays up; what the fuzzer may not touch (another
// author's conversation, another tenant) stays byte for byte the same, and
// another tenant's observer of the same image id receives nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ServerMessage } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { prng } from '../../test/support/prng.ts';

const FRAMES = 10_000;
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const dir = mkdtempSync(join(tmpdir(), 'image-chat-fuzz-'));
const file = join(dir, 'fuzz.sqlite');
let server: RunningServer;

before(async () => {
  // A generous rate so the fuzzer's valid actions reach the store too.
  const tenants = testTenants(testTenant('fuzz', { limits: { actionsPerMinute: 1_000_000, actionBurst: 1_000_000, maxChatsPerImage: 50 } }));
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: file, staticRoot: dir, tenants });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const ERROR_CODES = new Set(['unauthorized', 'forbidden', 'invalid', 'not-found', 'rate-limited', 'too-large', 'unavailable']);
const ANSWERS = new Set(['error', 'ack', 'pong', 'snapshot', 'replay', 'new-image-chat', 'image-chat-updated', 'deleted-image-chat', 'welcome']);

/** The rows the fuzzer must not be able to change: other tenants, and acme's seeded conversation. */
function protectedRows(chatId: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const rows = {
      other: ['images', 'chats', 'comments', 'events'].map((t) => db.prepare(`SELECT * FROM ${t} WHERE tenant != 'fuzz' ORDER BY 1, 2, 3`).all()),
      // Anyone may reply to it or resolve it; only its author may move, edit or delete it.
      seeded: db.prepare(`SELECT id, x, y, author_id, author_name, created_at FROM chats WHERE tenant = 'fuzz' AND id = ?`).all(chatId),
      opening: db.prepare(`SELECT * FROM comments WHERE tenant = 'fuzz' AND chat_id = ? ORDER BY rowid LIMIT 1`).all(chatId),
    };
    return JSON.stringify(rows);
  } finally {
    db.close();
  }
}

test(`fuzz: ${FRAMES} random and mutated frames`, { timeout: 60_000 }, async () => {
  console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} replays this run)`);
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const images = ['f.png', 'g.png', 'https://example.com/x.png'];

  // Another author's conversation the fuzzer knows the ids of, and a globex observer of the same images.
  const owner = await TestClient.open(server.url, 'fuzz');
  await owner.hello({ name: 'Owner' });
  const seededBroadcastId = crypto.randomUUID();
  owner.send({ type: 'create-image-chat', image: 'f.png', broadcastId: seededBroadcastId, x: 0.3, y: 0.3, text: 'not yours' });
  const ack = await owner.take('ack');
  assert.ok(ack.type === 'ack' && ack.chat, 'seeded');
  const seeded = ack.chat;
  await owner.close();
  const globex = await TestClient.open(server.url, 'globex');
  await globex.hello({ name: 'Observer' });
  globex.send({ type: 'create-image-chat', image: 'f.png', broadcastId: crypto.randomUUID(), x: 0.9, y: 0.9, text: 'globex' });
  await globex.take('ack');
  for (const image of images) {
    globex.send({ type: 'subscribe', image });
    await globex.take('snapshot');
  }
  const before = protectedRows(seeded.id);

  const ids = [seeded.id, seeded.comments[0]!.id, 'nope', ''];
  const values: unknown[] = [
    null, true, false, 0, -1, 1, 0.5, 1e308, -1e-308, 2 ** 53, '', ' ', 'x', '\u0000', '😀', '__proto__', 'constructor',
    [], {}, [1, 2], { a: 1 }, 'a'.repeat(3000), crypto.randomUUID(), ...ids,
  ];
  const valid = (): Record<string, unknown> => {
    const image = pick(images);
    const broadcastId = crypto.randomUUID();
    const chatId = pick(ids);
    switch (int(9)) {
      case 0: return { type: 'hello', name: 'Fuzz' };
      case 1: return { type: 'subscribe', image };
      case 2: return { type: 'unsubscribe', image };
      case 3: return { type: 'create-image-chat', image, broadcastId, x: rand(), y: rand(), text: 'fuzz' };
      case 4: return { type: 'update-image-chat', image, broadcastId, chatId, change: pick([
        { kind: 'add-comment', text: 'r' }, { kind: 'edit-comment', commentId: pick(ids), text: 'e' },
        { kind: 'delete-comment', commentId: pick(ids) }, { kind: 'move', x: rand(), y: rand() }, { kind: 'resolve', resolved: rand() < 0.5 },
      ]) };
      case 5: return { type: 'delete-image-chat', image, broadcastId, chatId };
      case 6: return { type: 'subscribe', image, since: { epoch: 'e', seq: int(5) } };
      case 7: return { type: 'hello', token: 'x.y.z' };
      default: return { type: 'ping' };
    }
  };
  const mutate = (m: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...m };
    const keys = Object.keys(out);
    switch (int(5)) {
      case 0: out[pick(keys)] = pick(values); break;
      case 1: delete out[pick(keys)]; break;
      case 2: out[pick(['__proto__', 'constructor', 'role', 'author', 'tenant', 'seq'])] = pick(values); break;
      case 3: if (typeof out.change === 'object' && out.change) out.change = { ...(out.change as object), [pick(['kind', 'text', 'x', 'commentId'])]: pick(values) }; break;
      default: out.type = pick(['ack', 'welcome', 'snapshot', 'error', 'HELLO', '', 'create-image-chat ', pick(values)]);
    }
    return out;
  };
  const textOf = (): string => {
    const r = rand();
    if (r < 0.35) return JSON.stringify(valid());
    if (r < 0.7) return JSON.stringify(mutate(valid()));
    if (r < 0.8) return JSON.stringify(Array.from({ length: 1 + int(4) }, () => (rand() < 0.5 ? valid() : mutate(valid()))));
    const s = JSON.stringify(valid());
    if (r < 0.9) {
      // Byte-level damage: flip, drop or duplicate characters.
      const chars = [...s];
      for (let k = 0; k < 1 + int(4); k++) {
        const i = int(chars.length);
        const op = int(3);
        if (op === 0) chars[i] = String.fromCharCode(int(128));
        else if (op === 1) chars.splice(i, 1);
        else chars.splice(i, 0, chars[i] ?? '{');
      }
      return chars.join('');
    }
    if (r < 0.95) return s.slice(0, int(s.length));
    return Array.from({ length: int(200) }, () => String.fromCharCode(int(0xd800))).join('');
  };

  let c = await TestClient.open(server.url, 'fuzz');
  await c.hello({ name: 'Fuzz' });
  const tally = new Map<string, number>();
  const acked = new Set<string>();
  let sent = 0;
  const started = Date.now();
  const check = (m: ServerMessage) => {
    assert.ok(ANSWERS.has(m.type), `unexpected message type ${JSON.stringify(m).slice(0, 200)}`);
    if (m.type === 'error') {
      assert.ok(ERROR_CODES.has(m.code), `untyped error ${JSON.stringify(m)}`);
      assert.ok(typeof m.message === 'string' && m.message.length > 0, 'an error says why');
      tally.set(m.code, (tally.get(m.code) ?? 0) + 1);
      assert.notEqual(m.code, 'unavailable', `a fault: ${m.message}`);
    } else tally.set(m.type, (tally.get(m.type) ?? 0) + 1);
    // A repeated broadcastId is acked again without a new event: count each once.
    if (m.type === 'ack') acked.add(m.broadcastId);
  };
  while (sent < FRAMES) {
    // 50 frames, then a ping round trip so nothing piles up past the pending limit.
    for (let k = 0; k < 50 && sent < FRAMES; k++, sent++) c.send(textOf());
    try {
      await c.sync();
    } catch {
      // A frame closed the connection (a repeated token hello: 4401): note it and carry on with a new one.
      const { code } = await c.closed;
      assert.ok([4401, 1009].includes(code), `closed with ${code}`);
      tally.set(`closed ${code}`, (tally.get(`closed ${code}`) ?? 0) + 1);
      for (const m of c.inbox.splice(0)) check(m);
      c = await TestClient.open(server.url, 'fuzz');
      await c.hello({ name: 'Fuzz' });
      continue;
    }
    for (const m of c.inbox.splice(0)) check(m);
  }
  await c.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(`fuzz: ${sent} frames in ${seconds.toFixed(1)} s; answers: ${[...tally].map(([k, v]) => `${k} ${v}`).join(', ')}`);

  // The stored actions of the fuzz tenant (beyond the seeded one) are exactly the acked ones. Compared by
  // broadcastId, not by count: a mutation can reuse one UUID on two images, which are two actions
  // (a broadcastId is idempotent per image), acked under the one id.
  const db = new Database(file, { readonly: true });
  const stored = db.prepare(`SELECT DISTINCT broadcast_id AS id FROM events WHERE tenant = 'fuzz'`).all() as { id: string }[];
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  const storedIds = new Set(stored.map((r) => r.id));
  storedIds.delete(seededBroadcastId);
  assert.deepEqual([...storedIds].sort(), [...acked].sort(), 'every stored action was acked, and only those');
  assert.equal(integrity, 'ok');
  assert.equal(protectedRows(seeded.id), before, 'the protected rows changed');
  await globex.sync();
  assert.deepEqual(globex.inbox, [], 'the other tenant received nothing');
  await globex.close();
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});
