/** Helpers for the element tests (not part of the bundle). */
import { waitUntil } from '@open-wc/testing';
import { SignJWT } from 'jose';
import type { Chat } from '../../src/protocol/messages.ts';
import type { ImageChat } from '../../src/widget/image-chat.ts';
import { loadParts } from '../../src/widget/parts-loader.ts';

interface ServerInfo {
  url: string | null;
  clockedUrl?: string;
  error?: string;
}
let cached: Promise<ServerInfo> | undefined;

function serverInfo(): Promise<ServerInfo> {
  cached ??= fetch('/__test-server.json').then((res) => res.json() as Promise<ServerInfo>);
  return cached;
}

/** The real server the test runner started (`http://127.0.0.1:PORT`). */
export async function testServer(): Promise<string> {
  const info = await serverInfo();
  if (!info.url) throw new Error(`the test server is not running: ${info.error ?? 'unknown'}`);
  return info.url;
}

/**
 * The second test server, whose clock a test moves forward (sign-in expiry),
 * and how many sockets it accepted (scripts/wtr-test-server.mjs).
 */
export const clockedServer = {
  async url(): Promise<string> {
    const info = await serverInfo();
    if (!info.clockedUrl) throw new Error(`the clocked test server is not running: ${info.error ?? 'unknown'}`);
    return info.clockedUrl;
  },
  /** Its clock, ms since the epoch. */
  async now(): Promise<number> {
    return ((await (await fetch('/__test-server/clock')).json()) as { now: number }).now;
  },
  /** Moves its clock on; timers falling due fire at once. */
  async advance(ms: number): Promise<void> {
    await fetch(`/__test-server/advance?ms=${ms}`);
  },
  /** Sockets of `tenant` it accepted so far, and those open now. */
  async sockets(tenant: string): Promise<{ opened: number; open: number }> {
    return (await (await fetch(`/__test-server/sockets?tenant=${encodeURIComponent(tenant)}`)).json()) as { opened: number; open: number };
  },
};

/** The `sso-test` tenant's secret: WTR_SSO_SECRET in scripts/wtr-test-server.mjs (test only, never a real one). */
const SSO_SECRET = 'wtr-sso-test-secret-0123456789abcdef';

/** A user token as a site would sign it; `exp` is seconds since the epoch or a span such as '10m'. */
export function ssoToken(claims: Record<string, unknown>, exp: number | string = '10m', aud = 'sso-test', sub = 'ada'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(aud).setExpirationTime(exp).sign(new TextEncoder().encode(SSO_SECRET));
}

/** The same server spelled `localhost`, so an element on it gets its own connection and guest. */
export function otherSpelling(url: string): string {
  return url.replace('127.0.0.1', 'localhost');
}

export function randomImageId(): string {
  return `test-${crypto.randomUUID()}`;
}

const images = new Map<string, string>();
/** A PNG data URL of the given size. */
export function pngOf(width: number, height: number): string {
  const key = `${width}x${height}`;
  let url = images.get(key);
  if (!url) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#8ab';
    g.fillRect(0, 0, width, height);
    g.fillStyle = '#345';
    g.fillRect(0, 0, width / 2, height / 2);
    url = canvas.toDataURL('image/png');
    images.set(key, url);
  }
  return url;
}

export async function serverChats(url: string, image: string, tenant = 'demo'): Promise<Chat[]> {
  const res = await fetch(`${url}/api/v1/tenants/${tenant}/images/${encodeURIComponent(image)}/chats`);
  if (!res.ok) throw new Error(`GET chats: ${res.status}`);
  return ((await res.json()) as { chats: Chat[] }).chats;
}

export function part<T extends Element = HTMLElement>(el: ImageChat, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function parts<T extends Element = HTMLElement>(el: ImageChat, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

export function markers(el: ImageChat): HTMLButtonElement[] {
  return parts<HTMLButtonElement>(el, 'marker');
}

/** Online, snapshot applied, image laid out. */
export async function ready(el: ImageChat): Promise<void> {
  await waitUntil(() => el.status === 'online' && el.loaded, 'element did not get online with a snapshot', { timeout: 4000 });
  await waitUntil(() => (part(el, 'overlay')?.getBoundingClientRect().width ?? 0) > 0, 'overlay has no size');
  // The thread, text boxes and sheet arrive on first use (parts-loader.ts); tests that act on them
  // right after a click want them here already (parts-loader.test.ts covers their arrival).
  await loadParts();
  await el.updateComplete;
}

/** Page coordinates of a fraction of the overlay. */
export function pointOf(el: ImageChat, fx: number, fy: number): { x: number; y: number } {
  const r = part(el, 'overlay')!.getBoundingClientRect();
  return { x: r.left + fx * r.width, y: r.top + fy * r.height };
}

/** A marker's tip: the corner of its box named by its data-tip, where its point is. */
export function tipOf(marker: HTMLElement): { x: number; y: number } {
  const r = marker.getBoundingClientRect();
  const tip = marker.dataset.tip ?? 'bottom-left';
  return { x: tip.endsWith('left') ? r.left : r.right, y: tip.startsWith('top') ? r.top : r.bottom };
}

/** Conversations drawn: a marker each, plus every cluster's count. */
export function drawnCount(el: ImageChat): number {
  return markers(el).length + parts(el, 'cluster').reduce((n, c) => n + Number(c.dataset.count), 0);
}

export function centerOf(e: Element): { x: number; y: number } {
  const r = e.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}
