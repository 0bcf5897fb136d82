// A phone (375 × 667, touch): the composer and a thread open as full-screen sheets, modal, focus
// kept inside, every control at least 44 × 44 px and text boxes at 16 px or more, axe-clean in
// light and dark. (Under 768 px of element width; sheet.test.ts covers the element alone.)
import type { Browser, Locator, Page } from '@playwright/test';
// A server of its own per test (the worker's shared one serves other files the demo image untouched).
import { test, expect } from './restart-fixtures.ts';
import { openDemo } from './helpers.ts';
import { axeViolations } from './axe.ts';

const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

async function phone(browser: Browser, url: string, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ ...PHONE, colorScheme });
  return openDemo(browser, url, name, context);
}

const chatOf = (page: Page) => page.locator('image-chat').first();

/** What the sheet looks like from the outside: its box, the smallest control, the smallest text box font, focus inside. */
function measure(sheet: Locator) {
  return sheet.evaluate((el) => {
    const root = el.getRootNode() as ShadowRoot;
    const controls = [...el.querySelectorAll<HTMLElement>('button, textarea, input, select, a[href]')].filter((c) => c.getClientRects().length > 0);
    const sizes = controls.map((c) => {
      const r = c.getBoundingClientRect();
      return { what: `${c.tagName.toLowerCase()}.${c.className || c.getAttribute('part')}`, width: r.width, height: r.height };
    });
    const box = el.getBoundingClientRect();
    return {
      box: { x: box.x, y: box.y, width: box.width, height: box.height },
      topLayer: el.matches(':popover-open'),
      sizes,
      fonts: [...el.querySelectorAll('textarea')].map((t) => parseFloat(getComputedStyle(t).fontSize)),
      focusInside: !!root.activeElement && el.contains(root.activeElement),
      back: el.querySelector('.back')?.textContent?.trim(),
      close: el.querySelector('.close')?.getAttribute('aria-label'),
    };
  });
}

async function expectFullScreenSheet(page: Page, sheet: Locator): Promise<void> {
  await expect(sheet).toHaveAttribute('role', 'dialog');
  await expect(sheet).toHaveAttribute('aria-modal', 'true');
  const m = await measure(sheet);
  expect(m.box).toEqual({ x: 0, y: 0, width: 375, height: 667 });
  expect(m.topLayer).toBe(true);
  expect(m.focusInside).toBe(true);
  expect(m.back).toContain('Back');
  expect(m.close).toBeTruthy();
  expect(m.sizes.length).toBeGreaterThan(3);
  for (const s of m.sizes) {
    expect(s.width, `${s.what} width`).toBeGreaterThanOrEqual(44);
    expect(s.height, `${s.what} height`).toBeGreaterThanOrEqual(44);
  }
  expect(m.fonts.length).toBeGreaterThan(0);
  for (const f of m.fonts) expect(f).toBeGreaterThanOrEqual(16);
  // Tab and Shift+Tab go round inside the sheet, never out to the page behind it.
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < m.sizes.length + 2; i++) {
      await page.keyboard.press(key);
      expect((await measure(sheet)).focusInside, `${key} #${i + 1}`).toBe(true);
    }
  }
}

test('phone: the composer opens as a full-screen sheet; sending closes it and focus is back on the image', async ({ browser, restartable: server }) => {
  const page = await phone(browser, server.url, 'Pat');
  const chat = chatOf(page);
  const overlay = chat.locator('[part~="overlay"]');
  const box = (await overlay.boundingBox())!;
  expect(box.width).toBeLessThan(768);
  await overlay.tap({ position: { x: box.width * 0.5, y: box.height * 0.4 } });
  const sheet = chat.locator('[part~="new-chat"]');
  await expect(sheet).toBeVisible();
  expect(await sheet.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement?.getAttribute('part'))).toBe('composer');
  await expectFullScreenSheet(page, sheet);
  expect(await axeViolations(page)).toEqual([]);

  await chat.locator('[part~="new-chat"] [part~="composer"]').fill('Typed on a phone');
  await chat.locator('[part~="new-chat"] [part~="send"]').tap();
  await expect(sheet).toHaveCount(0);
  await expect(chat.locator('[part~="marker"]')).toHaveCount(1);
  expect(await chat.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('part'))).toBe('overlay');
  await page.context().close();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`phone (${scheme}): a thread opens as a full-screen sheet; Back closes it and focus returns to its marker; axe 0`, async ({ browser, restartable: server }) => {
    const page = await phone(browser, server.url, 'Pat', scheme);
    const chat = chatOf(page);
    await expect(chat).toHaveAttribute('data-theme', scheme);
    const overlay = chat.locator('[part~="overlay"]');
    const box = (await overlay.boundingBox())!;
    await overlay.tap({ position: { x: box.width * (scheme === 'light' ? 0.3 : 0.7), y: box.height * 0.6 } });
    await chat.locator('[part~="new-chat"] [part~="composer"]').fill(`A ${scheme} thread`);
    await chat.locator('[part~="new-chat"] [part~="send"]').tap();
    const marker = chat.locator('[part~="marker"]', { hasText: /\d/ }).last();
    await expect(marker).not.toHaveAttribute('data-pending', '');
    await marker.tap();
    const sheet = chat.locator('[part~="thread"]');
    await expect(sheet.locator('[part~="comment"]').first()).toContainText(`A ${scheme} thread`);
    await expectFullScreenSheet(page, sheet);
    expect(await axeViolations(page)).toEqual([]);

    // The composer's sheet, in this scheme too.
    await sheet.locator('.back').tap();
    await expect(sheet).toHaveCount(0);
    expect(await chat.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('part'))).toBe('marker');
    await overlay.tap({ position: { x: box.width * 0.5, y: box.height * 0.2 } });
    await expect(chat.locator('[part~="new-chat"]')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
}
