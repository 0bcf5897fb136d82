/**
 * The offline cache: the last confirmed conversations of each (server, tenant,
 * image) and the `{epoch, seq}` they are at, in IndexedDB via idb-keyval. It
 * paints the element before the socket opens (and with no network at all),
 * and its position is the `since` of the first subscribe.
 *
 * Honest about failure: where IndexedDB is missing or refuses (private modes,
 * blocked storage, a sandboxed frame), the page's memory keeps it instead
 * (page-memory.ts); a hung open reads as a miss.
 * The cache is only ever a head start; the server's answer replaces it.
 */
import { createStore, get, update, type UseStore } from 'idb-keyval';
import type { Chat } from '../protocol/messages.ts';
import { memoryCache } from './page-memory.ts';

/** What the cache keeps of an image: the server truth at one position, each conversation with the seq it was last set at. */
export interface CachedList {
  readonly epoch: string;
  readonly seq: number;
  readonly chats: readonly { readonly chat: Chat; readonly seq: number }[];
}

export interface CacheEntry extends CachedList {
  /** Layout version of this value, so a later change of shape is read as a miss. */
  readonly v: 1;
  readonly savedAt: number;
}

/** [socket URL (server and tenant), image id]. */
export type CacheKey = readonly [string, string];

/** A read that takes longer than this is treated as a miss (a stuck IndexedDB must not stall the first subscribe). */
const READ_TIMEOUT_MS = 1000;

let store: UseStore | null | undefined;

function db(): UseStore | null {
  if (store !== undefined) return store;
  try {
    store = globalThis.indexedDB ? createStore('image-chat', 'images') : null;
  } catch {
    store = null;
  }
  return store;
}

function isEntry(value: unknown): value is CacheEntry {
  const v = value as Partial<CacheEntry> | undefined;
  return !!v && v.v === 1 && typeof v.epoch === 'string' && typeof v.seq === 'number' && Array.isArray(v.chats);
}

export async function readCache(key: CacheKey): Promise<CachedList | undefined> {
  const s = db();
  const remembered = memoryCache.get(JSON.stringify(key));
  if (!s) return isEntry(remembered) ? remembered : undefined;
  try {
    const value = await Promise.race([
      get<unknown>([...key], s),
      new Promise<undefined>((resolve) => setTimeout(resolve, READ_TIMEOUT_MS)),
    ]);
    return isEntry(value) ? value : undefined;
  } catch {
    return isEntry(remembered) ? remembered : undefined;
  }
}

/**
 * Keeps `list` unless the stored value is further along in the same epoch (another tab, or
 * this one a moment ago): a lower position would only cost a longer replay, but why lose it.
 */
export async function writeCache(key: CacheKey, list: CachedList): Promise<void> {
  const s = db();
  const entry: CacheEntry = { v: 1, savedAt: Date.now(), epoch: list.epoch, seq: list.seq, chats: list.chats };
  const keep = (old: unknown) => (isEntry(old) && old.epoch === entry.epoch && old.seq > entry.seq ? old : entry);
  const remember = () => memoryCache.set(JSON.stringify(key), keep(memoryCache.get(JSON.stringify(key))));
  if (!s) return void remember();
  try {
    await update<unknown>([...key], keep, s);
  } catch {
    remember(); // quota, private mode, blocked: this page's memory keeps it
  }
}
