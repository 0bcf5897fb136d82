// `npm run bench`: the figures the walking product promises, each beside a peer
// measured in the same run on the same machine.
//   1. min+gzip size of /image-chat.js            vs lit's own runtime, bundled the same way
//   2. bytes of one new-image-chat frame (100-char message)  vs the 1 KB budget of design.md
//   3. median Enter-in-browser-A → marker-in-browser-B (20 runs)  vs a bare WebSocket relay
//      carrying one message between the same two pages
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { WebSocket, WebSocketServer } from 'ws';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const root = new URL('..', import.meta.url);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

async function bundleSize() {
  if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    throw new Error('vite build failed');
  }
  const widget = readFileSync(new URL('dist/image-chat.js', root));
  const lit = await build({
    stdin: { contents: "export * from 'lit';", resolveDir: root.pathname },
    bundle: true, minify: true, format: 'esm', write: false, target: 'es2022',
  });
  const litBytes = lit.outputFiles[0].contents;
  return { widget: { min: widget.length, gzip: gz(widget) }, lit: { min: litBytes.length, gzip: gz(litBytes) } };
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
  for (let i = 0; i < RUNS; i++) {
    await overlay.click({ position: { x: box.width * (0.05 + 0.9 * Math.random()), y: box.height * (0.05 + 0.9 * Math.random()) } });
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

const size = await bundleSize();
console.log(`bundle  /image-chat.js      ${size.widget.min} B min, ${size.widget.gzip} B min+gzip`);
console.log(`  peer  lit runtime alone   ${size.lit.min} B min, ${size.lit.gzip} B min+gzip  (widget's own code ≈ ${size.widget.gzip - size.lit.gzip} B gzip)`);

const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-'));
const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'bench.sqlite') });
const browser = await chromium.launch(launchOptions());
try {
  const bytes = await frameBytes(server.url);
  console.log(`frame   new-image-chat, 100-char message: ${bytes} B`);
  console.log(`  peer  design.md budget: 1024 B  (${((bytes / 1024) * 100).toFixed(0)}% of it)`);
  const widget = await widgetLatency(browser, server.url);
  const relay = await relayLatency(browser);
  console.log(`latency Enter in A → marker in B, median of ${RUNS}: ${fmt(median(widget))}  (min ${fmt(Math.min(...widget))}, max ${fmt(Math.max(...widget))})`);
  console.log(`  peer  bare ws relay page → page, median of ${RUNS}: ${fmt(median(relay))}  (min ${fmt(Math.min(...relay))}, max ${fmt(Math.max(...relay))})`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
