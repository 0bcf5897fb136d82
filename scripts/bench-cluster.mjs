// Sections 9–12 of `npm run bench` (scripts/bench.mjs runs `clusterBench`): many nodes, real
// processes (test/support/cluster.ts) on one PostgreSQL schema and one Redis prefix of their own,
// CLIENTS raw `ws` clients in this process; the peer is Socket.IO 4 with @socket.io/redis-adapter
// on the same Redis (its own prefix), the same number of clients and the same event rate.
//    9. fan-out p50/p99, one writer at RATE events/s: listeners spread over 3 nodes  vs all on 1 node
//       vs Socket.IO's listeners spread over its 3 nodes
//   10. creates/s on one hot image, HOT_WRITERS writers spread over 3 nodes (PostgreSQL)  vs one node
//       (SQLite, in-process bus)
//   11. Redis drops every pub/sub connection mid-stream: time until every client holds every event
//       vs Socket.IO's listeners after the same drop: messages lost
//   12. `kill -9` of one node mid-stream: time until every client (a third of them reconnecting
//       elsewhere with `since`) holds every event
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { io as socketIo } from 'socket.io-client';
import { tsImport } from 'tsx/esm/api';

const CLIENTS = Number(process.env.BENCH_CLUSTER_CLIENTS ?? 2000);
const RATE = Number(process.env.BENCH_FANOUT_RATE ?? 20);
const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 100);
const HOT_WRITERS = 8;
const HOT_CREATES = Number(process.env.BENCH_CLUSTER_HOT_CREATES ?? 1000);
/** Events written back to back right after the fault (Redis drop, kill -9): they fall into the outage. */
const DURING_FAULT = 5;
const TENANT = 'bench';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Every client's view of one image's stream (seq 1, 2, …): what it got, what it missed, the latencies. */
class Fleet {
  constructor(size) {
    this.last = new Int32Array(size);
    this.got = new Int32Array(size);
    this.gaps = 0;
    this.repeats = 0;
    this.samples = [];
    this.target = Infinity;
    this.reached = 0;
    this.wake = undefined;
  }
  event(i, seq, sentAt) {
    const last = this.last[i];
    if (seq <= last) return void this.repeats++;
    this.gaps += seq - last - 1;
    this.last[i] = seq;
    this.got[i]++;
    if (sentAt !== undefined) this.samples.push(now() - sentAt);
    if (last < this.target && seq >= this.target && ++this.reached === this.last.length) this.wake?.();
  }
  /** Resolves when every client has seen seq n. */
  until(n) {
    this.target = n;
    this.reached = this.last.reduce((k, s) => k + (s >= n ? 1 : 0), 0);
    if (this.reached === this.last.length) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }
  get verdict() {
    return this.gaps || this.repeats ? `${this.gaps} MISSED, ${this.repeats} REPEATED` : 'in order, none missed or repeated';
  }
}

const sentAtOf = (text) => (text.startsWith('t=') ? Number(text.slice(2, text.indexOf(' '))) : undefined);
const payload = (i) => `t=${now()} #${i} `.padEnd(100, '.');

