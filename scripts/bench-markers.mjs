// Section 17 of `npm run bench` (also `node scripts/bench-markers.mjs` alone, after `npm run build`):
// drawing a crowded image in Chromium. An image holding MARKERS conversations (a fifth of them
// crowded into 4 % of it) is shown by one <image-chat> 1,000 px wide; measured per update of the
// element (Lit's render + commit, the clustering inside it), then the style and layout it forces:
//   render    the update that draws all MARKERS at once (the element switched to the image: from
//             nothing to every marker and cluster), median of ROUNDS
//   resize    the update after the element's width changes (1,000 ↔ 700 px: every marker placed and
//             clustered again), median of ROUNDS
// Peer: the same page, same run, with the widget built with the O(n²) pairwise neighbour search
// (cluster.ts `naiveNeighbours`) in place of the grid. Last, the clustering alone (no element), in a
// Chromium page, grid vs pairwise, for MARKERS and for 10 × MARKERS points.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';

const MARKERS = Number(process.env.BENCH_MARKERS ?? 500);
const ROUNDS = Number(process.env.BENCH_MARKERS_ROUNDS ?? 15);
const GUEST = { id: 'g_bench_markers', name: 'Bench', kind: 'guest' };
const root = new URL('..', import.meta.url);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** MARKERS points, the same every run: most spread, a fifth crowded into a corner of the middle. */
function points(n, seed = 7) {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: n }, (_, i) => (i % 5 === 0 ? { x: 0.4 + next() * 0.2, y: 0.4 + next() * 0.2 } : { x: next(), y: next() }));
}

/** The widget bundled with the pairwise neighbour search as the default: the peer. */
async function naiveBundle() {
  const swap = {
    name: 'naive-neighbours',
    setup(b) {
      b.onLoad({ filter: /widget[\\/]cluster\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const swapped = source.replace('neighbours: NeighbourFinder = gridNeighbours', 'neighbours: NeighbourFinder = naiveNeighbours');
        if (swapped === source) throw new Error('cluster.ts no longer names gridNeighbours as the default: update bench-markers.mjs');
        return { contents: swapped, loader: 'ts' };
      });
    },
  };
  const out = await build({
    entryPoints: [fileURLToPath(new URL('src/index.ts', root))],
    bundle: true, minify: true, format: 'esm', write: false, target: 'es2022', plugins: [swap],
  });
  return out.outputFiles[0].text;
}

