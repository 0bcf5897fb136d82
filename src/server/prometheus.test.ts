// /metrics through prom-client: it parses as Prometheus text, its counters move by exactly the
// raw-socket traffic a test made, its histograms observe every ack, fan-out and frame, and the
// subscribe answers are told apart; without METRICS_TOKEN no series names a tenant. Real servers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeServerFrame } from '../protocol/decode.ts';
import type { Chat, ServerMessage } from '../protocol/messages.ts';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { parsePrometheusText, valueOf } from '../../test/support/prometheus-text.ts';
import type { Family } from '../../test/support/prometheus-text.ts';
import { testTenants } from '../../test/support/test-tenants.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
const CREATES = 3;
const REPLIES = 2;
const DELETES = 1;
const EVENT_TYPES = new Set(['new-image-chat', 'image-chat-updated', 'deleted-image-chat']);

let open: RunningServer;
let guarded: RunningServer;
before(async () => {
  open = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants: testTenants() });
  guarded = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants: testTenants(), metricsToken: TOKEN });
});
after(async () => {
  await open.close();
  await guarded.close();
});

async function scrape(server: RunningServer, headers: Record<string, string> = {}): Promise<{ text: string; families: Map<string, Family> }> {
  const r = await httpCall(server.port, '/metrics', 'GET', headers);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return { text: r.body, families: parsePrometheusText(r.body) };
}

async function client(server: RunningServer, name: string): Promise<TestClient> {
  const c = await TestClient.open(server.url, 'acme');
  await c.hello({ name });
  return c;
}

const messagesOf = (c: TestClient): ServerMessage[] => c.frames.flatMap(decodeServerFrame);

/**
 * Writer and listener subscribe (two snapshots); the writer makes CREATES conversations,
 * REPLIES replies and DELETES deletes, each acked and seen by both; a late client subscribes
 * with `since` the last create (a replay). Returns what the three sockets received.
 */
async function traffic(server: RunningServer) {
  const image = `img-${randomUUID()}`;
  const writer = await client(server, 'Writer');
  const listener = await client(server, 'Listener');
  let epoch = '';
  for (const c of [writer, listener]) {
    c.send({ type: 'subscribe', image });
    const snapshot = await c.take('snapshot');
    if (snapshot.type === 'snapshot') epoch = snapshot.epoch;
  }
  const chats: Chat[] = [];
  const act = async (action: Record<string, unknown>) => {
    const broadcastId = randomUUID();
    writer.send({ ...action, image, broadcastId });
    const ack = await writer.take((m) => m.type === 'ack' && m.broadcastId === broadcastId);
    for (const c of [writer, listener]) await c.take((m) => EVENT_TYPES.has(m.type) && 'broadcastId' in m && m.broadcastId === broadcastId);
    return ack;
  };
  for (let i = 0; i < CREATES; i++) {
    const ack = await act({ type: 'create-image-chat', x: 0.5, y: 0.5, text: `marker ${i}` });
    if (ack.type === 'ack' && ack.chat) chats.push(ack.chat);
  }
  for (let i = 0; i < REPLIES; i++) await act({ type: 'update-image-chat', chatId: chats[0]!.id, change: { kind: 'add-comment', text: `reply ${i}` } });
  for (let i = 0; i < DELETES; i++) await act({ type: 'delete-image-chat', chatId: chats[1 + i]!.id });
  const late = await client(server, 'Late');
  late.send({ type: 'subscribe', image, since: { epoch, seq: CREATES } });
  const replay = await late.take('replay');
  assert.equal(replay.type === 'replay' && replay.events.length, REPLIES + DELETES);
  const clients = [writer, listener, late];
  // Every frame the server sent before this round trip has arrived, and was counted before it was sent.
  for (const c of clients) await c.sync();
  const messages = clients.flatMap(messagesOf);
  return {
    clients,
    frames: clients.reduce((n, c) => n + c.frames.length, 0),
    bytes: clients.reduce((n, c) => n + c.frames.reduce((b, f) => b + Buffer.byteLength(f), 0), 0),
    messages: messages.length,
    broadcasts: messages.filter((m) => EVENT_TYPES.has(m.type)).length,
  };
}

