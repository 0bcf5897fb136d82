/**
 * The default image id: the image's absolute URL without its #fragment. A URL
 * longer than MAX_IMAGE_ID_CHARS keeps a prefix plus a hash of the whole URL,
 * so the id fits, stays the same on every page load, and differs per URL.
 */
import { MAX_IMAGE_ID_CHARS, textLength } from '../protocol/limits.ts';

/** cyrb53: a fast synchronous 53-bit string hash. */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 28 hex characters (two independent 53-bit hashes, ~106 bits). */
export function stableHash(text: string): string {
  return cyrb53(text, 1).toString(16).padStart(14, '0') + cyrb53(text, 2).toString(16).padStart(14, '0');
}

/** Makes any string fit the image id limit (prefix + `#h:` + hash of the whole). */
export function fitImageId(id: string, max = MAX_IMAGE_ID_CHARS): string {
  const clean = id.replace(/[\u0000-\u001f]/g, '');
  if (textLength(clean) <= max && clean === id) return id;
  const suffix = `#h:${stableHash(id)}`;
  return [...clean].slice(0, max - suffix.length).join('') + suffix;
}

/** The id for an image URL, resolved against `base` (default: the document's base URL). */
export function imageIdFromUrl(url: string, base: string = globalThis.document?.baseURI ?? 'http://localhost/'): string {
  let href: string;
  try {
    const u = new URL(url, base);
    u.hash = '';
    href = u.href;
  } catch {
    href = url.split('#')[0] ?? url;
  }
  return fitImageId(href);
}

/** One image of one tenant on one server, as a key (its drafts in draft-store.ts, its unread record in unread.ts). */
export function imageScope(server: string, tenant: string, image: string): string {
  return JSON.stringify([server, tenant, image]);
}