/** One page: the demo's origin, the widget (the real one or `bundle`), one element, timed. */
async function measure(browser, url, images, bundle) {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  if (bundle) await page.route(`${url}/image-chat.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
  await page.goto(`${url}/?name=Bench`);
  await page.evaluate(async () => {
    await customElements.whenDefined('image-chat');
    const Element = customElements.get('image-chat');
    const update = Element.prototype.update;
    const w = window;
    w.__timings = [];
    // Each update timed, and the style and layout it leaves to do, forced at once.
    Element.prototype.update = function (changed) {
      const t0 = performance.now();
      update.call(this, changed);
      const t1 = performance.now();
      this.shadowRoot.querySelector('[part~="overlay"]')?.getBoundingClientRect();
      this.shadowRoot.querySelector('[part~="marker"], [part~="cluster"]')?.getBoundingClientRect();
      w.__timings.push({ chats: this.chats.length, width: Math.round(this.getBoundingClientRect().width), drawn: this.shadowRoot.querySelectorAll('[part~="marker"], [part~="cluster"]').length, update: t1 - t0, layout: performance.now() - t1 });
    };
    document.body.innerHTML = '<main></main>';
    const el = document.createElement('image-chat');
    el.setAttribute('src', '/demo/checkout.svg');
    el.style.width = '1000px';
    document.querySelector('main').append(el);
  });
  const timings = () => page.evaluate(() => window.__timings.splice(0));
  const settle = (pred, arg) => page.waitForFunction(pred, arg, { timeout: 20_000 });
  const render = [];
  const resize = [];
  let drawn = 0;
  for (let r = 0; r <= ROUNDS; r++) {
    await page.evaluate((image) => document.querySelector('image-chat').setAttribute('image-id', image), images[r % images.length]);
    await settle((n) => {
      const el = document.querySelector('image-chat');
      return el.loaded && el.chats.length === n && !el.shadowRoot.querySelector('[part~="marker"][data-pending]');
    }, MARKERS);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const all = await timings();
    // The first update with every conversation after the switch emptied the element: drawn from nothing.
    const emptied = all.findLastIndex((t) => t.chats === 0);
    const full = all.slice(emptied + 1).filter((t) => t.chats === MARKERS);
    if (r > 0 && emptied >= 0 && full[0]) render.push(full[0].update + full[0].layout);
    drawn = full.at(-1)?.drawn ?? drawn;
  }
  for (let r = 0; r <= ROUNDS; r++) {
    const width = r % 2 ? 1000 : 700;
    await page.evaluate((w) => (document.querySelector('image-chat').style.width = `${w}px`), width);
    await settle((w) => window.__timings.some((t) => Math.abs(t.width - w) < 2), width);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const after = (await timings()).filter((t) => Math.abs(t.width - width) < 2);
    if (r > 0) resize.push(after.reduce((sum, t) => sum + t.update + t.layout, 0));
  }
  await page.context().close();
  return { render: median(render), resize: median(resize), drawn };
}

/** The clustering alone, in a Chromium page: median ms of `runs` layouts of `n` points on a 1,000 × 667 image. */
async function clusteringAlone(browser, n, runs = 15) {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('src/widget/cluster.ts', root))],
    bundle: true, minify: true, format: 'iife', globalName: '__cluster', write: false, target: 'es2022',
  });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.addScriptTag({ content: out.outputFiles[0].text });
    return await page.evaluate(({ pins, runs }) => {
      const { layoutMarkers, gridNeighbours, naiveNeighbours } = window.__cluster;
      const options = { width: 1000, height: 667, pinSize: 32, clusterSize: 40, gap: 2 };
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = (finder) => {
        const ms = [];
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          layoutMarkers(pins, options, finder);
          ms.push(performance.now() - t);
        }
        return median(ms);
      };
      time(gridNeighbours);
      time(naiveNeighbours);
      return { grid: time(gridNeighbours), naive: time(naiveNeighbours), items: layoutMarkers(pins, options).length };
    }, { pins: points(n).map((p, i) => ({ id: String(i), ...p })), runs });
  } finally {
    await page.context().close();
  }
}

export async function markersBench() {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-markers-'));
  const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'markers.sqlite') });
  const browser = await chromium.launch(launchOptions());
  try {
    // Two images with the same MARKERS points: switching between them draws all of them anew.
    const images = ['bench-markers-a', 'bench-markers-b'];
    for (const image of images) {
      for (const p of points(MARKERS)) {
        await server.core.store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: p.x, y: p.y, text: 'A crowded image'.padEnd(60, '.') }, GUEST);
      }
    }
    const naive = await naiveBundle();
    // Taking turns, grid first then pairwise then the other way round, so drift falls on both.
    const grid1 = await measure(browser, server.url, images);
    const naive1 = await measure(browser, server.url, images, naive);
    const naive2 = await measure(browser, server.url, images, naive);
    const grid2 = await measure(browser, server.url, images);
    const both = (a, b) => ({ render: (a.render + b.render) / 2, resize: (a.resize + b.resize) / 2, drawn: a.drawn });
    const grid = both(grid1, grid2);
    const pairwise = both(naive1, naive2);
    console.log(`markers ${MARKERS} conversations on a 1,000 px image (${grid.drawn} markers and clusters drawn), Chromium, grid clustering: render ${fmt(grid.render)}, re-cluster on resize ${fmt(grid.resize)} (medians of ${ROUNDS}, update + style and layout)`);
    console.log(`  peer  the same with the O(n²) pairwise neighbour search: render ${fmt(pairwise.render)}, re-cluster on resize ${fmt(pairwise.resize)}`);
    for (const n of [MARKERS, MARKERS * 10]) {
      const alone = await clusteringAlone(browser, n);
      console.log(`        clustering alone (Chromium), ${n} points → ${alone.items} markers and clusters: grid ${fmt(alone.grid)}  vs pairwise ${fmt(alone.naive)}`);
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await markersBench();
