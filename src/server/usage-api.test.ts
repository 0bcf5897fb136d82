// The usage routes over a real server (SQLite file, ws sockets) on an injected clock: exact
// counts at once, hours and days, peaks, CSV (parsed by an RFC 4180 reader written here), the
// top images, and every refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { CSV_COLUMNS } from './api-usage.ts';
import { decodeServerFrame } from '../protocol/decode.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 24); // 2026-11-24T00:00Z
const iso = (ms: number) => new Date(ms).toISOString();
const dir = mkdtempSync(join(tmpdir(), 'image-chat-usage-api-'));
const clock = new FakeTimers();
let server: RunningServer;
const clients: TestClient[] = [];
const busy = { limits: { actionBurst: 1000, actionsPerMinute: 100_000 } };

before(async () => {
  clock.t = T0 + 10 * HOUR + 30 * 60_000; // 10:30
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(dir, 'usage.sqlite'),
    staticRoot: dir,
    clock,
    tenants: testTenants(testTenant('counted', busy), testTenant('hours', busy), testTenant('sheet', busy), testTenant('ranked', busy)),
  });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(tenant: string, name: string): Promise<TestClient> {
  const c = await TestClient.open(server.url, tenant);
  clients.push(c);
  await c.hello({ name });
  return c;
}

