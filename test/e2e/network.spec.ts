// Surviving the network: a server restart, the browser going offline, and a reload with no network.
import type { Page } from '@playwright/test';
import { test, expect } from './restart-fixtures.ts';
import { chatEvents, checkoutImage, openDemo, placeMarker, rawClient, recordChatEvents } from './helpers.ts';

const chatOf = (page: Page) => page.locator('image-chat').first();
const markersOf = (page: Page) => chatOf(page).locator('[part~="marker"]');

/** Events stored by the server, from /metrics (the total: without METRICS_TOKEN it names no tenant). */
async function eventsStored(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^image_chat_events_total(?:\{[^}]*\})? (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

test('a restart on the same port: both browsers get exactly the changes made while they were away, none twice', async ({ browser, restartable }) => {
  test.setTimeout(60_000);
  const a = await openDemo(browser, restartable.url, 'Ada');
  const b = await openDemo(browser, restartable.url, 'Bo');
  await placeMarker(a, 0.3, 0.4, 'Before the restart');
  for (const p of [a, b]) await expect(markersOf(p)).toHaveCount(1);
  await expect(markersOf(a).first()).not.toHaveAttribute('data-pending', '');
  const first = await markersOf(b).first().getAttribute('data-chat-id');
  for (const p of [a, b]) await recordChatEvents(p);

  await restartable.stop();
  for (const p of [a, b]) await expect(chatOf(p)).not.toHaveAttribute('status', 'online');

  // While the browsers cannot reach it, a third client changes the image through another node on the same database.
  const node = await restartable.sibling();
  const third = await rawClient(node.url, 'Cy');
  const image = checkoutImage(restartable.url);
  const y = await third.act({ type: 'create-image-chat', image, x: 0.6, y: 0.6, text: 'Made while you were away' });
  const z = await third.act({ type: 'create-image-chat', image, x: 0.7, y: 0.2, text: 'Short-lived' });
  await third.act({ type: 'update-image-chat', image, chatId: first, change: { kind: 'add-comment', text: 'A reply you missed' } });
  await third.act({ type: 'delete-image-chat', image, chatId: z.chat!.id });
  await third.close();
  await node.close();

  await restartable.start();
  for (const p of [a, b]) await expect(chatOf(p)).toHaveAttribute('status', 'online', { timeout: 15_000 });
  for (const p of [a, b]) {
    await expect(markersOf(p)).toHaveCount(2);
    await expect.poll(() => chatEvents(p)).toHaveLength(4);
    expect((await chatEvents(p)).sort()).toEqual(
      [
        `image-chat-created:${y.chat!.id}`,
        `image-chat-created:${z.chat!.id}`,
        `image-chat-deleted:${z.chat!.id}`,
        `image-chat-updated:${first}`,
      ].sort(),
    );
    await markersOf(p).first().click();
    const comments = chatOf(p).locator('[part~="thread"] [part~="comment"]');
    await expect(comments).toHaveCount(2);
    await expect(comments.nth(1)).toContainText('A reply you missed');
    await markersOf(p).first().click(); // closes the thread again
    await expect(chatOf(p).locator('[part~="thread"]')).toHaveCount(0);
  }

  // And live again: one more change arrives once, in both.
  await placeMarker(b, 0.15, 0.8, 'After the restart');
  for (const p of [a, b]) await expect(markersOf(p)).toHaveCount(3);
  await expect.poll(() => chatEvents(a)).toHaveLength(5);
  await a.waitForTimeout(300);
  expect(await chatEvents(a)).toHaveLength(5);
  expect((await chatEvents(b)).filter((e) => e.startsWith('image-chat-created'))).toHaveLength(3); // 2 replayed + its own, on ack
  await a.context().close();
  await b.context().close();
});

test('offline before the parts ever arrived (a reader saving data): the banner says they could not be loaded', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  // Save-Data: the parts come at first use only, and this page goes offline before any.
  await context.addInitScript(() => Object.defineProperty(navigator, 'connection', { value: { saveData: true }, configurable: true }));
  const page = await openDemo(browser, restartable.url, 'Olaf', context);
  expect(await page.evaluate(() => customElements.get('image-chat-composer'))).toBeUndefined();

  await context.setOffline(true);
  await expect(chatOf(page)).toHaveAttribute('status', 'offline');
  const overlay = chatOf(page).locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  await overlay.click({ position: { x: box!.width * 0.5, y: box!.height * 0.5 } });
  await expect(chatOf(page).locator('[part~="status"]')).toContainText('This part of the chat could not be loaded');
  await expect(chatOf(page).locator('[part~="new-chat"]')).toHaveCount(0);
  await context.close();
});

