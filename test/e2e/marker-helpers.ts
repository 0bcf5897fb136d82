// Shared steps of the marker specs (moving, clusters, the list): one element on a page of
// its own, on an image id of its own, so tests sharing the worker's server never meet.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { Chat, User } from '../../src/protocol/messages.ts';

type Server = { url: string; core: { store: { apply(tenant: string, image: string, action: object, user: User): Promise<{ event: { type: string; chat?: Chat } }> } } };

/** The phone of the issue: 375 × 667, touch, mobile. */
export const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true } as const;

export interface OpenOptions {
  readonly name: string;
  readonly image: string;
  readonly context?: BrowserContext;
  readonly theme?: 'light' | 'dark';
  /** The element's `locale` attribute; it is then waited for (its language's chunk loaded and spoken). */
  readonly locale?: string;
  /** Another tenant than the demo's. */
  readonly tenant?: string;
}

export const uniqueImage = (label: string) => `e2e-${label}-${crypto.randomUUID()}`;

/**
 * The demo page (the server's origin: a page from elsewhere may not open a socket to a local
 * server) with its body replaced by one <image-chat> on `image`; online, with its snapshot, laid out.
 */
export async function openImage(browser: Browser, url: string, o: OpenOptions): Promise<Page> {
  const page = await (o.context ?? (await browser.newContext())).newPage();
  await page.goto(`${url}/?name=${encodeURIComponent(o.name)}`);
  await page.evaluate(async (o) => {
    await customElements.whenDefined('image-chat');
    document.body.innerHTML = '<main><h1>Markers</h1></main>';
    const el = document.createElement('image-chat');
    el.setAttribute('image-id', o.image);
    el.setAttribute('user-name', o.name);
    el.setAttribute('src', '/demo/checkout.svg');
    el.setAttribute('alt', 'Checkout page mockup');
    if (o.theme) el.setAttribute('theme', o.theme);
    if (o.locale) el.setAttribute('locale', o.locale);
    if (o.tenant) el.setAttribute('tenant', o.tenant);
    document.querySelector('main')!.append(el);
  }, { image: o.image, name: o.name, theme: o.theme, locale: o.locale, tenant: o.tenant });
  await expect(chatOf(page)).toHaveAttribute('status', 'online');
  await page.waitForFunction(() => {
    const el = document.querySelector('image-chat') as (HTMLElement & { loaded: boolean }) | null;
    const img = el?.shadowRoot?.querySelector('img');
    const overlay = el?.shadowRoot?.querySelector('[part~="overlay"]');
    return !!el?.loaded && !!img?.complete && img.naturalWidth > 0 && (overlay?.getBoundingClientRect().height ?? 0) > 0;
  });
  await languageSpoken(page);
  return page;
}

/** Resolves once the first element speaks the language it has chosen, and has rendered in it. */
export async function languageSpoken(page: Page): Promise<void> {
  await chatOf(page).evaluate(async (el) => {
    const chat = el as HTMLElement & { localeReady: Promise<void>; updateComplete: Promise<boolean> };
    await chat.localeReady;
    await chat.updateComplete;
  });
}

export const chatOf = (page: Page) => page.locator('image-chat').first();
export const markersOf = (page: Page) => chatOf(page).locator('[part~="marker"]');
export const clustersOf = (page: Page) => chatOf(page).locator('[part~="cluster"]');

const SEEDER: User = { id: 'g_e2e_seed', name: 'Sam', kind: 'guest' };

/** Stores conversations straight into the server's store (before any page opens: nothing is broadcast). */
export async function seed(server: Server, image: string, points: readonly { x: number; y: number; text?: string; resolved?: boolean }[]): Promise<Chat[]> {
  const chats: Chat[] = [];
  for (const [i, p] of points.entries()) {
    const { event } = await server.core.store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: p.x, y: p.y, text: p.text ?? `Conversation about spot ${i + 1}` }, SEEDER);
    chats.push(event.chat!);
    if (p.resolved) {
      await server.core.store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId: event.chat!.id, change: { kind: 'resolve', resolved: true } }, SEEDER);
    }
  }
  return chats;
}

/** Stores a reply to `chatId` from someone other than the seeder (before any page opens). */
export async function seedReply(server: Server, image: string, chatId: string, text: string, name = 'Bo'): Promise<void> {
  const user: User = { id: `g_e2e_${name.toLowerCase()}`, name, kind: 'guest' };
  await server.core.store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: crypto.randomUUID(), chatId, change: { kind: 'add-comment', text } }, user);
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
export interface Layout {
  overlay: Box;
  markers: (Box & { id: string; tip: string; text: string })[];
  clusters: (Box & { count: number })[];
}

/** Every marker's and cluster's box, read in one go (page coordinates). */
export function layoutOf(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const root = document.querySelector('image-chat')!.shadowRoot!;
    const box = (e: Element) => {
      const b = e.getBoundingClientRect();
      return { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    };
    return {
      overlay: box(root.querySelector('[part~="overlay"]')!),
      markers: [...root.querySelectorAll<HTMLElement>('[part~="marker"]')].map((e) => ({ id: e.dataset.chatId!, tip: e.dataset.tip!, text: e.textContent!.trim(), ...box(e) })),
      clusters: [...root.querySelectorAll<HTMLElement>('[part~="cluster"]')].map((e) => ({ count: Number(e.dataset.count), ...box(e) })),
    };
  });
}

/** The pin's tip: the corner of its box named by data-tip. */
export function tipOf(m: Box & { tip: string }): { x: number; y: number } {
  return { x: m.tip.endsWith('left') ? m.left : m.right, y: m.tip.startsWith('top') ? m.top : m.bottom };
}

/** Where a fraction of the image is on screen. */
export function pointAt(overlay: Box, fx: number, fy: number): { x: number; y: number } {
  return { x: overlay.left + fx * (overlay.right - overlay.left), y: overlay.top + fy * (overlay.bottom - overlay.top) };
}

/** The stored conversations of an image, from the REST route. */
export async function stored(url: string, image: string): Promise<Chat[]> {
  const res = await fetch(`${url}/api/v1/tenants/demo/images/${encodeURIComponent(image)}/chats`);
  return ((await res.json()) as { chats: Chat[] }).chats;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations inside the element (its shadow root included), as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run({ include: [['image-chat']] }, { resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}
