// `npm run bench`: the figures the walking product promises, each beside a peer
// measured in the same run on the same machine.
//   1. min+gzip size of the widget's first load (entry + static imports), bundled, split and minified by esbuild  vs lit's own runtime, bundled the same way
//      (and /image-chat.js as shipped, against its budget, and the parts chunk fetched on first use)
//   2. bytes of one new-image-chat frame (100-char message)  vs the 1 KB budget of design.md
//   3. median Enter-in-browser-A → marker-in-browser-B (20 runs)  vs a bare WebSocket relay
//      carrying one message between the same two pages
//   4. server restart: time from the server listening again to all N=50 raw clients caught up on the
//      events they missed, by `subscribe {since}` replay  vs the same clients each taking a fresh snapshot
//   5. one client catching up on 1,000 missed events: bytes and ms of the replay  vs a fresh snapshot
//      of the same image (median of 5)
//   6. sockets the server holds for 1, 3 and 10 tabs of one browser (leader tab shares one)
//      vs the same tabs without BroadcastChannel (the fallback: one socket per tab)
//   7. failover: closing the leader tab → a marker made right after by another client showing in both
//      remaining tabs (median of 5)  vs the same with one socket per tab (nothing to take over)
//   8. creates/s on one hot image through the Store (no sockets, no limits), 8 concurrent writers:
//      PostgreSQL with two store instances (two pools, as two nodes)  vs one SQLite file (one node)
//   9. bounded payloads (scripts/bench-payloads.mjs, each against a server in its own process): the
//      longest event-loop stall while a 500 × 50 image is snapshotted over a socket and over REST  vs
//      the whole image read and serialised at once; peak memory under a re-subscribe attack; the size
//      of the ack for a reply in a 500-comment thread  vs its broadcast
//  10. shutdown: SIGTERM to `npm start` with 100 creates in flight → process tree gone, acks vs rows stored
//  11. creates/s with synchronous=FULL vs NORMAL on a real SQLite file (both in scripts/bench-lifecycle.mjs)
//  12–15. many nodes (scripts/bench-cluster.mjs): fan-out over 3 nodes vs 1 vs Socket.IO + redis-adapter;
//      creates/s on one hot image, 3 nodes (PostgreSQL) vs 1 (SQLite); convergence of 2,000 clients after
//      Redis drops its connections (vs Socket.IO's lost messages) and after a node's kill -9
//  16. usage counting on the hot path (scripts/bench-usage.mjs): fan-out p50/p99 (create sent → broadcast
//      received by 500 sockets) and server CPU per event with usage counting ON  vs OFF, same run
//  17. the /metrics histograms on the hot path (scripts/bench-hooks.mjs): one core's fan-out to 2,000
//      in-memory sockets with the hooks vs the hooks made no-ops, blocks alternated in one run
//  18. a crowded image in Chromium (scripts/bench-markers.mjs): time to draw 500 conversations (clustered)
//      and to re-cluster them when the element is resized, grid clustering  vs the O(n²) pairwise search
//  19. presence (scripts/bench-presence.mjs): 1,000 raw sockets join one image over 10 s, then 199 leave:
//      presence frames and bytes per socket per second (mean, max), delay from a join or leave to the first
//      frame showing it  vs the same schedule with the coalescing off (a frame per change)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { WebSocket, WebSocketServer } from 'ws';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';
import { printPayloads } from './bench-payloads.mjs';

