// Regenerates docs/i18n-da.png and docs/i18n-he.png: the demo's image with a thread open and a
// reply from someone else, in Danish and in Hebrew (right to left; the markers where they are in
// any language), against a real server on a temp database. `node scripts/screenshot-i18n.mjs`
// (after `npm run build`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { launchOptions } from './browser.mjs';
import { widgetsReady } from './page-ready.mjs';

const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
const browser = await chromium.launch(launchOptions());
// A server (and database) per language: the same points in both pictures.
let server;
let dir;
try {
  /** The demo in `locale`, as `name`, with its first element speaking it. */
  const open = async (name, locale) => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 820 } })).newPage();
    await page.goto(`${server.url}/?name=${name}`);
    await page.waitForFunction(widgetsReady);
    await page.locator('image-chat').first().evaluate(async (el, l) => {
      el.setAttribute('locale', l);
      await el.updateComplete;
      await el.localeReady;
      await el.updateComplete;
    }, locale);
    return page;
  };
  const say = async (page, fx, fy, text) => {
    const chat = page.locator('image-chat').first();
    const overlay = chat.locator('[part~="overlay"]');
    const box = await overlay.boundingBox();
    await overlay.click({ position: { x: box.width * fx, y: box.height * fy } });
    await chat.locator('[part~="new-chat"] [part~="composer"]').fill(text);
    await chat.locator('[part~="new-chat"] [part~="composer"]').press('Enter');
    await chat.locator('[part~="marker"]:not([data-pending])').last().waitFor();
  };
  const shots = [
    { locale: 'da', first: ['Ada', 'Knappen »Betal nu« er for lille på en telefon.'], reply: ['Bo', 'Enig: 44 px høj og fuld bredde på mobil.'], other: 'Skal totalen vise momsen?' },
    { locale: 'he', first: ['דנה', 'הכפתור "לתשלום" קטן מדי בטלפון.'], reply: ['יואב', 'מסכים: גובה 44 פיקסלים ורוחב מלא במובייל.'], other: 'האם הסכום צריך להציג מע״מ?' },
  ];
  for (const s of shots) {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'image-chat-shot-'));
    server = await startServer({ port: 0, databaseUrl: join(dir, 'shot.sqlite') });
    const author = await open(s.first[0], s.locale);
    await say(author, 0.12, 0.84, s.first[1]);
    await say(author, 0.8, 0.58, s.other);
    const replier = await open(s.reply[0], s.locale);
    const chat = replier.locator('image-chat').first();
    await chat.locator('[part~="marker"]').first().click();
    await chat.locator('[part~="thread"] [part~="composer"]').fill(s.reply[1]);
    await chat.locator('[part~="thread"] [part~="composer"]').press('Enter');
    await chat.locator('[part~="thread"] [part~="comment"]:not([data-pending])').nth(1).waitFor();
    await chat.locator('[part~="marker"][data-unread]').waitFor();
    await chat.screenshot({ path: new URL(`../docs/i18n-${s.locale}.png`, import.meta.url).pathname });
    console.log(`wrote docs/i18n-${s.locale}.png`);
    await author.context().close();
    await replier.context().close();
  }
} finally {
  await browser.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