async function api(path: string, tenant: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${apiKeyOf(tenant)}`, ...headers } });
}

interface Counts {
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
  commentCount: number;
  peakConnections: number;
}
interface UsageAnswer {
  tenant: string;
  from: string;
  to: string;
  granularity: string;
  totals: Counts;
  series: (Counts & { start: string })[];
  connections: number;
  conversations: number;
}

async function usage(tenant: string, query = ''): Promise<UsageAnswer> {
  const res = await api(`/api/v1/tenants/${tenant}/usage${query}`, tenant);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return (await res.json()) as UsageAnswer;
}

async function create(c: TestClient, image: string, text = 'hello'): Promise<string> {
  const broadcastId = randomUUID();
  c.send({ type: 'create-image-chat', image, broadcastId, x: 0.5, y: 0.5, text });
  const ack = await c.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
  assert.ok(ack.type === 'ack' && ack.chat, 'created');
  return ack.chat.id;
}

async function reply(c: TestClient, image: string, chatId: string, text = 'reply'): Promise<void> {
  const broadcastId = randomUUID();
  c.send({ type: 'update-image-chat', image, broadcastId, chatId, change: { kind: 'add-comment', text } });
  await c.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
}

/** Waits for the server's view of the open sockets (a close reaches it asynchronously). */
async function connections(n: number): Promise<void> {
  for (let i = 0; i < 1000 && server.core.connectionCount !== n; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(server.core.connectionCount, n);
}

/** RFC 4180: records end with CRLF; a quoted field may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (text[i] === '"') break;
        else field += text[i];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`a record must end with CRLF at ${i}`);
    records.push(record);
    record = [];
    i += 2;
    if (i === text.length) return records;
  }
}

test('the RFC 4180 reader of these tests reads quoting as the RFC says', () => {
  assert.deepEqual(parseCsv('a,"b,c","d""e","f\r\ng",\r\n1,2,3,4,5\r\n'), [['a', 'b,c', 'd"e', 'f\r\ng', ''], ['1', '2', '3', '4', '5']]);
  assert.throws(() => parseCsv('a,b\n'), /CRLF/);
  assert.throws(() => parseCsv('a"b\r\n'), /quote/);
});

describe('usage API', () => {
  test('N creates and M replies are exactly N conversations created and N + M comments, at once; messages and bytes are what the sockets received', async () => {
    const [writer, watcher] = [await client('counted', 'W'), await client('counted', 'V')];
    watcher.send({ type: 'subscribe', image: 'one.png' });
    await watcher.take('snapshot');
    const N = 6;
    const M = 9;
    const chats: string[] = [];
    for (let i = 0; i < N; i++) chats.push(await create(writer, i % 2 ? 'one.png' : 'two.png', `conversation ${i}`));
    for (let i = 0; i < M; i++) await reply(writer, i % 2 ? 'one.png' : 'two.png', chats[i % 2 ? 1 : 0]!, `reply ${i}`);
    // The last event of one.png has reached the watcher: so has everything the server wrote (the writer took its acks).
    await watcher.take((m) => m.type === 'image-chat-updated' && m.change.kind === 'add-comment' && m.change.comment.text === `reply ${M - 2}`);
    const u = await usage('counted');
    assert.equal(u.totals.conversationCreateCount, N);
    assert.equal(u.totals.commentCount, N + M);
    assert.equal(u.conversations, N);
    assert.equal(u.connections, 2);
    assert.equal(u.totals.peakConnections, 2);
    const received = [...writer.frames, ...watcher.frames];
    const messages = received.flatMap((f) => decodeServerFrame(f));
    assert.equal(u.totals.pubSubMessageCount, messages.length);
    assert.equal(u.totals.pubSubBandwidth, received.reduce((n, f) => n + Buffer.byteLength(f), 0));

    const res = await api('/api/v1/tenants/counted/images?sort=activity', 'counted');
    assert.equal(res.status, 200);
    const { images, tenant, from, to } = (await res.json()) as { tenant: string; from: string; to: string; images: Record<string, unknown>[] };
    assert.deepEqual([tenant, from, to], ['counted', u.from, u.to], 'the same default range: the last 24 hours');
    const aboutOne = messages.filter((m) => 'image' in m && m.image === 'one.png');
    assert.deepEqual(images, [
      { image: 'two.png', conversations: 3, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 3, commentCount: 3 + 5 },
      {
        image: 'one.png', conversations: 3,
        pubSubMessageCount: aboutOne.length,
        pubSubBandwidth: aboutOne.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0),
        conversationCreateCount: 3, commentCount: 3 + 4,
      },
    ]);
  });

  test('hours and days on the injected clock: every bucket present, counters summed, the peak a max (connections held count in later hours)', async () => {
    clock.t = T0 + 10 * HOUR + 60_000; // 10:01
    const a = await client('hours', 'A');
    const b = await client('hours', 'B');
    const c = await client('hours', 'C');
    await create(a, 'h.png');
    await Promise.all([b.close(), c.close()]);
    await connections(clients.filter((x) => x.ws.readyState === x.ws.OPEN).length);
    clock.t = T0 + 13 * HOUR + 5 * 60_000; // 13:05: only A is still open
    await usage('hours'); // a read flushes: it records the connections held now, in 13:00
    const d = await client('hours', 'D');
    await create(d, 'h.png');
    await create(d, 'h.png');
    const day = `from=${iso(T0)}&to=${iso(T0 + 24 * HOUR)}`;
    const hourly = await usage('hours', `?${day}`);
    assert.equal(hourly.granularity, 'hour');
    assert.deepEqual([hourly.from, hourly.to], [iso(T0), iso(T0 + 24 * HOUR)]);
    assert.deepEqual(hourly.series.map((s) => s.start), Array.from({ length: 24 }, (_, h) => iso(T0 + h * HOUR)));
    const active = hourly.series.map((s, h) => [h, s.conversationCreateCount, s.commentCount, s.peakConnections]).filter(([, ...n]) => n.some(Boolean));
    assert.deepEqual(active, [[10, 1, 1, 3], [13, 2, 2, 2]]);
    assert.deepEqual(hourly.series[0], { start: iso(T0), pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 });
    assert.equal(hourly.totals.peakConnections, 3, 'the max over the range, not a sum');
    assert.equal(hourly.totals.conversationCreateCount, 3);
    assert.equal(hourly.totals.pubSubMessageCount, hourly.series.reduce((n, s) => n + s.pubSubMessageCount, 0));

    const daily = await usage('hours', `?granularity=day&from=${T0 + 5 * HOUR}&to=${T0 + 48 * HOUR - 1}`);
    assert.deepEqual([daily.from, daily.to, daily.granularity], [iso(T0), iso(T0 + 24 * HOUR), 'day'], 'epoch ms, floored to UTC days');
    assert.equal(daily.series.length, 1);
    assert.deepEqual(daily.series[0], { start: iso(T0), ...hourly.totals });
    assert.deepEqual(daily.totals, hourly.totals);

    const byDefault = await usage('hours', '?granularity=day');
    assert.equal(byDefault.series.length, 30, 'the last 30 days by default');
    assert.equal(byDefault.to, iso(T0 + 24 * HOUR), 'up to the end of today');
    const sinceNoon = await usage('hours', '?from=2026-11-24T13:00:00%2B01:00'); // 12:00 UTC, to the end of the hour holding now
    assert.deepEqual([sinceNoon.from, sinceNoon.to, sinceNoon.series.length], [iso(T0 + 12 * HOUR), iso(T0 + 14 * HOUR), 2]);
    assert.equal(sinceNoon.totals.conversationCreateCount, 2);
  });

  test('CSV with Accept: text/csv: RFC 4180, the JSON series line by line', async () => {
    const w = await client('sheet', 'S');
    await create(w, 's.png', 'a "quoted", comma text');
    const query = `?from=${iso(T0)}&to=${iso(T0 + 24 * HOUR)}`;
    const json = await usage('sheet', query);
    const res = await api(`/api/v1/tenants/sheet/usage${query}`, 'sheet', { accept: 'text/csv' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(await res.text());
    assert.deepEqual(header, [...CSV_COLUMNS]);
    assert.deepEqual(rows, json.series.map((s) => [s.start, s.pubSubMessageCount, s.pubSubBandwidth, s.conversationCreateCount, s.commentCount, s.peakConnections].map(String)));
    assert.equal(rows.filter((r) => r[3] === '1').length, 1, 'the create is in one hour');
    for (const accept of ['application/json', '*/*', 'text/csv;q=0.5, application/json', '']) {
      const other = await api(`/api/v1/tenants/sheet/usage${query}`, 'sheet', accept ? { accept } : {});
      assert.match(other.headers.get('content-type') ?? '', /^application\/json/, accept);
    }
    const preferred = await api(`/api/v1/tenants/sheet/usage${query}`, 'sheet', { accept: 'application/json;q=0.9, text/csv' });
    assert.match(preferred.headers.get('content-type') ?? '', /^text\/csv/);
  });

  test('images?sort=activity: limit, range and ranking', async () => {
    const w = await client('ranked', 'R');
    for (const [image, n] of [['b.png', 2], ['a.png', 2], ['c.png', 3], ['d.png', 1]] as const) for (let i = 0; i < n; i++) await create(w, image);
    const get = async (query: string) => {
      const res = await api(`/api/v1/tenants/ranked/images${query}`, 'ranked');
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { images: { image: string }[] }).images.map((i) => i.image);
    };
    assert.deepEqual(await get(''), ['c.png', 'a.png', 'b.png', 'd.png'], 'sort=activity is the default');
    assert.deepEqual(await get('?sort=activity&limit=2'), ['c.png', 'a.png']);
    assert.deepEqual(await get(`?from=${iso(T0 - 24 * HOUR)}&to=${iso(T0)}`), [], 'nothing yesterday');
  });

  test('bad parameters are 400 with a sentence', async () => {
    const cases = [
      '/usage?granularity=week',
      '/usage?from=yesterday',
      '/usage?from=2026-02-30',
      '/usage?from=2026-11-24T25:00Z',
      '/usage?to=-5',
      '/usage?from=1e12',
      `/usage?from=${T0 + 5 * HOUR}&to=${T0 + 5 * HOUR}`,
      `/usage?from=${T0 + 5 * HOUR}&to=${T0}`,
      `/usage?from=${T0}&to=${T0 + 2001 * HOUR}`,
      `/usage?granularity=day&from=${T0}&to=${T0 + 2001 * 24 * HOUR}`,
      '/usage?from=1&from=2',
      '/images?sort=recent',
      '/images?limit=0',
      '/images?limit=101',
      '/images?limit=ten',
      `/images?from=${T0}&to=${T0 + 2001 * 24 * HOUR}`,
    ];
    for (const path of cases) {
      const res = await api(`/api/v1/tenants/counted${path}`, 'counted');
      assert.equal(res.status, 400, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'invalid', path);
      assert.ok(body.error.message.length > 10, path);
    }
    const longest = await api(`/api/v1/tenants/counted/usage?from=${T0}&to=${T0 + 2000 * HOUR}`, 'counted');
    assert.equal(longest.status, 200, '2,000 hours is allowed');
    assert.equal(((await longest.json()) as UsageAnswer).series.length, 2000);
  });

  test('401 without a key, 403 with a wrong one or another tenant\'s, 404 for an unknown tenant', async () => {
    for (const route of ['usage', 'images?sort=activity']) {
      const none = await fetch(`${server.url}/api/v1/tenants/counted/${route}`);
      assert.equal(none.status, 401, route);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'unauthorized');
      assert.equal((await fetch(`${server.url}/api/v1/tenants/counted/${route}`, { headers: { authorization: 'Bearer not-the-key' } })).status, 403, route);
      assert.equal((await api(`/api/v1/tenants/counted/${route}`, 'hours')).status, 403, `${route}: another tenant's key`);
      assert.equal((await api(`/api/v1/tenants/nobody/${route}`, 'counted')).status, 404, route);
      assert.equal((await api(`/api/v1/tenants/counted/${route}${route.includes('?') ? '&' : '?'}granularity=week&limit=0`, 'hours')).status, 403, 'refused before the parameters are read');
    }
  });
});