const { BUDGET } = await tsImport('./size-budget.ts', import.meta.url); // every build of the widget checks it

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = new URL('..', import.meta.url);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function bundleSize() {
  // The shipped file: vite.config.ts's build (oxc, template text minified), which also checks the budget.
  if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    throw new Error('vite build failed');
  }
  const shipped = readFileSync(new URL('dist/image-chat.js', root));
  // The widget and its peer measured the same way: plain esbuild bundles, minified, same target, split
  // where the source imports lazily; what a page loads first is the entry and what it imports statically.
  const esbuilt = async (contents, define = {}) => {
    const r = await build({
      stdin: { contents, resolveDir: root.pathname, loader: 'ts' },
      bundle: true, minify: true, format: 'esm', write: false, target: 'es2022', define,
      splitting: true, outdir: join(tmpdir(), 'image-chat-bench-esbuild'), metafile: true,
    });
    const files = new Map(r.outputFiles.map((f) => [relative(process.cwd(), f.path), f.contents]));
    const entry = Object.keys(r.metafile.outputs).find((o) => r.metafile.outputs[o].entryPoint === '<stdin>');
    const first = new Set();
    const visit = (o) => {
      if (first.has(o)) return;
      first.add(o);
      for (const i of r.metafile.outputs[o].imports) if (i.kind === 'import-statement') visit(i.path);
    };
    visit(entry);
    const sum = (names) => names.reduce((t, n) => ({ min: t.min + files.get(n).length, gzip: t.gzip + gz(files.get(n)) }), { min: 0, gzip: 0 });
    return { first: sum([...first]), all: sum([...files.keys()]) };
  };
  const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  const widget = await esbuilt("export * from './src/index.ts';", { __IMAGE_CHAT_VERSION__: JSON.stringify(version) });
  const lit = await esbuilt("export * from 'lit';");
  const sized = (bytes) => ({ min: bytes.length, gzip: gz(bytes) });
  const parts = readdirSync(new URL('dist/', root)).filter((f) => /^image-chat-parts-[\w-]+\.js$/.test(f));
  const shippedParts = parts.length === 1 ? sized(readFileSync(new URL(`dist/${parts[0]}`, root))) : undefined;
  return { shipped: sized(shipped), shippedParts, widget: widget.first, widgetAll: widget.all, lit: lit.first };
}

function nextFrame(ws, accept) {
  return new Promise((resolve) => {
    ws.on('message', function onMessage(data) {
      const text = data.toString();
      const list = [JSON.parse(text)].flat();
      if (list.some(accept)) {
        ws.off('message', onMessage);
        resolve(text);
      }
    });
  });
}

