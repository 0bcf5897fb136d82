// Regenerates docs/demo.png, the README's picture of the demo (a real server on a
// temp database, two conversations, one thread open), and docs/thread-desktop.png
// (inside a thread). `node scripts/screenshot.mjs` (after `npm run build`).
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

  // docs/thread-desktop.png: inside a thread — an edited message, a link, a right-to-left message,
  // Bo's unsent draft, and on the other marker Bo's unread badge.
  const adaChat = ada.locator('image-chat').first();
  await adaChat.locator('[part~="marker"]').first().click();
  await adaChat.locator('[part~="thread"] [part~="comment"]').nth(1).waitFor();
  await adaChat.locator('[part~="thread"] [part~="edit"]').first().click();
  const editBox = adaChat.locator('[part~="thread"] [part~="comment"] textarea');
  await editBox.fill('The Pay now button is too small to tap on a phone (see https://www.w3.org/WAI/WCAG22/Understanding/target-size-minimum).');
  await editBox.press('Enter');
  await adaChat.locator('[part~="thread"] [part~="composer"]').fill('גם בגרסה העברית, בבקשה.');
  await adaChat.locator('[part~="thread"] [part~="composer"]').press('Enter');
  const boThread = chat.locator('[part~="thread"]');
  await boThread.locator('[part~="comment"]').nth(2).waitFor();
  await boThread.locator('[part~="comment"] .edited').waitFor();
  await boThread.locator('[part~="composer"]').fill('I will make it full width under 768 px too.');
  await chat.locator('[part~="marker"][data-unread]').waitFor();
  await boThread.locator('.close').hover();
  await chat.screenshot({ path: new URL('../docs/thread-desktop.png', import.meta.url).pathname });
  console.log('wrote docs/thread-desktop.png');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
