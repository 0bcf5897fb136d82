// One socket per browser: pages of one browser context share the leader tab's WebSocket over a
// BroadcastChannel (docs/widget.md "Tabs"). Each test has its own server, so its socket count is exact.
import type { BrowserContext, Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { test, expect, type RestartableServer } from './restart-fixtures.ts';
import { checkoutImage, openDemo } from './helpers.ts';

const chatOf = (page: Page, n = 0) => page.locator('image-chat').nth(n);
const markersOf = (page: Page, n = 0) => chatOf(page, n).locator('[part~="marker"]');
const sockets = (server: RestartableServer) => server.current!.core.connectionCount;

async function placeMarker(page: Page, fx: number, fy: number, text: string, n = 0): Promise<void> {
  const overlay = chatOf(page, n).locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  if (!box) throw new Error('overlay has no box');
  await overlay.click({ position: { x: box.width * fx, y: box.height * fy } });
  const composer = chatOf(page, n).locator('[part~="composer"]');
  await composer.fill(text);
  await composer.press('Enter');
}

/** Records the statuses the first element reports, in the page. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __statuses: string[] };
    w.__statuses = [];
    document.querySelector('image-chat')!.addEventListener('image-chat-status', (e) => w.__statuses.push((e as CustomEvent<{ status: string }>).detail.status));
  });
}
const statuses = (page: Page) => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);

async function threePages(browser: Parameters<typeof openDemo>[0], url: string, context: BrowserContext): Promise<Page[]> {
  const pages: Page[] = [];
  for (const name of ['Ada', 'Ada', 'Ada']) pages.push(await openDemo(browser, url, name, context));
  return pages;
}

test('three pages of one browser hold one WebSocket; a marker made in one shows in the other two', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  const [p1, p2, p3] = await threePages(browser, restartable.url, context);
  await expect.poll(() => sockets(restartable)).toBe(1);
  await placeMarker(p1!, 0.3, 0.4, 'Seen in every tab');
  for (const p of [p1!, p2!, p3!]) await expect(markersOf(p)).toHaveCount(1);
  await expect(markersOf(p1!).first()).not.toHaveAttribute('data-pending', '');
  // Same user in every tab (the guest token is shared), and the maker's own tab shows it once.
  const ids = await Promise.all([p1!, p2!, p3!].map((p) => markersOf(p).first().getAttribute('data-chat-id')));
  expect(new Set(ids).size).toBe(1);
  await p1!.waitForTimeout(300);
  await expect(markersOf(p1!)).toHaveCount(1);
  expect(sockets(restartable)).toBe(1);
  await context.close();
});

// How fast the takeover is, is measured by `npm run bench` (failover), not bounded here: the machine may be loaded.
test('the leader page closes: the other two take over (reconnecting, then online, never offline) and keep syncing with another browser, both ways', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  const [leader, p2, p3] = await threePages(browser, restartable.url, context);
  const other = await openDemo(browser, restartable.url, 'Bo');
  await expect.poll(() => sockets(restartable)).toBe(2);
  for (const p of [p2!, p3!]) await recordStatuses(p);

  await leader!.close();
  for (const p of [p2!, p3!]) await expect(chatOf(p)).toHaveAttribute('status', 'online');
  await expect.poll(() => Promise.all([p2!, p3!].map(statuses))).toEqual([['reconnecting', 'online'], ['reconnecting', 'online']]);
  await expect.poll(() => sockets(restartable)).toBe(2);

  await placeMarker(other, 0.6, 0.6, 'From the other browser');
  for (const p of [p2!, p3!]) await expect(markersOf(p)).toHaveCount(1);
  await placeMarker(p3!, 0.2, 0.2, 'From a remaining tab');
  for (const p of [p2!, p3!, other]) await expect(markersOf(p)).toHaveCount(2);
  await p2!.waitForTimeout(300);
  for (const p of [p2!, p3!, other]) await expect(markersOf(p)).toHaveCount(2);
  await context.close();
  await other.context().close();
});

test('pages showing different images share the socket', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  const a = await openDemo(browser, restartable.url, 'Ada', context);
  const b = await openDemo(browser, restartable.url, 'Ada', context);
  // The demo shows two images: keep only the first in page a, only the second in page b.
  await a.evaluate(() => document.querySelectorAll('image-chat')[1]!.remove());
  await b.evaluate(() => document.querySelectorAll('image-chat')[0]!.remove());
  const other = await openDemo(browser, restartable.url, 'Bo');
  await expect.poll(() => sockets(restartable)).toBe(2);
  await placeMarker(b, 0.5, 0.5, 'On the diagram');
  await placeMarker(a, 0.5, 0.5, 'On the checkout');
  await expect(markersOf(other, 1)).toHaveCount(1);
  await expect(markersOf(other, 0)).toHaveCount(1);
  await placeMarker(other, 0.3, 0.3, 'Back to the diagram', 1);
  await expect(markersOf(b)).toHaveCount(2);
  await expect(markersOf(a)).toHaveCount(1);
  expect(sockets(restartable)).toBe(2);
  await context.close();
  await other.context().close();
});

test('where BroadcastChannel is missing each page keeps its own socket, and pages still sync', async ({ browser, restartable }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
  });
  const [p1, p2, p3] = await threePages(browser, restartable.url, context);
  await expect.poll(() => sockets(restartable)).toBe(3);
  await placeMarker(p2!, 0.4, 0.4, 'Each tab on its own');
  for (const p of [p1!, p2!, p3!]) await expect(markersOf(p)).toHaveCount(1);
  await context.close();
});

test('a broadcastId sent twice by the same user stores one marker and gets the same ack', async ({ restartable }) => {
  const ws = new WebSocket(`${restartable.url.replace(/^http/, 'ws')}/ws?tenant=demo`);
  const inbox: { type: string; broadcastId?: string; seq?: number; chat?: { id: string } }[] = [];
  ws.on('message', (d) => inbox.push(...[JSON.parse(String(d))].flat()));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', name: 'Twice' }));
  await expect.poll(() => inbox.some((m) => m.type === 'welcome')).toBe(true);
  const image = checkoutImage(restartable.url);
  ws.send(JSON.stringify({ type: 'subscribe', image }));
  await expect.poll(() => inbox.some((m) => m.type === 'snapshot')).toBe(true);
  const action = { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: 0.5, y: 0.5, text: 'Once only' };
  ws.send(JSON.stringify(action));
  ws.send(JSON.stringify(action));
  await expect.poll(() => inbox.filter((m) => m.type === 'ack').length).toBe(2);
  const [ack1, ack2] = inbox.filter((m) => m.type === 'ack');
  expect(ack2!.seq).toBe(ack1!.seq);
  expect(ack2!.chat!.id).toBe(ack1!.chat!.id);
  await new Promise((r) => setTimeout(r, 200));
  expect(inbox.filter((m) => m.type === 'new-image-chat')).toHaveLength(1);
  const res = await fetch(`${restartable.url}/api/v1/tenants/demo/images/${encodeURIComponent(image)}/chats`);
  expect((await res.json()).chats).toHaveLength(1);
  ws.close();
});