async function client(url, name) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=demo`);
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  const welcome = nextFrame(ws, (m) => m.type === 'welcome');
  ws.send(JSON.stringify({ type: 'hello', name }));
  await welcome;
  return ws;
}

async function frameBytes(url) {
  const [a, b] = [await client(url, 'Ada'), await client(url, 'Bo')];
  const image = `bench-${Date.now()}`;
  for (const ws of [a, b]) {
    const snap = nextFrame(ws, (m) => m.type === 'snapshot');
    ws.send(JSON.stringify({ type: 'subscribe', image }));
    await snap;
  }
  const got = nextFrame(b, (m) => m.type === 'new-image-chat');
  a.send(JSON.stringify({ type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: 0.5, y: 0.5, text: 'x'.repeat(100) }));
  const frame = await got;
  a.close(); b.close();
  return Buffer.byteLength(frame);
}

const now = () => performance.timeOrigin + performance.now();
const RESYNC_CLIENTS = Number(process.env.BENCH_RESYNC_CLIENTS ?? 50);
const MISSED = 100;
const GUEST = { id: 'g_bench', name: 'Bench', kind: 'guest' };

/** Writes `n` events straight into a store: the bench measures replay, not the per-user action rate limits. */
async function seedEvents(store, image, n) {
  const { event: { chat } } = await store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: 0.5, y: 0.5, text: 'x'.repeat(100) }, GUEST);
  for (let i = 1; i < n; i++) {
    const action = i % 10 === 0
      ? { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: Math.random(), y: Math.random(), text: `marker ${i} `.padEnd(100, '.') }
      : { type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId: chat.id, change: { kind: 'add-comment', text: `reply ${i} `.padEnd(100, '.') } };
    await store.apply('demo', image, action, GUEST);
  }
}

/**
 * A raw client that keeps reconnecting every 50 ms (so the figure is the server's, not a backoff's),
 * says hello and subscribes with `since` (replay mode) or without (snapshot mode) every time.
 */
function resyncClient(url, image, mode, position, onCaughtUp) {
  let closed = false;
  let ws;
  const connect = () => {
    if (closed) return;
    ws = new WebSocket(`${url.replace('http', 'ws')}/ws?tenant=demo`);
    ws.on('error', () => {});
    ws.on('close', () => setTimeout(connect, 50));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', name: 'R' })));
    ws.on('message', (data) => {
      for (const m of [JSON.parse(data.toString())].flat()) {
        if (m.type === 'welcome') {
          ws.send(JSON.stringify(mode === 'replay' && position.epoch ? { type: 'subscribe', image, since: position } : { type: 'subscribe', image }));
        } else if (m.type === 'snapshot') {
          const first = position.epoch === undefined;
          position.epoch = m.epoch;
          position.seq = m.seq;
          if (!first) onCaughtUp(m, data.length);
        } else if (m.type === 'replay') {
          position.seq = m.events.at(-1)?.seq ?? position.seq;
          onCaughtUp(m, data.length);
        }
      }
    });
  };
  connect();
  return {
    ready: () => position.epoch !== undefined,
    close() {
      closed = true;
      ws?.removeAllListeners('close');
      ws?.close();
    },
  };
}

/** Stops the server, writes MISSED events into its file, starts it again on the same port: ms until every client caught up. */
async function restartResync(mode) {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-resync-'));
  const databaseUrl = join(dir, 'resync.sqlite');
  const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
  const { SqliteStore } = await tsImport('../src/store/sqlite/sqlite-store.ts', import.meta.url);
  let server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl });
  const port = server.port;
  const image = `bench-resync-${mode}`;
  await seedEvents(server.core.store, image, 50);
  const caught = [];
  let bytes = 0;
  let backAt = 0;
  const clients = Array.from({ length: RESYNC_CLIENTS }, () =>
    resyncClient(server.url, image, mode, {}, (m, size) => {
      caught.push({ at: now(), events: m.type === 'replay' ? m.events.length : -1 });
      bytes += size;
    }),
  );
  while (!clients.every((c) => c.ready())) await new Promise((r) => setTimeout(r, 10));
  await server.close();
  const store = new SqliteStore(databaseUrl);
  await seedEvents(store, image, MISSED);
  await store.close();
  server = await startServer({ port, host: '127.0.0.1', databaseUrl });
  backAt = now();
  while (caught.length < RESYNC_CLIENTS) await new Promise((r) => setTimeout(r, 5));
  const ms = Math.max(...caught.map((c) => c.at)) - backAt;
  const exact = caught.every((c) => (mode === 'replay' ? c.events === MISSED : c.events === -1));
  for (const c of clients) c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, exact, bytesEach: Math.round(bytes / caught.length) };
}

/** One client 1,000 events behind: the replay, then a fresh snapshot of the same image; bytes and ms. */
async function catchUp(url, store) {
  const image = `bench-catchup-${Date.now()}`;
  await seedEvents(store, image, 1000);
  const { epoch } = await store.snapshot('demo', image);
  const ws = await client(url, 'Late');
  // Each answer is to a new subscription (unsubscribe first): a repeated subscribe only catches up.
  // A large snapshot comes as several messages (more: true): bytes and ms run to the last one.
  const measure = async (message, type) => {
    ws.send(JSON.stringify({ type: 'unsubscribe', image }));
    const t0 = now();
    let bytes = 0;
    let count = 0;
    const done = new Promise((resolve) => {
      ws.on('message', function onMessage(data) {
        const text = data.toString();
        const answers = [JSON.parse(text)].flat().filter((m) => m.type === type && m.image === image);
        if (answers.length === 0) return;
        bytes += Buffer.byteLength(text);
        for (const m of answers) count += type === 'replay' ? m.events.length : m.chats.length;
        if (answers.some((m) => !m.more)) {
          ws.off('message', onMessage);
          resolve();
        }
      });
    });
    ws.send(JSON.stringify(message));
    await done;
    return { ms: now() - t0, bytes, count };
  };
  const replays = [];
  const snaps = [];
  for (let i = 0; i < 5; i++) {
    replays.push(await measure({ type: 'subscribe', image, since: { epoch, seq: 0 } }, 'replay'));
    snaps.push(await measure({ type: 'subscribe', image }, 'snapshot'));
  }
  ws.close();
  return {
    replay: { ms: median(replays.map((r) => r.ms)), bytes: replays[0].bytes, count: replays[0].count },
    snapshot: { ms: median(snaps.map((r) => r.ms)), bytes: snaps[0].bytes, count: snaps[0].count },
  };
}

async function widgetLatency(browser, url) {
  const pages = [];
  for (const name of ['Ada', 'Bo']) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/?name=${name}`);
    await page.waitForFunction(widgetsReady);
    pages.push(page);
  }
  const [a, b] = pages;
  await a.evaluate(() => {
    window.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) window.__t0 = performance.timeOrigin + performance.now(); }, true);
  });
  await b.evaluate(() => {
    const root = document.querySelector('image-chat').shadowRoot;
    window.__seen = [];
    let count = 0;
    new MutationObserver(() => {
      const n = root.querySelectorAll('[part~="marker"]').length;
      if (n > count) window.__seen.push(performance.timeOrigin + performance.now());
      count = n;
    }).observe(root, { subtree: true, childList: true });
  });
  const overlay = a.locator('image-chat').first().locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  const samples = [];
  // Points on a grid, never on an earlier marker (a click there would open its thread instead).
  const rows = Math.ceil(RUNS / 5);
  for (let i = 0; i < RUNS; i++) {
    const at = { x: 0.1 + 0.2 * (i % 5), y: (Math.floor(i / 5) + 0.5) / rows };
    await overlay.click({ position: { x: box.width * at.x, y: box.height * at.y } });
    const composer = a.locator('image-chat').first().locator('[part~="composer"]');
    await composer.fill(`bench message ${i}`);
    await composer.press('Enter');
    await b.waitForFunction((n) => window.__seen.length >= n, i + 1);
    const t0 = await a.evaluate(() => window.__t0);
    const t1 = await b.evaluate((n) => window.__seen[n], i);
    samples.push(t1 - t0);
  }
  for (const p of pages) await p.context().close();
  return samples;
}