/** One raw client: hello, subscribe (from `since` when it has one), events into the fleet. */
function openListener(url, image, fleet, i, position) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=${TENANT}`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', name: `L${i}` })));
    ws.on('message', (data) => {
      for (const m of [JSON.parse(String(data))].flat()) {
        if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', image, ...(position.epoch ? { since: { epoch: position.epoch, seq: fleet.last[i] } } : {}) }));
        else if (m.type === 'snapshot') (position.epoch = m.epoch), resolve(ws);
        else if (m.type === 'replay') {
          for (const e of m.events) fleet.event(i, e.seq);
          resolve(ws);
        } else if (m.type === 'new-image-chat') fleet.event(i, m.seq, sentAtOf(m.chat.comments[0].text));
      }
    });
  });
}

/** `urls[i % urls.length]` for client i, opened 100 at a time; `onClose(i)` when a socket closes. */
async function openFleet(urls, image, onClose) {
  const fleet = new Fleet(CLIENTS);
  const sockets = new Array(CLIENTS);
  const positions = Array.from({ length: CLIENTS }, () => ({}));
  let closing = false;
  for (let from = 0; from < CLIENTS; from += 100) {
    await Promise.all(Array.from({ length: Math.min(100, CLIENTS - from) }, async (_, k) => {
      const i = from + k;
      sockets[i] = await openListener(urls[i % urls.length], image, fleet, i, positions[i]);
      sockets[i].once('close', () => closing || onClose?.(i));
    }));
  }
  return {
    fleet,
    /** Reconnects client i to `url`, subscribing from the last seq it holds. */
    async resume(i, url) {
      sockets[i] = await openListener(url, image, fleet, i, positions[i]);
    },
    close() {
      closing = true;
      sockets.forEach((ws) => ws.terminate());
    },
  };
}

/** A writing client: `create` sends one marker and resolves with its ack. */
async function openWriter(url, image) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=${TENANT}`);
  const waiting = new Map();
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', name: 'writer' })));
    ws.on('message', (data) => {
      for (const m of [JSON.parse(String(data))].flat()) {
        if (m.type === 'welcome') resolve();
        if ((m.type === 'ack' || m.type === 'error') && waiting.has(m.broadcastId)) {
          waiting.get(m.broadcastId)(m);
          waiting.delete(m.broadcastId);
        }
      }
    });
  });
  return {
    create(text) {
      const broadcastId = crypto.randomUUID();
      ws.send(JSON.stringify({ type: 'create-image-chat', image, broadcastId, x: Math.random(), y: Math.random(), text }));
      return new Promise((resolve, reject) => waiting.set(broadcastId, (m) => (m.type === 'ack' ? resolve(m.seq) : reject(new Error(m.message)))));
    },
    close: () => ws.close(),
  };
}

/** Sends `count` events at RATE per second (on schedule, not waiting for acks); resolves when all are acked. */
async function stream(send, count, first = 1) {
  const t0 = now();
  const acks = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / RATE - now();
    if (due > 0) await sleep(due);
    acks.push(send(payload(first + i)));
  }
  return Promise.all(acks);
}

function latency(fleet) {
  const s = fleet.samples.sort((a, b) => a - b);
  return `p50 ${fmt(pct(s, 0.5))}, p99 ${fmt(pct(s, 0.99))} (${s.length} deliveries, ${fleet.verdict})`;
}

/** Section 9 (ours): CLIENTS listeners on `urls`, one writer on `writerUrl`. */
async function fanOut(urls, writerUrl) {
  const image = `fanout-${crypto.randomUUID()}`;
  const clients = await openFleet(urls, image);
  const writer = await openWriter(writerUrl, image);
  await stream((text) => writer.create(text), EVENTS);
  await clients.fleet.until(EVENTS);
  writer.close();
  clients.close();
  return clients.fleet;
}

/** Section 10: HOT_CREATES creates on one image, HOT_WRITERS writers round robin over `urls`, each waiting for its acks. */
async function hotCreates(urls) {
  const image = `hot-${crypto.randomUUID()}`;
  const writers = await Promise.all(Array.from({ length: HOT_WRITERS }, (_, w) => openWriter(urls[w % urls.length], image)));
  const each = Math.ceil(HOT_CREATES / HOT_WRITERS);
  const t0 = now();
  const seqs = await Promise.all(writers.map(async (w) => {
    let top = 0;
    for (let i = 0; i < each; i++) top = Math.max(top, await w.create(`hot ${i}`));
    return top;
  }));
  const seconds = (now() - t0) / 1000;
  writers.forEach((w) => w.close());
  if (Math.max(...seqs) !== each * HOT_WRITERS) throw new Error(`hot image: expected seq ${each * HOT_WRITERS}, got ${Math.max(...seqs)}`);
  return (each * HOT_WRITERS) / seconds;
}

/**
 * Sections 11 and 12 (ours): CLIENTS listeners over every node, a stream of EVENTS, then `fault()`
 * and DURING_FAULT more events at once: ms from the fault until every client holds them all.
 */
