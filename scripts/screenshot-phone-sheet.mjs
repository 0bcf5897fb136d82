// Regenerates docs/phone-sheet.png: a thread open as a full-screen sheet on a 375 × 667 phone
// (touch), against a real server on a temp database. `node scripts/screenshot-phone-sheet.mjs`
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
  const open = async (name, phone) => {
    const options = phone ? { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : { viewport: { width: 1100, height: 820 } };
    const page = await (await browser.newContext(options)).newPage();
    await page.goto(`${server.url}/?name=${name}`);
    await page.waitForFunction(widgetsReady);
    return page;
  };
  // Ada starts a conversation on a desktop; Bo answers from a phone.
  const ada = await open('Ada', false);
  const chat = ada.locator('image-chat').first();
  const overlay = chat.locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  await overlay.click({ position: { x: box.width * 0.12, y: box.height * 0.84 } });
  await chat.locator('[part~="composer"]').fill('The Pay now button is too small to tap on a phone.');
  await chat.locator('[part~="composer"]').press('Enter');
  await chat.locator('[part~="marker"]:not([data-pending])').waitFor();

  const bo = await open('Bo', true);
  const mobile = bo.locator('image-chat').first();
  await mobile.locator('[part~="marker"]').first().tap();
  const reply = mobile.locator('[part~="thread"] [part~="composer"]');
  await reply.fill('Agreed: 44px high, full width on mobile.');
  await mobile.locator('[part~="thread"] [part~="send"]').tap();
  await mobile.locator('[part~="thread"] [part~="comment"]:not([data-pending])').nth(1).waitFor();
  await reply.fill('And the total in bold?');
  await bo.screenshot({ path: new URL('../docs/phone-sheet.png', import.meta.url).pathname });
  console.log('wrote docs/phone-sheet.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