async function relayLatency(browser) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (data) => {
    for (const other of wss.clients) if (other !== ws) other.send(data.toString());
  }));
  const url = `ws://127.0.0.1:${wss.address().port}`;
  const [a, b] = [await browser.newPage(), await browser.newPage()];
  for (const p of [a, b]) {
    await p.evaluate((u) => new Promise((r) => { window.ws = new WebSocket(u); window.ws.onopen = r; }), url);
  }
  await b.evaluate(() => {
    window.__seen = [];
    window.ws.onmessage = (e) => {
      const div = document.createElement('div');
      div.textContent = JSON.parse(e.data).text;
      document.body.append(div);
      window.__seen.push(performance.timeOrigin + performance.now());
    };
  });
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = await a.evaluate((n) => {
      const t = performance.timeOrigin + performance.now();
      window.ws.send(JSON.stringify({ text: `relay message ${n}` }));
      return t;
    }, i);
    await b.waitForFunction((n) => window.__seen.length >= n, i + 1);
    samples.push((await b.evaluate((n) => window.__seen[n], i)) - t0);
  }
  await a.close(); await b.close();
  await new Promise((r) => wss.close(r));
  return samples;
}

const NO_CHANNEL = () => { delete window.BroadcastChannel; };
const until = async (check, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('bench: timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A browser context with `n` tabs on the demo, each online and laid out; `fallback`: no BroadcastChannel. */
async function tabs(browser, url, n, fallback) {
  const context = await browser.newContext();
  if (fallback) await context.addInitScript(NO_CHANNEL);
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(`${url}/?name=Tabs`);
    await page.waitForFunction(widgetsReady);
    pages.push(page);
  }
  return { context, pages };
}

/** Server-side socket count for `n` tabs of one browser, once it has settled (a server of its own: nothing else counted). */
async function socketsHeld(browser, n, fallback) {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-tabs-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'tabs.sqlite') });
  const { context } = await tabs(browser, server.url, n, fallback);
  await until(() => server.core.connectionCount >= (fallback ? n : 1));
  await new Promise((r) => setTimeout(r, 300));
  const held = server.core.connectionCount;
  await context.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  return held;
}

