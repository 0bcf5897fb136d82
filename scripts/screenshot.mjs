// Regenerates docs/demo.png, the README's picture of the demo: a real server on a
// temp database, two conversations, one thread open. `node scripts/screenshot.mjs`
// (after `npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-shot-'));
const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
const server = await startServer({ port: 0, databaseUrl: join(dir, 'shot.sqlite') });
const browser = await chromium.launch(launchOptions());
try {
  const say = async (page, name, fx, fy, text) => {
    const chat = page.locator('image-chat').first();
    const overlay = chat.locator('[part~="overlay"]');
    const box = await overlay.boundingBox();
    await overlay.click({ position: { x: box.width * fx, y: box.height * fy } });
    await chat.locator('[part~="composer"]').fill(text);
    await chat.locator('[part~="composer"]').press('Enter');
  };
  const open = async (name) => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 820 } })).newPage();
    await page.goto(`${server.url}/?name=${name}`);
    await page.waitForFunction(widgetsReady);
    return page;
  };
  const ada = await open('Ada');
  await say(ada, 'Ada', 0.12, 0.84, 'The Pay now button is too small to tap on a phone.');
  await say(ada, 'Ada', 0.8, 0.58, 'Should the total show the VAT amount?');
  const bo = await open('Bo');
  const chat = bo.locator('image-chat').first();
  await chat.locator('[part~="marker"]').first().click();
  await chat.locator('[part~="thread"] [part~="composer"]').fill('Agreed: 44px high, full width on mobile.');
  await chat.locator('[part~="thread"] [part~="composer"]').press('Enter');
  await bo.waitForTimeout(300);
  await chat.screenshot({ path: new URL('../docs/demo.png', import.meta.url).pathname });
  console.log('wrote docs/demo.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
