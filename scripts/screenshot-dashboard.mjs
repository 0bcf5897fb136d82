// Regenerates docs/dashboard.png, the README's picture of the dashboard: a real server on a
// temp database whose clock starts 23 hours back and moves on an hour at a time while raw
// clients post (so the last 24 hours hold a day of real, generated traffic), then two demo
// pages open now, and the dashboard signed in. `node scripts/screenshot-dashboard.mjs`
// (after `npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';
import { skewableClock } from './wtr-test-server.mjs';

const HOUR = 3_600_000;
const KEY = 'screenshot-demo-key';
const SAYINGS = [
  ['Ada', 'The Pay now button is too small to tap on a phone.'],
  ['Bo', 'Should the total show the VAT amount?'],
  ['Cy', 'The arrow from the ocean to the clouds needs a label.'],
  ['Di', 'Can we use the brand blue for the primary button?'],
  ['Ed', 'Condensation is spelled wrong in the legend.'],
  ['Fi', 'Move the coupon field below the order summary.'],
];
const REPLIES = ['Agreed.', 'Fixed in the next build.', 'Good catch, thanks!', 'Let us discuss on Monday.', 'Done: 44px high, full width on mobile.'];

const dir = mkdtempSync(join(tmpdir(), 'image-chat-shot-'));
const clock = skewableClock();
clock.advance(-23 * HOUR);
const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
const { rawClient } = await tsImport('../test/e2e/helpers.ts', import.meta.url);
const server = await startServer({ port: 0, databaseUrl: join(dir, 'shot.sqlite'), clock, demoApiKey: KEY, usage: { flushMs: 50, retentionDays: 400 } });
const images = ['checkout.svg', 'diagram.svg'].map((f) => `${server.url}/demo/${f}`);
const browser = await chromium.launch(launchOptions());
try {
  // A working day's shape: quiet at night, busy in the afternoon.
  for (let h = 0; h < 24; h++) {
    const busy = Math.round(3 + 3 * Math.sin(((h - 6) / 24) * 2 * Math.PI));
    const clients = await Promise.all(Array.from({ length: busy + 1 }, (_, i) => rawClient(server.url, SAYINGS[(h + i) % SAYINGS.length][0])));
    const created = [];
    for (let i = 0; i < Math.max(0, busy - 2); i++) {
      const [, text] = SAYINGS[(h * 3 + i) % SAYINGS.length];
      const image = images[(h + i) % 2];
      const ack = await clients[i % clients.length].act({ type: 'create-image-chat', image, x: 0.15 + 0.7 * Math.random(), y: 0.15 + 0.7 * Math.random(), text });
      created.push({ image, id: ack.chat.id });
    }
    for (let i = 0; i < busy * 2 && created.length; i++) {
      const target = created[i % created.length];
      await clients[(i + 1) % clients.length].act({ type: 'update-image-chat', image: target.image, chatId: target.id, change: { kind: 'add-comment', text: REPLIES[(h + i) % REPLIES.length] } });
    }
    await new Promise((r) => setTimeout(r, 120)); // let a flush see this hour's connections
    await Promise.all(clients.map((c) => c.close()));
    if (h < 23) clock.advance(HOUR);
  }
  // Now: two people are looking at the demo.
  const viewers = [];
  for (const name of ['Ada', 'Bo']) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/?name=${name}`);
    await page.waitForFunction(widgetsReady);
    viewers.push(page);
  }
  const dashboard = await (await browser.newContext({ viewport: { width: 1280, height: 1560 }, colorScheme: 'light' })).newPage();
  await dashboard.goto(`${server.url}/dashboard`);
  await dashboard.locator('input[name="tenant"]').fill('demo');
  await dashboard.locator('input[name="key"]').fill(KEY);
  await dashboard.locator('input[name="key"]').press('Enter');
  await dashboard.locator('dashboard-usage-chart canvas').nth(4).waitFor();
  await dashboard.locator('[data-metric="connections"]').filter({ hasText: '2' }).waitFor();
  await dashboard.locator('dashboard-top-images img').first().waitFor();
  // The top of the page: figures, charts and the start of both lists (the full list runs on).
  await dashboard.screenshot({ path: new URL('../docs/dashboard.png', import.meta.url).pathname });
  console.log('wrote docs/dashboard.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
