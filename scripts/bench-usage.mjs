// Section 16 of `npm run bench` (also `node scripts/bench-usage.mjs` alone): what usage counting
// costs on the hot path. Four servers, each in its own process on its own SQLite file, two with
// usage counting on (the default: every frame written is counted per tenant, image and hour,
// flushed every 5 s) and two with it off (the core option `usage: {counting: false}`), started in
// the order on, off, off, on (a process started earlier was seen to use a little more CPU, whatever
// it runs); LISTENERS raw `ws` sockets subscribed on each, one writer per server. They are measured
// in turn, in rounds of ROUND_EVENTS creates at RATE/s, every other round in reverse order, so drift
// on the machine falls on both alike.
// Fan-out delay = create sent by the writer → the broadcast received by each listener (p50/p99 over
// every delivery), and the server's CPU time per event (every listener's frame included). Last, the
// counting call alone (UsageRecorder.sent, once per frame written), timed in this process.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { tsImport } from 'tsx/esm/api';

const LISTENERS = Number(process.env.BENCH_USAGE_LISTENERS ?? 500);
const RATE = Number(process.env.BENCH_USAGE_RATE ?? 20);
const ROUNDS = Number(process.env.BENCH_USAGE_ROUNDS ?? 6);
const ROUND_EVENTS = Number(process.env.BENCH_USAGE_ROUND_EVENTS ?? 50);
const TENANT = 'bench';
const IMAGE = 'usage-bench.png';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** A server process (scripts/bench-usage-node.mjs); `ask('cpu')` resolves with its CPU time in µs. */
async function serverProcess(file, counting) {
  const child = fork(fileURLToPath(new URL('./bench-usage-node.mjs', import.meta.url)), [file, counting], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the ${counting} server exited (${code}) before listening`)));
  });
  return {
    url,
    cpu: () => new Promise((resolve) => (child.once('message', (m) => resolve(m.cpu)), child.send('cpu'))),
    close: () => new Promise((resolve) => (child.once('exit', resolve), child.send('close'))),
  };
}

function socket(url, name, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=${TENANT}`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', name })));
    ws.on('message', (data) => {
      for (const m of [JSON.parse(String(data))].flat()) onMessage(ws, m, resolve);
    });
  });
}

/** LISTENERS sockets subscribed to the image; each delivery's delay goes to `sink.samples` while `sink.on`. */
async function listeners(url, sink) {
  const all = [];
  for (let from = 0; from < LISTENERS; from += 100) {
    all.push(...(await Promise.all(Array.from({ length: Math.min(100, LISTENERS - from) }, (_, k) =>
      socket(url, `L${from + k}`, (ws, m, ready) => {
        if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', image: IMAGE }));
        else if (m.type === 'snapshot') ready(ws);
        else if (m.type === 'new-image-chat') {
          sink.received++;
          if (sink.on) sink.samples.push(now() - Number(m.chat.comments[0].text.slice(2, m.chat.comments[0].text.indexOf(' '))));
        }
      })))));
  }
  return all;
}

async function writer(url) {
  const waiting = new Map();
  const ws = await socket(url, 'writer', (ws, m, ready) => {
    if (m.type === 'welcome') ready(ws);
    if (m.type === 'ack' && waiting.has(m.broadcastId)) (waiting.get(m.broadcastId)(), waiting.delete(m.broadcastId));
  });
  return {
    create(i) {
      const broadcastId = crypto.randomUUID();
      ws.send(JSON.stringify({ type: 'create-image-chat', image: IMAGE, broadcastId, x: (i % 97) / 97, y: (i % 89) / 89, text: `t=${now()} #${i} `.padEnd(100, '.') }));
      return new Promise((resolve) => waiting.set(broadcastId, resolve));
    },
    close: () => ws.close(),
  };
}

/** One round on one server: ROUND_EVENTS creates at RATE/s, then until every listener has every one. */
async function round(run) {
  const expected = run.sink.received + ROUND_EVENTS * LISTENERS;
  const cpu0 = await run.server.cpu();
  run.sink.on = true;
  const t0 = now();
  const acks = [];
  for (let i = 0; i < ROUND_EVENTS; i++) {
    const due = t0 + (i * 1000) / RATE - now();
    if (due > 0) await sleep(due);
    acks.push(run.writer.create(run.sent++));
  }
  await Promise.all(acks);
  while (run.sink.received < expected) await sleep(2);
  run.sink.on = false;
  run.cpuMicros += (await run.server.cpu()) - cpu0;
}

/** Over the servers of one setting: delay percentiles of every delivery, and CPU time per event. */
function summary(servers) {
  const s = servers.flatMap((run) => run.sink.samples).sort((a, b) => a - b);
  const perEvent = servers.reduce((n, run) => n + run.cpuMicros, 0) / servers.reduce((n, run) => n + run.sent, 0);
  return `p50 ${fmt(pct(s, 0.5))}, p99 ${fmt(pct(s, 0.99))} (${s.length} deliveries); server CPU ${(perEvent / 1000).toFixed(2)} ms per event (${(perEvent / LISTENERS).toFixed(1)} µs per frame written)`;
}

/** ns per UsageRecorder.sent call (one frame, one message about one image), median of 5 runs of a million. */
async function sentNanos() {
  const { UsageRecorder } = await tsImport('../src/core/usage.ts', import.meta.url);
  const { systemClock } = await tsImport('../src/core/clock.ts', import.meta.url);
  const recorder = new UsageRecorder({ store: {}, clock: systemClock, counters: { tenantConnections: async () => 0 }, sessions: [], log: () => {} }, { flushMs: 3_600_000 });
  const frame = [{ bytes: 300, image: IMAGE }];
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1e6; i++) recorder.sent(TENANT, frame, 0, 1, 300);
    runs.push((performance.now() - t0) * 1e6 / 1e6);
  }
  await recorder.close().catch(() => {}); // its store is a stand-in: the last flush has nowhere to go
  return runs.sort((a, b) => a - b)[2];
}

export async function usageBench() {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-usage-'));
  const runs = [];
  try {
    for (const [i, counting] of ['on', 'off', 'off', 'on'].entries()) {
      const server = await serverProcess(join(dir, `${i}-${counting}.sqlite`), counting);
      const sink = { on: false, received: 0, samples: [] };
      runs.push({ counting, server, sink, sockets: await listeners(server.url, sink), writer: await writer(server.url), sent: 0, cpuMicros: 0 });
    }
    // A warm-up round each (JIT, first SQLite pages), not counted.
    for (const run of runs) {
      await round(run);
      run.sink.samples = [];
      run.sent = 0;
      run.cpuMicros = 0;
    }
    for (let r = 0; r < ROUNDS; r++) for (const run of r % 2 ? [...runs].reverse() : runs) await round(run);
    const [on, off] = ['on', 'off'].map((counting) => runs.filter((run) => run.counting === counting));
    console.log(`usage   fan-out, create sent → broadcast received by ${LISTENERS} sockets, 2 × ${ROUNDS * ROUND_EVENTS} creates at ${RATE}/s, usage counting ON: ${summary(on)}`);
    console.log(`  peer  the same, usage counting OFF (same run, rounds taking turns): ${summary(off)}`);
    console.log(`        the counting call alone, once per frame written: ${(await sentNanos()).toFixed(0)} ns`);
  } finally {
    for (const run of runs) {
      run.writer?.close();
      for (const ws of run.sockets) ws.terminate();
      await run.server.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await usageBench();