test('with METRICS_TOKEN: counters per tenant move by exactly the traffic, histograms observe every ack, fan-out and frame', async () => {
  const t = await traffic(guarded);
  const { families } = await scrape(guarded, { authorization: `Bearer ${TOKEN}` });
  const acme = { tenant: 'acme' };
  const events = CREATES + REPLIES + DELETES;
  assert.equal(valueOf(families, 'image_chat_connections', acme), 3);
  assert.equal(valueOf(families, 'image_chat_events_total', acme), events);
  assert.equal(valueOf(families, 'image_chat_conversations_created_total', acme), CREATES);
  assert.equal(valueOf(families, 'image_chat_comments_posted_total', acme), CREATES + REPLIES);
  assert.equal(valueOf(families, 'image_chat_messages_sent_total', acme), t.messages);
  assert.equal(valueOf(families, 'image_chat_bytes_sent_total', acme), t.bytes);

  const actions = { 'create-image-chat': CREATES, 'update-image-chat': REPLIES, 'delete-image-chat': DELETES };
  for (const [action, acks] of Object.entries(actions)) {
    assert.equal(valueOf(families, 'image_chat_action_duration_seconds_count', { action }), acks, action);
    assert.ok(valueOf(families, 'image_chat_action_duration_seconds_sum', { action }) > 0, action);
  }
  // Writer and listener each got every event live; all were committed on this node.
  assert.equal(t.broadcasts, 2 * events);
  assert.equal(valueOf(families, 'image_chat_fanout_delay_seconds_count', { origin: 'local' }), t.broadcasts);
  assert.equal(valueOf(families, 'image_chat_fanout_delay_seconds_count', { origin: 'remote' }), 0);
  assert.equal(valueOf(families, 'image_chat_frame_messages_count'), t.frames);
  assert.equal(valueOf(families, 'image_chat_frame_messages_sum'), t.messages);
  assert.equal(valueOf(families, 'image_chat_subscribe_answers_total', { answer: 'snapshot' }), 2);
  assert.equal(valueOf(families, 'image_chat_subscribe_answers_total', { answer: 'replay' }), 1);
  for (const family of families.values()) {
    const perTenant = ['gauge', 'counter'].includes(family.type) && family.name.startsWith('image_chat_') && family.name !== 'image_chat_subscribe_answers_total';
    for (const s of family.samples) assert.equal('tenant' in s.labels, perTenant, `${s.name} ${JSON.stringify(s.labels)}`);
  }
  for (const c of t.clients) await c.close();
});

test('without METRICS_TOKEN: the same totals with no tenant anywhere, the histograms, event-loop lag and process metrics', async () => {
  const t = await traffic(open);
  const { text, families } = await scrape(open);
  assert.doesNotMatch(text, /tenant=|acme/);
  assert.equal(valueOf(families, 'image_chat_connections'), 3);
  assert.equal(valueOf(families, 'image_chat_events_total'), CREATES + REPLIES + DELETES);
  assert.equal(valueOf(families, 'image_chat_conversations_created_total'), CREATES);
  assert.equal(valueOf(families, 'image_chat_comments_posted_total'), CREATES + REPLIES);
  assert.equal(valueOf(families, 'image_chat_messages_sent_total'), t.messages);
  assert.equal(valueOf(families, 'image_chat_bytes_sent_total'), t.bytes);
  assert.equal(valueOf(families, 'image_chat_action_duration_seconds_count', { action: 'create-image-chat' }), CREATES);
  assert.equal(valueOf(families, 'image_chat_subscribe_answers_total', { answer: 'replay' }), 1);
  const expected: [string, string][] = [
    ['nodejs_eventloop_lag_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ['nodejs_gc_duration_seconds', 'histogram'],
    ['nodejs_heap_size_used_bytes', 'gauge'],
    ['process_cpu_seconds_total', 'counter'],
    ['process_resident_memory_bytes', 'gauge'],
    ['process_open_fds', 'gauge'],
  ];
  for (const [name, type] of expected) {
    assert.equal(families.get(name)?.type, type, name);
    assert.ok(families.get(name)!.type === 'histogram' || families.get(name)!.samples.length > 0, name);
  }
  assert.ok(valueOf(families, 'process_cpu_seconds_total') > 0);
  for (const c of t.clients) await c.close();
});

test('the Prometheus text check is not vacuous: it refuses a sample of an undeclared family and broken histograms', () => {
  const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1\\"2"} 3\n\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 2.5\nh_count 2\n';
  assert.equal(valueOf(parsePrometheusText(ok), 'a_total', { x: '1"2' }), 3);
  const bad: [string, RegExp][] = [
    ['# TYPE a_total counter\nb_total 1\n', /no declared family/],
    ['a_total 1\n# TYPE a_total counter\n', /no declared family/],
    ['# TYPE a counter\n# TYPE a counter\n', /declared twice/],
    ['# TYPE a gauge\na 1', /newline/],
    ['# TYPE a gauge\na  1\n', /value/],
    ['# TYPE a gauge\na{b="c} 1\n', /unterminated/],
    ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', /cumulative/],
    ['# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 2\n', /\+Inf bucket is not _count/],
  ];
  for (const [text, why] of bad) assert.throws(() => parsePrometheusText(text), why, text);
});