/** Close the first tab, then another client makes a marker: ms until both remaining tabs show it. */
async function failover(browser, server, fallback) {
  const samples = [];
  const image = `${server.url}/demo/checkout.svg`;
  const maker = await client(server.url, 'Maker');
  for (let run = 0; run < 5; run++) {
    const { context, pages } = await tabs(browser, server.url, 3, fallback);
    const rest = pages.slice(1);
    for (const p of rest) {
      await p.evaluate(() => {
        const root = document.querySelector('image-chat').shadowRoot;
        const start = root.querySelectorAll('[part~="marker"]').length;
        window.__seenAt = undefined;
        new MutationObserver(() => {
          if (window.__seenAt === undefined && root.querySelectorAll('[part~="marker"]').length > start) window.__seenAt = performance.timeOrigin + performance.now();
        }).observe(root, { subtree: true, childList: true });
      });
    }
    const t0 = now();
    await pages[0].close();
    maker.send(JSON.stringify({ type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: Math.random(), y: Math.random(), text: `failover ${run}` }));
    for (const p of rest) await p.waitForFunction(() => window.__seenAt !== undefined, null, { timeout: 15_000 });
    const seen = await Promise.all(rest.map((p) => p.evaluate(() => window.__seenAt)));
    samples.push(Math.max(...seen) - t0);
    await context.close();
  }
  maker.close();
  return samples;
}

const HOT_WRITERS = 8;
const HOT_CREATES = Number(process.env.BENCH_HOT_CREATES ?? 2000);

/** `HOT_CREATES` creates on one image by `HOT_WRITERS` writers at once, spread over `stores`: creates per second. */
async function hotImageRate(stores) {
  const image = 'hot';
  const each = Math.ceil(HOT_CREATES / HOT_WRITERS);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: HOT_WRITERS }, async (_, w) => {
    const store = stores[w % stores.length];
    const who = { id: `g_hot${w}`, name: `Hot ${w}`, kind: 'guest' };
    for (let i = 0; i < each; i++) {
      await store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: Math.random(), y: Math.random(), text: `marker ${w}.${i}` }, who);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const { seq } = await stores[0].snapshot('demo', image);
  if (seq !== each * HOT_WRITERS) throw new Error(`hot image: expected seq ${each * HOT_WRITERS}, got ${seq}`);
  return (each * HOT_WRITERS) / seconds;
}

