// Section 19 of `npm run bench` (also `node scripts/bench-presence.mjs` alone): what presence costs
// each socket when a crowd comes and goes. VIEWERS raw `ws` sockets (guests) join one image evenly
// over JOIN_MS, then every fifth one (not the first) leaves over LEAVE_MS; a server in its own
// process (scripts/bench-presence-node.mjs). Measured per socket over the time it was connected:
// presence frames and bytes per second (mean and max over the sockets), and the shortest time
// between two presence frames to one socket (as received: network and event-loop jitter included). The delay from a join (its subscribe sent) to the
// first presence frame at the first viewer counting it, and from a leave (its socket closed) to the
// first frame no longer counting it: p50/p99. The peer is the same schedule on a server whose
// coalescing is off (coalesceMs 0: a frame for every change, as an uncoalesced design sends).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const VIEWERS = Number(process.env.BENCH_PRESENCE_VIEWERS ?? 1000);
const JOIN_MS = Number(process.env.BENCH_PRESENCE_JOIN_MS ?? 10_000);
const LEAVE_MS = 2000;
const SETTLE_MS = 2000;
const IMAGE = 'presence-bench.png';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];

async function serverProcess(file, coalesceMs) {
  const child = fork(fileURLToPath(new URL('./bench-presence-node.mjs', import.meta.url)), [file, String(coalesceMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the presence bench server exited (${code}) before listening`)));
  });
  return {
    url,
    cpu: () => new Promise((resolve) => (child.once('message', (m) => resolve(m.cpu)), child.send('cpu'))),
    close: () => new Promise((resolve) => (child.once('exit', resolve), child.send('close'))),
  };
}

/** The presence messages of one frame (bare or in a batch), each with its bytes. */
function presenceIn(text) {
  if (text.startsWith('{"type":"presence"')) return [{ count: JSON.parse(text).count, bytes: Buffer.byteLength(text) }];
  if (!text.startsWith('[') || !text.includes('"type":"presence"')) return [];
  return JSON.parse(text)
    .filter((m) => m.type === 'presence')
    .map((m) => ({ count: m.count, bytes: Buffer.byteLength(JSON.stringify(m)) }));
}

/** One viewer: opens, says hello and subscribes in one frame; records every presence frame. */
function viewer(url, i) {
  const v = { i, frames: [], bytes: 0, joinedAt: 0, leftAt: 0, ws: undefined };
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=bench`);
    v.ws = ws;
    ws.on('error', reject);
    ws.on('open', () => {
      v.joinedAt = now();
      ws.send(JSON.stringify([{ type: 'hello', name: `Viewer ${i}` }, { type: 'subscribe', image: IMAGE }]));
      resolve(v);
    });
    ws.on('message', (data) => {
      const at = now();
      const found = presenceIn(String(data));
      if (found.length === 0) return;
      v.frames.push({ at, count: found.at(-1).count });
      for (const p of found) v.bytes += p.bytes;
    });
  });
}

/** The shortest time between two consecutive frames (Infinity for fewer than two). */
function closestPair(times) {
  let least = Infinity;
  for (let k = 1; k < times.length; k++) least = Math.min(least, times[k] - times[k - 1]);
  return least;
}

async function run(coalesceMs) {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-presence-'));
  const server = await serverProcess(join(dir, 'presence.sqlite'), coalesceMs);
  try {
    const cpuBefore = await server.cpu();
    const start = now();
    const viewers = [];
    for (let i = 0; i < VIEWERS; i++) {
      const due = start + (i * JOIN_MS) / VIEWERS;
      if (due > now()) await sleep(due - now());
      viewers.push(await viewer(server.url, i));
    }
    await sleep(SETTLE_MS);
    const leaving = viewers.filter((v) => v.i > 0 && v.i % 5 === 0);
    const leaveStart = now();
    for (let k = 0; k < leaving.length; k++) {
      const due = leaveStart + (k * LEAVE_MS) / leaving.length;
      if (due > now()) await sleep(due - now());
      leaving[k].leftAt = now();
      leaving[k].ws.close();
    }
    await sleep(SETTLE_MS);
    const end = now();
    const cpuMs = ((await server.cpu()) - cpuBefore) / 1000;

    // Per socket, over the time it was connected.
    const perSecond = viewers.map((v) => {
      const seconds = ((v.leftAt || end) - v.joinedAt) / 1000;
      return { frames: v.frames.length / seconds, bytes: v.bytes / seconds, gap: closestPair(v.frames.map((f) => f.at)) };
    });
    const mean = (key) => perSecond.reduce((s, x) => s + x[key], 0) / perSecond.length;
    const max = (key) => Math.max(...perSecond.map((x) => x[key]));

    // At the first viewer: the k-th join is shown by the first frame counting k + 1 viewers; the k-th leave by
    // the first frame after it counting at most VIEWERS - k - 1 (joins and leaves do not overlap).
    const watcher = viewers[0].frames;
    const joinDelays = viewers.slice(1).map((v) => {
      const shown = watcher.find((f) => f.at >= v.joinedAt && f.count >= v.i + 1);
      return shown ? shown.at - v.joinedAt : Infinity;
    });
    const leaveDelays = leaving.map((v, k) => {
      const shown = watcher.find((f) => f.at >= v.leftAt && f.count <= VIEWERS - k - 1);
      return shown ? shown.at - v.leftAt : Infinity;
    });
    const sorted = (xs) => [...xs].sort((a, b) => a - b);
    for (const v of viewers) if (v.ws.readyState === WebSocket.OPEN) v.ws.close();
    return {
      frames: { mean: mean('frames'), max: max('frames') },
      bytes: { mean: mean('bytes'), max: max('bytes') },
      closest: Math.min(...perSecond.map((x) => x.gap)),
      closestP1: pct([...perSecond.map((x) => x.gap)].sort((a, b) => a - b), 0.01),
      join: { p50: pct(sorted(joinDelays), 0.5), p99: pct(sorted(joinDelays), 0.99) },
      leave: { p50: pct(sorted(leaveDelays), 0.5), p99: pct(sorted(leaveDelays), 0.99) },
      cpuMs,
      total: viewers.reduce((s, v) => s + v.frames.length, 0),
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'never');
function line(label, r) {
  return (
    `${label} presence per socket: ${r.frames.mean.toFixed(2)} frames/s mean, ${r.frames.max.toFixed(2)} max, two frames to one socket at least ${ms(r.closest)} apart (1st percentile of sockets ${ms(r.closestP1)}); ` +
    `${(r.bytes.mean / 1024).toFixed(2)} KiB/s mean, ${(r.bytes.max / 1024).toFixed(2)} KiB/s max; ${r.total} frames in all, server CPU ${(r.cpuMs / 1000).toFixed(1)} s\n` +
    `        join shown at the first viewer p50 ${ms(r.join.p50)} p99 ${ms(r.join.p99)}; leave shown p50 ${ms(r.leave.p50)} p99 ${ms(r.leave.p99)}`
  );
}

export async function presenceBench() {
  const coalesced = await run(1000);
  const uncoalesced = await run(0);
  const what = `${VIEWERS} viewers join one image over ${JOIN_MS / 1000} s, then ${Math.floor((VIEWERS - 1) / 5)} leave over ${LEAVE_MS / 1000} s`;
  console.log(`presence ${what}`);
  console.log(line('  coalesced (1 s)', coalesced));
  console.log(line('  peer  uncoalesced (a frame per change)', uncoalesced));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await presenceBench();
