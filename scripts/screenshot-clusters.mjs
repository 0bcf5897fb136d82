// Regenerates docs/clusters-list.png: a crowded image (60 conversations, 20 of them close
// together) drawn as markers and clusters, with the list panel open. A real server on a temp
// database. `node scripts/screenshot-clusters.mjs` (after `npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';

const SAYINGS = [
  'The Pay now button is too small to tap on a phone.',
  'Should the total show the VAT amount?',
  'Postcode before city, as people write it here.',
  'This label is cut off at 320 px.',
  'Use the brand green for the primary action.',
  'Can we drop the Country field for domestic orders?',
];
const PEOPLE = [
  { id: 'g_shot_ada', name: 'Ada', kind: 'guest' },
  { id: 'g_shot_bo', name: 'Bo', kind: 'guest' },
  { id: 'g_shot_cy', name: 'Cy', kind: 'guest' },
];

const dir = mkdtempSync(join(tmpdir(), 'image-chat-shot-'));
const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
const server = await startServer({ port: 0, databaseUrl: join(dir, 'shot.sqlite') });
const browser = await chromium.launch(launchOptions());
try {
  const image = `${server.url}/demo/checkout.svg`;
  const store = server.core.store;
  let s = 11;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 60; i++) {
    const near = i % 3 === 0 && i < 60;
    const x = near ? 0.08 + next() * 0.1 : 0.05 + next() * 0.9;
    const y = near ? 0.8 + next() * 0.1 : 0.05 + next() * 0.9;
    const who = PEOPLE[i % PEOPLE.length];
    const { event } = await store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x, y, text: SAYINGS[i % SAYINGS.length] }, who);
    const chatId = event.chat.id;
    for (let r = 0; r < i % 4; r++) {
      await store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId, change: { kind: 'add-comment', text: 'Agreed.' } }, PEOPLE[(i + r + 1) % PEOPLE.length]);
    }
    if (i % 5 === 1) await store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId, change: { kind: 'resolve', resolved: true } }, who);
  }
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 820 } })).newPage();
  await page.goto(`${server.url}/?name=Ada`);
  await page.waitForFunction(widgetsReady);
  const chat = page.locator('image-chat').first();
  await chat.locator('[part~="list-toggle"]').click();
  await chat.locator('[part~="list"] .entry').first().waitFor();
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  await chat.screenshot({ path: new URL('../docs/clusters-list.png', import.meta.url).pathname });
  console.log('wrote docs/clusters-list.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
