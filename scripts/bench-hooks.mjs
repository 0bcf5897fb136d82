// The metrics hooks' cost on the hot path (`node scripts/bench-hooks.mjs`): one ChatCore (SQLite in
// memory, in-process bus), SOCKETS in-memory sockets on one image, one writer's creates; per event,
// the ms from the create's frame arriving to the event handed to every socket. Blocks of PER_BLOCK
// events alternate between the /metrics histograms (src/core/timings.ts) and the same hooks made
// no-ops, in one process, so a loaded machine weighs on both alike. No network: this is the
// core's own work, where the hooks' share is largest (a real socket's send costs several µs more).
import { randomUUID } from 'node:crypto';
import { tsImport } from 'tsx/esm/api';

const SOCKETS = Number(process.env.BENCH_HOOK_SOCKETS ?? 2000);
const BLOCKS = Number(process.env.BENCH_HOOK_BLOCKS ?? 30);
const PER_BLOCK = Number(process.env.BENCH_HOOK_EVENTS ?? 10);

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];

export async function hookCost() {
  const { ChatCore } = await tsImport('../src/core/core.ts', import.meta.url);
  const { SqliteStore } = await tsImport('../src/store/sqlite/sqlite-store.ts', import.meta.url);
  const { InProcessBus } = await tsImport('../src/bus/bus.ts', import.meta.url);
  const { Tenants } = await tsImport('../src/core/tenants.ts', import.meta.url);
  const { testTenant } = await tsImport('../test/support/test-tenants.ts', import.meta.url);
  const limits = { connectionsPerIp: 1e6, actionsPerMinute: 1e6, actionBurst: 1e6, maxChatsPerImage: 1e6 };
  const store = new SqliteStore(':memory:');
  const core = new ChatCore({ store, bus: new InProcessBus(), guestSecret: 'bench-secret-0123456789', log: () => {}, tenants: new Tenants([testTenant('demo', { limits })]) });
  let waiting = 0;
  let wake;
  let ready = 0;
  const socket = () => ({
    bufferedAmount: 0,
    send(data) {
      if (data.includes('"type":"snapshot"')) ready++;
      if (data.includes('"type":"new-image-chat"') && --waiting === 0) wake();
    },
    close() {},
  });
  const conns = Array.from({ length: SOCKETS }, (_, i) => {
    const conn = core.connect(socket(), { tenant: 'demo' });
    conn.receive(JSON.stringify([{ type: 'hello', name: `L${i}` }, { type: 'subscribe', image: 'img' }]));
    return conn;
  });
  while (ready < SOCKETS) await new Promise((r) => setTimeout(r, 10));
  const timings = core.metrics.timings;
  const noop = { acking: () => undefined, committed() {}, fanningOut: () => undefined, written() {}, answered() {} };
  const samples = { on: [], off: [] };
  for (let b = 0; b < BLOCKS * 2; b++) {
    const mode = b % 2 === 0 ? 'on' : 'off';
    core.metrics.timings = mode === 'on' ? timings : noop;
    for (let i = 0; i < PER_BLOCK; i++) {
      waiting = SOCKETS;
      const done = new Promise((r) => (wake = r));
      const t0 = performance.now();
      conns[0].receive(JSON.stringify({ type: 'create-image-chat', image: 'img', broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'x'.repeat(100) }));
      await done;
      samples[mode].push(performance.now() - t0);
    }
  }
  core.metrics.timings = timings;
  for (const conn of conns) conn.close();
  await core.close();
  await store.close();
  const figures = (s) => {
    s.sort((a, b) => a - b);
    return `p50 ${pct(s, 0.5).toFixed(2)} ms, p99 ${pct(s, 0.99).toFixed(2)} ms, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2)} ms`;
  };
  return { events: samples.on.length, on: figures(samples.on), off: figures(samples.off) };
}

export async function reportHookCost() {
  const r = await hookCost();
  console.log(`hooks   create → event handed to all ${SOCKETS} in-memory sockets, one core, ${r.events} events each: with the /metrics histograms ${r.on}`);
  console.log(`  peer  the same hooks made no-ops, blocks alternated in the same run: ${r.off}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await reportHookCost();
