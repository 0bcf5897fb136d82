// Shared steps of the multi-browser specs.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { WebSocket } from 'ws';

/** Opens the demo in a fresh context (its own storage and socket) and waits until it is online and laid out. */
export async function openDemo(browser: Browser, url: string, name: string, context?: BrowserContext): Promise<Page> {
  const page = await (context ?? (await browser.newContext())).newPage();
  await page.goto(`${url}/?name=${encodeURIComponent(name)}`);
  await expect(page.locator('image-chat').first()).toHaveAttribute('status', 'online');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('image-chat')].every((el) => {
      const img = el.shadowRoot?.querySelector('img') ?? el.querySelector('img');
      const overlay = el.shadowRoot?.querySelector<HTMLElement>('[part~="overlay"]');
      return img?.complete && img.naturalWidth > 0 && overlay && overlay.getBoundingClientRect().height > 0;
    }),
  );
  return page;
}

/** Clicks the first element's image at (fx, fy) of its size and sends `text` from the composer. */
export async function placeMarker(page: Page, fx: number, fy: number, text: string): Promise<void> {
  const chat = page.locator('image-chat').first();
  const overlay = chat.locator('[part~="overlay"]');
  const box = await overlay.boundingBox();
  if (!box) throw new Error('overlay has no box');
  await overlay.click({ position: { x: box.width * fx, y: box.height * fy } });
  const composer = chat.locator('[part~="composer"]');
  await composer.fill(text);
  await composer.press('Enter');
}

/** Records, in the page, every image-chat-created/-updated/-deleted event (type and conversation id). */
export async function recordChatEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __chatEvents: string[] };
    w.__chatEvents = [];
    for (const type of ['image-chat-created', 'image-chat-updated', 'image-chat-deleted']) {
      document.addEventListener(type, (e) => w.__chatEvents.push(`${type}:${(e as CustomEvent<{ chat: { id: string } }>).detail.chat.id}`));
    }
  });
}

export const chatEvents = (page: Page) => page.evaluate(() => (window as unknown as { __chatEvents: string[] }).__chatEvents);

/** A raw protocol client (the "third client"): hello, then send and await acks. */
export async function rawClient(url: string, name: string, tenant = 'demo') {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?tenant=${tenant}`);
  const inbox: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    inbox.push(...[JSON.parse(String(data))].flat());
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  async function take(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = inbox.findIndex(match);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no matching message in ${JSON.stringify(inbox).slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
  ws.send(JSON.stringify({ type: 'hello', name }));
  await take((m) => m.type === 'welcome');
  return {
    /** Sends an action and resolves with its ack. */
    async act(action: Record<string, unknown>) {
      const broadcastId = crypto.randomUUID();
      ws.send(JSON.stringify({ ...action, broadcastId }));
      const answer = await take((m) => m.broadcastId === broadcastId && (m.type === 'ack' || m.type === 'error'));
      if (answer.type !== 'ack') throw new Error(`refused: ${JSON.stringify(answer)}`);
      return answer as { seq: number; chat?: { id: string } };
    },
    close: () => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : (ws.once('close', () => resolve()), ws.close()))),
  };
}

/** The demo's first image id, as the element derives it (the image's absolute URL). */
export const checkoutImage = (url: string) => `${url}/demo/checkout.svg`;

/** Deletes every conversation of the demo's `image` with the tenant's API key (the worker's server is shared by the spec files that follow). */
export async function deleteEveryChat(url: string, apiKey: string, image: string): Promise<void> {
  const base = `${url}/api/v1/tenants/demo/images/${encodeURIComponent(image)}/chats`;
  const { chats } = (await (await fetch(base)).json()) as { chats: { id: string }[] };
  for (const { id } of chats) {
    const res = await fetch(`${base}/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${apiKey}` } });
    if (!res.ok) throw new Error(`deleting ${id}: ${res.status} ${await res.text()}`);
  }
}
