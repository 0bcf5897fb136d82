// Every malformed frame is answered with `error invalid` and leaves the database byte for byte as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-frames-'));
const file = join(dir, 'frames.sqlite');
let server: RunningServer;
before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: file, staticRoot: dir, tenants: testTenants() });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Folds the WAL into the main file, then reads it: equal bytes mean nothing was written. */
function databaseBytes(): Buffer {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return readFileSync(file);
}

const image = 'frames.png';
const bid = () => randomUUID();
const create = (fields: Record<string, unknown> = {}) => ({ type: 'create-image-chat', image, broadcastId: bid(), x: 0.5, y: 0.5, text: 'ok', ...fields });

test('bad frames are refused as invalid and store nothing', async () => {
  const c = await TestClient.open(server.url, 'acme');
  await c.hello({ name: 'Fuzz' });
  c.send(create());
  const ack = await c.take('ack');
  assert.ok(ack.type === 'ack' && ack.chat, "ack.type === 'ack' && ack.chat");
  const chatId = ack.chat.id;
  const update = (change: unknown) => ({ type: 'update-image-chat', image, broadcastId: bid(), chatId, change });

  const snapshotBefore = await server.core.store.snapshot('acme', image);
  const bytesBefore = databaseBytes();

  const { text: _omit, ...missingText } = create();
  const cases: [string, string][] = [
    ['not JSON', '{"type": "ping"'],
    ['JSON null', 'null'],
    ['a bare number', '42'],
    ['an empty batch', '[]'],
    ['a batch over the limit', JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'ping' })))],
    ['unknown type', JSON.stringify({ type: 'explode' })],
    ['type missing', JSON.stringify({ image })],
    ['field missing', JSON.stringify(missingText)],
    ['extra field', JSON.stringify(create({ color: 'red' }))],
    ['x as a string', JSON.stringify(create({ x: '0.5' }))],
    ['x = 1.5', JSON.stringify(create({ x: 1.5 }))],
    ['y = -0.1', JSON.stringify(create({ y: -0.1 }))],
    ['x not finite (1e999)', JSON.stringify(create()).replace('"x":0.5', '"x":1e999')],
    ['empty text', JSON.stringify(create({ text: '' }))],
    ['whitespace text', JSON.stringify(create({ text: ' \n\t ' }))],
    ['2001-character text', JSON.stringify(create({ text: 'a'.repeat(2001) }))],
    ['__proto__ key', JSON.stringify(create()).replace('{', '{"__proto__":{"admin":true},')],
    ['broadcastId not a UUID', JSON.stringify(create({ broadcastId: 'abc' }))],
    ['image empty', JSON.stringify(create({ image: '' }))],
    ['image with a control character', JSON.stringify(create({ image: 'a\u0001b' }))],
    ['chatId with a bad character', JSON.stringify({ ...update({ kind: 'resolve', resolved: true }), chatId: 'a/b' })],
    ['unknown change kind', JSON.stringify(update({ kind: 'paint' }))],
    ['change with an extra field', JSON.stringify(update({ kind: 'resolve', resolved: true, by: 'me' }))],
    ['resolved not a boolean', JSON.stringify(update({ kind: 'resolve', resolved: 'yes' }))],
    ['move out of range', JSON.stringify(update({ kind: 'move', x: 2, y: 0 }))],
    ['add-comment empty', JSON.stringify(update({ kind: 'add-comment', text: '' }))],
    ['subscribe since with a negative seq', JSON.stringify({ type: 'subscribe', image, since: { epoch: 'e', seq: -1 } })],
  ];
  for (const [name, frame] of cases) {
    c.send(frame);
    const error = await c.take('error');
    assert.ok(error.type === 'error', name);
    assert.equal(error.code, 'invalid', `${name}: ${error.message}`);
    assert.ok(error.message.length > 0, name);
  }
  await c.sync();
  assert.deepEqual(c.inbox, [], 'one error per bad frame, nothing else');

  // A refused action names its broadcastId when it is well formed, so the client can roll back.
  const known = bid();
  c.send(create({ broadcastId: known, x: 7 }));
  const named = await c.take('error');
  assert.ok(named.type === 'error' && named.broadcastId === known, "named.type === 'error' && named.broadcastId === known");

  // A batch: each entry is judged alone, the good ones are answered in order around the bad one.
  const framesBefore = c.frames.length;
  c.send([{ type: 'ping' }, create({ y: 3 }), { type: 'ping' }]);
  const answers = [await c.take(() => true), await c.take(() => true), await c.take(() => true)];
  assert.deepEqual(answers.map((m) => (m.type === 'error' ? `error:${m.code}` : m.type)), ['pong', 'error:invalid', 'pong']);
  assert.equal(c.frames.length, framesBefore + 1, 'the three answers come back as one frame');

  assert.deepEqual(await server.core.store.snapshot('acme', image), snapshotBefore);
  assert.ok(databaseBytes().equals(bytesBefore), 'the database file changed');
  await c.close();
});
