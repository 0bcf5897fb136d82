/** Helpers for the element tests (not part of the bundle). */
import { waitUntil } from '@open-wc/testing';
import type { Chat } from '../../src/protocol/messages.ts';
import type { ImageChat } from '../../src/widget/image-chat.ts';

let cached: string | null | undefined;

/** The real server the test runner started (`http://127.0.0.1:PORT`). */
export async function testServer(): Promise<string> {
  if (cached === undefined) {
    const info = (await (await fetch('/__test-server.json')).json()) as { url: string | null; error?: string };
    if (!info.url) throw new Error(`the test server is not running: ${info.error ?? 'unknown'}`);
    cached = info.url;
  }
  if (!cached) throw new Error('the test server is not running');
  return cached;
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
}

/** Page coordinates of a fraction of the overlay. */
export function pointOf(el: ImageChat, fx: number, fy: number): { x: number; y: number } {
  const r = part(el, 'overlay')!.getBoundingClientRect();
  return { x: r.left + fx * r.width, y: r.top + fy * r.height };
}

export function centerOf(e: Element): { x: number; y: number } {
  const r = e.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}
