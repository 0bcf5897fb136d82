// Bounded payloads (issue #8), each against a server in its own process (bench-server-child.mjs),
// so the bench's own clients never count as the server's stall or memory:
//   stall   the longest event-loop stall of the server while a 500 × 50 image (texts of 200–2000
//           characters) is sent as a snapshot over a socket, and over REST  vs the whole image read
//           and serialised at once (what the server did before pages), in the same process
//   attack  the server's peak memory while one socket sends 200 `subscribe` for an image of 275
//           texts of 2000 control characters (a 3.4 MB snapshot), in four frames
//   ack     bytes of the ack for a reply that makes a thread of 500 comments of 2000 characters
//           vs the broadcast `image-chat-updated` of the same reply
// `node scripts/bench-payloads.mjs [stall] [attack] [ack]` runs those alone; `npm run bench` runs all.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const CHILD = fileURLToPath(new URL('./bench-server-child.mjs', import.meta.url));
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A server process; `call(cmd, args)` runs one of its commands. */
async function serverProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-payloads-'));
  const child = fork(CHILD, [join(dir, 'bench.sqlite')], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const waiting = new Map();
  let next = 0;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then((how) => {
    for (const { reject } of waiting.values()) reject(new Error(`the server exited (${how.code ?? how.signal})`));
  });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    void exited.then(() => reject(new Error(`the server did not start: ${stderr}`)));
  });
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(new Error(m.error));
    else w.resolve(m);
  });
  return {
    url: ready.url,
    pid: child.pid,
    exited,
    stderr: () => stderr,
    call(cmd, args = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, ...args });
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        await this.call('close').catch(() => undefined);
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function socket(url) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=demo`, { maxPayload: 0 });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const welcomed = new Promise((resolve) => ws.once('message', resolve));
  ws.send(JSON.stringify({ type: 'hello', name: 'Bench' }));
  await welcomed;
  return ws;
}

/** Calls `each` with every message the socket receives from now on. */
function onMessages(ws, each) {
  ws.on('message', (data) => {
    for (const m of [JSON.parse(String(data))].flat()) each(m, data.length);
  });
}

/** Subscribes and resolves once the whole snapshot is in (one message, or pages until `more` is false). */
function snapshotOver(ws, image) {
  return new Promise((resolve) => {
    let bytes = 0;
    let pages = 0;
    let chats = 0;
    onMessages(ws, (m, frameBytes) => {
      if (m.type !== 'snapshot' || m.image !== image) return;
      bytes += frameBytes;
      pages++;
      chats += m.chats.length;
      if (!m.more) resolve({ bytes, pages, chats });
    });
    ws.send(JSON.stringify({ type: 'subscribe', image }));
  });
}

function restGet(url, path) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode, bytes: body.length, chats: JSON.parse(String(body)).chats.length });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function snapshotStall({ chats = 500, comments = 50 } = {}) {
  const server = await serverProcess();
  try {
    const image = 'stall.png';
    const seeding = Date.now();
    await server.call('grid', { image, chats, comments });
    const seededMs = Date.now() - seeding;
    // Three rounds each: the figure is the worst of them (the machine is shared, a stall may be someone else's).
    const rounds = { socket: [], rest: [], single: [] };
    for (let round = 0; round < 3; round++) {
      const ws = await socket(server.url);
      await server.call('reset');
      let t = performance.now();
      const overSocket = await snapshotOver(ws, image);
      rounds.socket.push({ ...overSocket, ms: performance.now() - t, stall: (await server.call('stall')).ms });
      ws.close();
      await server.call('reset');
      t = performance.now();
      const overRest = await restGet(server.url, `/api/v1/tenants/demo/images/${image}/chats`);
      rounds.rest.push({ ...overRest, ms: performance.now() - t, stall: (await server.call('stall')).ms });
      rounds.single.push(await server.call('single', { image }));
    }
    const worst = (list) => list.reduce((a, b) => (b.stall ?? b.ms) > (a.stall ?? a.ms) ? b : a);
    const [socketWorst, restWorst, single] = [worst(rounds.socket), worst(rounds.rest), worst(rounds.single)];
    const all = (list) => list.map((r) => fmt(r.stall ?? r.ms)).join(' / ');
    return { chats, comments, seededMs, socket: { ...socketWorst, rounds: all(rounds.socket) }, rest: { ...restWorst, rounds: all(rounds.rest) }, single: { ...single, rounds: all(rounds.single) } };
  } finally {
    await server.close();
  }
}

/** VmRSS of a process, in bytes (NaN once it is gone). */
function rssOf(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
}

export async function resubscribeAttack({ texts = 275, repeats = 200, frames = 4 } = {}) {
  const server = await serverProcess();
  try {
    const image = 'attack.png';
    await server.call('texts', { image, n: texts, text: '\u0001'.repeat(2000) });
    const before = rssOf(server.pid);
    let peak = before;
    const sampler = setInterval(() => {
      const rss = rssOf(server.pid);
      if (rss > peak) peak = rss;
    }, 5);
    const ws = await socket(server.url);
    let snapshots = 0;
    let replays = 0;
    let bytes = 0;
    onMessages(ws, (m) => {
      if (m.type === 'snapshot' && !m.more) snapshots++;
      if (m.type === 'replay') replays++;
    });
    ws.on('message', (d) => (bytes += d.length));
    const closed = new Promise((resolve) => ws.once('close', (code) => resolve({ closed: code })));
    const t = performance.now();
    const per = repeats / frames;
    // Written at once (one TCP write), so the server reads the four frames in one go, as an attacker would send them.
    ws._socket.cork();
    for (let f = 0; f < frames; f++) ws.send(JSON.stringify(Array.from({ length: per }, () => ({ type: 'subscribe', image }))));
    ws._socket.uncork();
    const answered = new Promise((resolve) => {
      const check = setInterval(() => {
        if (snapshots + replays >= repeats) {
          clearInterval(check);
          resolve({ answered: true });
        }
      }, 5);
      void closed.then(() => clearInterval(check));
      void server.exited.then(() => clearInterval(check));
    });
    const outcome = await Promise.race([answered, closed, server.exited.then((how) => ({ exited: how }))]);
    const ms = performance.now() - t;
    clearInterval(sampler);
    const alive = server.exited && (await Promise.race([server.exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 200))]));
    const stillServes = alive ? (await restGet(server.url, `/api/v1/tenants/demo/images/${image}/chats`).catch(() => ({ status: 0 }))).status === 200 : false;
    const peakHwm = alive ? (await server.call('memory')).peak : NaN;
    ws.terminate();
    const crash = /RangeError[^\n]*/.exec(server.stderr())?.[0];
    return { texts, repeats, before, peak: Math.max(peak, Number.isNaN(peakHwm) ? 0 : peakHwm), ms, outcome, alive, stillServes, snapshots, replays, bytes, crash };
  } finally {
    await server.close();
  }
}

export async function ackSize({ comments = 500, chars = 2000 } = {}) {
  const server = await serverProcess();
  try {
    const image = 'thread.png';
    const ws = await socket(server.url);
    const acks = [];
    const events = [];
    onMessages(ws, (m, frameBytes) => m.type === 'ack' && acks.push({ m, frameBytes }));
    const text = 'lorem ipsum dolor sit amet '.repeat(100).slice(0, chars);
    const send = (action) => ws.send(JSON.stringify({ ...action, image, broadcastId: crypto.randomUUID() }));
    send({ type: 'create-image-chat', x: 0.5, y: 0.5, text });
    while (acks.length < 1) await new Promise((r) => setTimeout(r, 5));
    const chatId = acks[0].m.chat.id;
    // The thread is filled directly in the store (the action rate limit would take minutes), up to one reply short.
    await server.call('thread', { image, chatId, n: comments - 2, text });
    // The listener subscribes once the thread is there: the replies written straight into the store
    // never crossed the bus, and a live socket would get them all at once as a gap fill.
    const other = await socket(server.url);
    await snapshotOver(other, image);
    onMessages(other, (m, frameBytes) => m.type === 'image-chat-updated' && events.push({ m, frameBytes }));
    send({ type: 'update-image-chat', chatId, change: { kind: 'add-comment', text } });
    while (acks.length < 2 || events.length < 1) await new Promise((r) => setTimeout(r, 5));
    ws.close();
    other.close();
    return { comments, chars, ack: acks[1].frameBytes, ackCarriesChat: acks[1].m.chat !== undefined, event: events.at(-1).frameBytes };
  } finally {
    await server.close();
  }
}

export async function printPayloads(which = ['stall', 'attack', 'ack']) {
  if (which.includes('stall')) {
    const s = await snapshotStall();
    console.log(`stall   longest event-loop stall while a ${s.chats} × ${s.comments} image is snapshotted (server process, worst of 3):`);
    console.log(`        over a socket: ${fmt(s.socket.stall)}  (rounds ${s.socket.rounds}; ${mb(s.socket.bytes)} in ${s.socket.pages} message${s.socket.pages === 1 ? '' : 's'}, ${s.socket.chats} conversations, all in after ${fmt(s.socket.ms)})`);
    console.log(`        over REST:     ${fmt(s.rest.stall)}  (rounds ${s.rest.rounds}; ${mb(s.rest.bytes)}, ${s.rest.chats} conversations, all in after ${fmt(s.rest.ms)})`);
    console.log(`  peer  the whole image read and serialised at once: ${fmt(s.single.ms)}  (rounds ${s.single.rounds}; ${mb(s.single.bytes)})`);
  }
  if (which.includes('attack')) {
    const a = await resubscribeAttack();
    const how = !a.alive ? `the server EXITED${a.crash ? ` (${a.crash})` : ''}` : a.outcome.closed ? `the attacker's socket was closed with ${a.outcome.closed}` : `all ${a.repeats} answered`;
    console.log(`attack  1 socket, ${a.repeats} subscribe in 4 frames, image of ${a.texts} texts of 2000 control characters: peak RSS ${mb(a.peak)} (from ${mb(a.before)})`);
    console.log(`        ${how} after ${fmt(a.ms)}; ${a.snapshots} snapshot(s), ${a.replays} replay(s), ${mb(a.bytes)} received; server ${a.alive ? (a.stillServes ? 'still serves' : 'alive but NOT serving') : 'gone'}`);
  }
  if (which.includes('ack')) {
    const k = await ackSize();
    console.log(`ack     reply making a thread of ${k.comments} comments of ${k.chars} characters: ack ${k.ack} B${k.ackCarriesChat ? ' (carries the whole thread)' : ''}`);
    console.log(`  peer  the broadcast image-chat-updated of the same reply: ${k.event} B`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv.slice(2);
  await printPayloads(which.length ? which : undefined);
}