async function convergence(cluster, fault, writerNode, onClose) {
  const image = `fault-${crypto.randomUUID()}`;
  const clients = await openFleet(cluster.nodes.map((n) => n.url), image, (i) => onClose?.(clients, i));
  const writer = await openWriter(cluster.nodes[writerNode].url, image);
  await stream((text) => writer.create(text), EVENTS);
  await clients.fleet.until(EVENTS);
  const t0 = now();
  const faulted = await fault();
  await Promise.all(Array.from({ length: DURING_FAULT }, (_, i) => writer.create(payload(EVENTS + 1 + i))));
  await clients.fleet.until(EVENTS + DURING_FAULT);
  const ms = now() - t0;
  writer.close();
  clients.close();
  return { ms, faulted, verdict: clients.fleet.verdict };
}

/** The Socket.IO peer: 3 nodes (scripts/bench-socketio-node.mjs) on `redisUrl` under their own prefix. */
async function socketIoPeer(redisUrl, admin, id) {
  const nodes = [];
  try {
    for (let n = 1; n <= 3; n++) {
      const child = spawn(process.execPath, [fileURLToPath(new URL('./bench-socketio-node.mjs', import.meta.url))], {
        env: { ...process.env, REDIS_URL: redisUrl, SIO_KEY: `image-chat-bench-sio-${id}`, SIO_NAME: `image-chat-bench-sio-${id}-n${n}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      nodes.push(child);
      const port = await new Promise((resolve, reject) => {
        child.stdout.on('data', (d) => { const m = /listening on (\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
        child.once('exit', () => reject(new Error('a Socket.IO node exited')));
      });
      child.url = `http://127.0.0.1:${port}`;
    }
    const image = `sio-${id}`;
    const open = async () => {
      const fleet = new Fleet(CLIENTS);
      const sockets = [];
      for (let from = 0; from < CLIENTS; from += 100) {
        sockets.push(...await Promise.all(Array.from({ length: Math.min(100, CLIENTS - from) }, async (_, k) => {
          const i = from + k;
          const s = socketIo(nodes[i % 3].url, { transports: ['websocket'], reconnection: false });
          s.on('new-image-chat', (e) => fleet.event(i, e.seq, e.sentAt));
          await new Promise((resolve) => s.once('connect', resolve));
          await s.emitWithAck('subscribe', image);
          return s;
        })));
      }
      return { fleet, close: () => sockets.forEach((s) => s.disconnect()) };
    };
    const writer = socketIo(nodes[0].url, { transports: ['websocket'] });
    await new Promise((resolve) => writer.once('connect', resolve));
    let seq = 0;
    const send = () => writer.emitWithAck('create', { image, seq: ++seq, sentAt: now(), text: payload(seq) });

    const spread = await open();
    await stream(send, EVENTS);
    await spread.fleet.until(EVENTS);
    spread.close();
    const fanOutFleet = spread.fleet;

    // The drop: its nodes' subscriber connections killed by name, DURING_FAULT events at once, then,
    // once ioredis has subscribed every node again, a fence event: what has not come by the fence is lost.
    seq = 0;
    const dropped = await open();
    await stream(send, EVENTS);
    await dropped.fleet.until(EVENTS);
    const isSub = (c) => c.name.startsWith(`image-chat-bench-sio-${id}-`) && c.name.endsWith(':sub');
    const killed = await killByName(admin, isSub);
    await Promise.all(Array.from({ length: DURING_FAULT }, send));
    while ((await clientNames(admin)).filter((c) => isSub(c) && !killed.includes(c.id)).length < 3) await sleep(20);
    await send();
    await dropped.fleet.until(seq);
    const lost = dropped.fleet.gaps;
    dropped.close();
    writer.disconnect();
    return { fanOutFleet, killed: killed.length, lost };
  } finally {
    for (const child of nodes) child.kill('SIGTERM');
  }
}

/** Redis's pub/sub clients, by id and name. */
async function clientNames(admin) {
  return String(await admin.client('LIST', 'TYPE', 'pubsub')).split('\n').map((line) => ({
    id: /(?:^| )id=(\d+)/.exec(line)?.[1], name: /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '',
  }));
}

/** CLIENT KILL of the pub/sub clients `match` picks; returns their ids. */
async function killByName(admin, match) {
  const victims = (await clientNames(admin)).filter((c) => c.id && match(c));
  for (const c of victims) await admin.client('KILL', 'ID', c.id);
  return victims.map((c) => c.id);
}

export async function clusterBench() {
  const { Cluster, NodeProcess, nodeEnv } = await tsImport('../test/support/cluster.ts', import.meta.url);
  const { RedisScope } = await tsImport('../test/support/redis.ts', import.meta.url);
  const databaseUrl = [process.env.DATABASE_URL, process.env.TEST_DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//i.test(u));
  const redisUrl = process.env.REDIS_URL || process.env.TEST_REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    console.log('cluster not run: set DATABASE_URL=postgres://… and REDIS_URL=redis://…');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-cluster-'));
  // One tenant whose limits do not stand in the way: the bench measures delivery, not the limits.
  const limits = { connectionsPerIp: 1_000_000, actionsPerMinute: 1_000_000, actionBurst: 1_000_000, maxChatsPerImage: 1_000_000 };
  writeFileSync(join(dir, 'tenants.json'), JSON.stringify({ tenants: [{ id: TENANT, origins: ['*'], guests: 'post', limits }] }));
  const env = { TENANTS_FILE: join(dir, 'tenants.json'), LOG_KEEP: '100000' };
  const scope = new RedisScope(redisUrl);
  const cluster = await Cluster.start({ nodes: 3, databaseUrl, redis: scope, env });
  try {
    const urls = cluster.nodes.map((n) => n.url);
    const spread = await fanOut(urls, urls[0]);
    const single = await fanOut([urls[0]], urls[0]);
    const peer = await socketIoPeer(redisUrl, scope.admin, scope.id);
    console.log(`fanout  ${CLIENTS} listeners over 3 nodes, ${EVENTS} creates at ${RATE}/s: ${latency(spread)}`);
    console.log(`        the same ${CLIENTS} listeners all on 1 node: ${latency(single)}`);
    console.log(`  peer  Socket.IO 4 + redis-adapter, ${CLIENTS} listeners over 3 nodes: ${latency(peer.fanOutFleet)}`);

    const sqliteNode = new NodeProcess('sqlite node', nodeEnv({ DATABASE_URL: join(dir, 'hot.sqlite'), ...env }));
    await sqliteNode.start();
    const sqliteRate = await hotCreates([sqliteNode.url]).finally(() => sqliteNode.stop());
    const clusterRate = await hotCreates(urls);
    console.log(`hotnode ${HOT_CREATES} creates on one image, ${HOT_WRITERS} socket writers over 3 nodes (PostgreSQL + Redis): ${clusterRate.toFixed(0)} creates/s`);
    console.log(`  peer  the same writers on one node (SQLite, in-process bus): ${sqliteRate.toFixed(0)} creates/s`);

    const drop = await convergence(cluster, () => cluster.killRedisConnections(':sub'), 0);
    console.log(`redis   Redis drops every node's pub/sub connection (${drop.faulted} killed), ${DURING_FAULT} events written into the outage: every one of ${CLIENTS} clients has them ${fmt(drop.ms)} after the drop, ${drop.verdict}`);
    console.log(`  peer  Socket.IO 4 + redis-adapter, the same drop (${peer.killed} connections killed): ${peer.lost} of ${CLIENTS * DURING_FAULT} messages lost`);

    const [victim, ...survivors] = cluster.nodes;
    // The victim's clients (every third) reconnect at once to a survivor with `since`, as the widget does.
    const kill = await convergence(cluster, () => victim.kill(), 1, (clients, i) => {
      clients.resume(i, survivors[i % 2].url).catch((e) => console.error(`bench: client ${i} could not resume`, e));
    });
    console.log(`kill-9  one of 3 nodes killed, ${DURING_FAULT} events written right after: every one of ${CLIENTS} clients (a third reconnecting with since) has them ${fmt(kill.ms)} after the kill, ${kill.verdict}`);
  } finally {
    await cluster.close();
    await scope.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