/** Section 8: the SQLite file, then PostgreSQL (DATABASE_URL or TEST_DATABASE_URL, in a schema of its own). */
async function hotImageCreates() {
  const { SqliteStore } = await tsImport('../src/store/sqlite/sqlite-store.ts', import.meta.url);
  const { PostgresStore } = await tsImport('../src/store/postgres/postgres-store.ts', import.meta.url);
  const folder = mkdtempSync(join(tmpdir(), 'image-chat-bench-hot-'));
  const sqlite = new SqliteStore(join(folder, 'hot.sqlite'));
  let sqliteRate;
  try {
    sqliteRate = await hotImageRate([sqlite]);
  } finally {
    await sqlite.close();
    rmSync(folder, { recursive: true, force: true });
  }
  const url = [process.env.DATABASE_URL, process.env.TEST_DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//i.test(u));
  if (!url) return { sqliteRate };
  const { default: postgres } = await import('postgres');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const schema = `image_chat_bench_${crypto.randomUUID().replaceAll('-', '')}`;
  await admin`CREATE SCHEMA ${admin(schema)}`;
  try {
    const nodes = await Promise.all([PostgresStore.open(url, { schema }), PostgresStore.open(url, { schema })]);
    try {
      return { sqliteRate, postgresRate: await hotImageRate(nodes) };
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  } finally {
    await admin`DROP SCHEMA ${admin(schema)} CASCADE`;
    await admin.end();
  }
}

const size = await bundleSize();
console.log(`bundle  widget, esbuild --minify  ${size.widget.min} B min, ${size.widget.gzip} B min+gzip first load  (English texts and Lit included; every chunk, all languages: ${size.widgetAll.gzip} B)`);
console.log(`  peer  lit, esbuild --minify     ${size.lit.min} B min, ${size.lit.gzip} B min+gzip  (widget's own code first loaded ≈ ${size.widget.gzip - size.lit.gzip} B gzip)`);
console.log(`  as shipped: /image-chat.js      ${size.shipped.min} B min, ${size.shipped.gzip} B min+gzip  (vite + oxc, template text minified; budget ${BUDGET} B)`);
if (size.shippedParts) console.log(`  fetched on first use: parts      ${size.shippedParts.min} B min, ${size.shippedParts.gzip} B min+gzip  (thread, text boxes, list, move, sheet, avatars)`);

const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-'));
const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
// maxReplay raised so the 1,000-event replay can be measured beside the snapshot the default (500) would send.
const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'bench.sqlite'), maxReplay: 100_000 });
const browser = await chromium.launch(launchOptions());
try {
  const bytes = await frameBytes(server.url);
  console.log(`frame   new-image-chat, 100-char message: ${bytes} B`);
  console.log(`  peer  design.md budget: 1024 B  (${((bytes / 1024) * 100).toFixed(0)}% of it)`);
  const widget = await widgetLatency(browser, server.url);
  const relay = await relayLatency(browser);
  console.log(`latency Enter in A → marker in B, median of ${RUNS}: ${fmt(median(widget))}  (min ${fmt(Math.min(...widget))}, max ${fmt(Math.max(...widget))})`);
  console.log(`  peer  bare ws relay page → page, median of ${RUNS}: ${fmt(median(relay))}  (min ${fmt(Math.min(...relay))}, max ${fmt(Math.max(...relay))})`);
  const byReplay = await restartResync('replay');
  const bySnapshot = await restartResync('snapshot');
  console.log(`resync  server back → all ${RESYNC_CLIENTS} clients caught up on ${MISSED} missed events by replay: ${fmt(byReplay.ms)}  (${byReplay.bytesEach} B each${byReplay.exact ? ', exactly the missed events' : ', NOT EXACT'})`);
  console.log(`  peer  the same, each client taking a fresh snapshot: ${fmt(bySnapshot.ms)}  (${bySnapshot.bytesEach} B each)`);
  const c = await catchUp(server.url, server.core.store);
  console.log(`catchup 1 client, ${c.replay.count} missed events by replay: ${c.replay.bytes} B, ${fmt(c.replay.ms)} (median of 5)`);
  console.log(`  peer  fresh snapshot of the same image (${c.snapshot.count} conversations): ${c.snapshot.bytes} B, ${fmt(c.snapshot.ms)} (median of 5)`);
  console.log(`        (a server with the default REPLAY_MAX of 500 answers this 1,000-event gap with the snapshot)`);
  const held = { shared: [], own: [] };
  for (const n of [1, 3, 10]) {
    held.shared.push(await socketsHeld(browser, n, false));
    held.own.push(await socketsHeld(browser, n, true));
  }
  console.log(`sockets server-side for 1 / 3 / 10 tabs of one browser, leader tab: ${held.shared.join(' / ')}`);
  console.log(`  peer  the same tabs without BroadcastChannel (one socket each): ${held.own.join(' / ')}`);
  const fo = await failover(browser, server, false);
  const foOwn = await failover(browser, server, true);
  console.log(`failover close the leader tab → next event in both other tabs, median of 5: ${fmt(median(fo))}  (min ${fmt(Math.min(...fo))}, max ${fmt(Math.max(...fo))})`);
  console.log(`  peer  the same with one socket per tab (nothing to take over): ${fmt(median(foOwn))}  (min ${fmt(Math.min(...foOwn))}, max ${fmt(Math.max(...foOwn))})`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

const hot = await hotImageCreates();
console.log(`hot     ${HOT_CREATES} creates on one image, ${HOT_WRITERS} writers at once, PostgreSQL on two store instances: ${hot.postgresRate === undefined ? 'not run (set DATABASE_URL=postgres://…)' : `${hot.postgresRate.toFixed(0)} creates/s`}`);
console.log(`  peer  the same on one SQLite file (one store): ${hot.sqliteRate.toFixed(0)} creates/s`);

await printPayloads();

const lifecycle = await import('./bench-lifecycle.mjs');
await lifecycle.reportShutdown();
await lifecycle.reportSynchronous();

const { usageBench } = await import('./bench-usage.mjs');
await usageBench();

const { reportHookCost } = await import('./bench-hooks.mjs');
await reportHookCost();

const { clusterBench } = await import('./bench-cluster.mjs');
await clusterBench();

const { markersBench } = await import('./bench-markers.mjs');
await markersBench();

const { presenceBench } = await import('./bench-presence.mjs');
await presenceBench();
