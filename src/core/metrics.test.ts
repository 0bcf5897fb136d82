// The core's /metrics series: tenant label values are capped, and fan-out is timed from the
// commit when this node made it, from its arrival in order when another node did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { InProcessBus } from '../bus/bus.ts';
import { ChatCore } from './core.ts';
import { Metrics } from './metrics.ts';
import { CoreClient } from '../../test/support/core-client.ts';
import { parsePrometheusText, valueOf } from '../../test/support/prometheus-text.ts';

test('past 1000 tenants, new ones share the label _other; the totals still hold everyone', async () => {
  const metrics = new Metrics();
  for (let i = 0; i < 1005; i++) metrics.connectionOpened(`t${i}`);
  const families = parsePrometheusText(await metrics.prometheus(true).metrics());
  const connections = families.get('image_chat_connections')!.samples;
  assert.equal(connections.length, 1001, 'the first 1000 and _other');
  assert.equal(valueOf(families, 'image_chat_connections', { tenant: 't999' }), 1);
  assert.equal(valueOf(families, 'image_chat_connections', { tenant: '_other' }), 5);
  const totals = parsePrometheusText(await metrics.prometheus(false).metrics());
  assert.equal(valueOf(totals, 'image_chat_connections'), 1005);
});

test('two nodes on one bus: the writer node times fan-out from its commit (local), the other from arrival (remote)', async () => {
  const store = new SqliteStore(':memory:');
  const bus = new InProcessBus();
  const node = () => new ChatCore({ store, bus, guestSecret: 'test-secret-0123456789', log: () => {} });
  const [a, b] = [node(), node()];
  const writer = await CoreClient.open(a, 'demo', 'Writer');
  const listener = await CoreClient.open(b, 'demo', 'Listener');
  for (const c of [writer, listener]) {
    c.say({ type: 'subscribe', image: 'img' });
    await c.until(() => c.messages.some((m) => m.type === 'snapshot'), 'the snapshot');
  }
  for (let i = 0; i < 3; i++) writer.create('img', `marker ${i}`);
  await listener.until(() => listener.seqs('img').length === 3, 'three events on the other node');
  await writer.until(() => writer.seqs('img').length === 3 && writer.messages.filter((m) => m.type === 'ack').length === 3, 'acks and events');
  const fanOut = async (core: ChatCore, origin: string) =>
    valueOf(parsePrometheusText(await core.metrics.prometheus(false).metrics()), 'image_chat_fanout_delay_seconds_count', { origin });
  assert.deepEqual([await fanOut(a, 'local'), await fanOut(a, 'remote')], [3, 0]);
  assert.deepEqual([await fanOut(b, 'local'), await fanOut(b, 'remote')], [0, 3]);
  const acks = parsePrometheusText(await a.metrics.prometheus(false).metrics());
  assert.equal(valueOf(acks, 'image_chat_action_duration_seconds_count', { action: 'create-image-chat' }), 3);
  writer.conn.close();
  listener.conn.close();
  await Promise.all([a.close(), b.close()]);
  await store.close();
});