test('offline: status and banner say so, a new marker is refused with a message, and nothing is sent when the network returns', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  const actionFrames: string[] = [];
  context.on('page', (p) =>
    p.on('websocket', (ws) => ws.on('framesent', (f) => {
      const text = String(f.payload);
      if (/"type":"(create|update|delete)-image-chat"/.test(text)) actionFrames.push(text);
    })),
  );
  const page = await openDemo(browser, restartable.url, 'Ofelia', context);
  const before = await eventsStored(restartable.url);
  // The widget fetches its thread and text box parts when the browser is first idle: a page that was online has them.
  await page.waitForFunction(() => customElements.get('image-chat-composer') !== undefined);

  await context.setOffline(true);
  await expect(chatOf(page)).toHaveAttribute('status', 'offline');
  await expect(chatOf(page).locator('[part~="status"]')).toContainText('You are offline');
  await expect(chatOf(page).locator('[part~="status"]')).toContainText('can’t post');

  // Clicking the image: the composer opens disabled and says why.
  const overlay = chatOf(page).locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  await overlay.click({ position: { x: box!.width * 0.5, y: box!.height * 0.5 } });
  await expect(chatOf(page).locator('[part~="new-chat"] [part~="composer"]')).toBeDisabled();
  await expect(chatOf(page).locator('[part~="new-chat"]')).toContainText('You are offline');
  // Through the element's API too: refused at once, with a message and an image-chat-error event.
  const refused = await page.evaluate(() => {
    const el = document.querySelector('image-chat') as HTMLElement & { createChat(x: number, y: number, t: string): string | undefined };
    let error = '';
    el.addEventListener('image-chat-error', (e) => (error = (e as CustomEvent<{ message: string }>).detail.message), { once: true });
    return { returned: el.createChat(0.2, 0.2, 'Sent while offline'), error };
  });
  expect(refused.returned).toMatch(/not connected/i);
  expect(refused.error).toMatch(/not connected/i);
  await expect(markersOf(page)).toHaveCount(0);

  await context.setOffline(false);
  await expect(chatOf(page)).toHaveAttribute('status', 'online', { timeout: 10_000 });
  await page.waitForTimeout(1000);
  expect(actionFrames, 'no action frame ever left the page').toEqual([]);
  expect(await eventsStored(restartable.url)).toBe(before);
  await expect(markersOf(page)).toHaveCount(0);
  await context.close();
});

test('a reload with no network shows the cached markers (the demo page itself comes from its service worker)', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  const page = await openDemo(browser, restartable.url, 'Rey', context);
  await placeMarker(page, 0.45, 0.55, 'Still here offline');
  await expect(markersOf(page)).toHaveCount(1);
  await expect(markersOf(page).first()).not.toHaveAttribute('data-pending', '');
  // The page's shell is cached by its service worker; the widget has written the marker to IndexedDB.
  await expect
    .poll(() =>
      page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        return !!(await caches.match('/')) && !!(await caches.match('/image-chat.js'));
      }),
    )
    .toBe(true);
  const cachedChats = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('image-chat');
          open.onerror = () => resolve(-1);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('images')) return resolve(-1);
            const all = db.transaction('images').objectStore('images').getAll();
            all.onsuccess = () => resolve(Math.max(...(all.result as { chats: unknown[] }[]).map((v) => v.chats.length)));
            all.onerror = () => resolve(-1);
          };
        }),
    );
  await expect.poll(cachedChats).toBe(1);

  // No network at all: the browser is offline and the server is gone.
  await context.setOffline(true);
  await restartable.stop();
  await page.reload();
  await expect(chatOf(page)).toHaveAttribute('status', 'offline');
  await expect(markersOf(page)).toHaveCount(1);
  await expect(markersOf(page).first()).toHaveAttribute('aria-label', /Still here offline/);
  await markersOf(page).first().click();
  await expect(chatOf(page).locator('[part~="thread"] [part~="comment"]')).toContainText('Still here offline');
  await expect(chatOf(page).locator('[part~="thread"] [part~="composer"]')).toBeDisabled();
  await context.close();
});
