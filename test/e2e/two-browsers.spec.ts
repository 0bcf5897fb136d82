// The walking product's user story, in two separate browser contexts (two
// "browsers": no shared storage, two sockets) on the demo page.
import type { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { widgetsReady } from '../../scripts/page-ready.mjs';

async function openDemo(browser: Browser, url: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/?name=${encodeURIComponent(name)}`);
  const chat = page.locator('image-chat').first();
  await expect(chat).toHaveAttribute('status', 'online');
  await page.waitForFunction(widgetsReady);
  return page;
}

const chatOf = (page: Page) => page.locator('image-chat').first();

test('a marker, its thread, a reply and a delete travel between two browsers live', async ({ browser, server }) => {
  const a = await openDemo(browser, server.url, 'Ada');
  const b = await openDemo(browser, server.url, 'Bo');

  // A clicks at 30% / 40% of the image and sends a message.
  const overlay = chatOf(a).locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  if (!box) throw new Error('overlay has no box');
  await overlay.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
  const composer = chatOf(a).locator('[part~="composer"]');
  await composer.fill('Is this button too small?');
  await composer.press('Enter');

  // A sees its marker at once, the pin's tip (its square corner, named by data-tip) on the point it
  // clicked (measured again: the click scrolled the page).
  const markerA = chatOf(a).locator('[part~="marker"]');
  await expect(markerA).toHaveCount(1);
  const mbox = await markerA.boundingBox();
  const now = await overlay.boundingBox();
  const tip = await markerA.getAttribute('data-tip');
  if (!mbox || !now || !tip) throw new Error('marker or overlay has no box, or the marker no tip');
  const tipX = tip.endsWith('left') ? mbox.x : mbox.x + mbox.width;
  const tipY = tip.startsWith('top') ? mbox.y : mbox.y + mbox.height;
  expect(Math.abs(tipX - (now.x + now.width * 0.3))).toBeLessThan(2);
  expect(Math.abs(tipY - (now.y + now.height * 0.4))).toBeLessThan(2);

  // B sees it without a refresh, at the same fraction of its own image.
  const markerB = chatOf(b).locator('[part~="marker"]');
  await expect(markerB).toHaveCount(1);
  await expect(markerA).toHaveAttribute('data-chat-id', (await markerB.getAttribute('data-chat-id'))!);

  // B opens the thread and replies; A, with its thread open, sees the reply arrive.
  await markerA.click();
  await markerB.click();
  const threadB = chatOf(b).locator('[part~="thread"]');
  await expect(threadB).toHaveAttribute('role', 'dialog');
  await expect(threadB.locator('[part~="comment"]')).toHaveCount(1);
  await expect(threadB.locator('[part~="comment"]').first()).toContainText('Is this button too small?');
  const reply = threadB.locator('[part~="composer"]');
  await reply.fill('Yes, make it 44px.');
  await reply.press('Enter');
  const threadA = chatOf(a).locator('[part~="thread"]');
  await expect(threadA.locator('[part~="comment"]')).toHaveCount(2);
  await expect(threadA.locator('[part~="comment"]').nth(1)).toContainText('Yes, make it 44px.');
  await expect(threadB.locator('[part~="comment"]')).toHaveCount(2);

  // Only the author is offered delete; B replied, so A is asked first; A deletes and the marker leaves B too.
  await expect(threadB.locator('[part~="delete"]')).toHaveCount(0);
  await threadA.locator('[part~="delete"]').click();
  await threadA.getByRole('alertdialog').getByRole('button', { name: 'Delete conversation' }).click();
  await expect(markerA).toHaveCount(0);
  await expect(markerB).toHaveCount(0);
  await expect(threadB).toHaveCount(0);

  // Nothing was left behind on the server.
  const res = await fetch(`${server.url}/api/v1/tenants/demo/images/${encodeURIComponent(`${server.url}/demo/checkout.svg`)}/chats`);
  expect((await res.json()).chats).toEqual([]);

  await a.context().close();
  await b.context().close();
});

test('a message is shown as text and runs nothing', async ({ browser, server }) => {
  const a = await openDemo(browser, server.url, 'Mallory');
  let alerted = false;
  a.on('dialog', async (d) => {
    alerted = true;
    await d.dismiss();
  });
  const chat = a.locator('image-chat').nth(1);
  const overlay = chat.locator('[part~="overlay"]');
  await overlay.click({ position: { x: 20, y: 20 } });
  await chat.locator('[part~="composer"]').fill('<img src=x onerror=alert(1)>');
  await chat.locator('[part~="composer"]').press('Enter');
  await chat.locator('[part~="marker"]').first().click();
  await expect(chat.locator('[part~="comment"]').first()).toContainText('<img src=x onerror=alert(1)>');
  await a.waitForTimeout(300);
  expect(alerted).toBe(false);
  await a.context().close();
});
