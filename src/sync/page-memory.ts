/**
 * What the widget keeps when the browser keeps nothing. In a sandboxed
 * iframe without `allow-same-origin`, or under strict privacy settings,
 * `localStorage` and IndexedDB throw (or are missing): the guest token and
 * the cached conversations then live in this page's memory, so a guest stays
 * the same author for the page's life and an element that reconnects still
 * paints at once. Nothing is said about it: it is not the visitor's problem.
 */
import type { KeyValueStorage } from './types.ts';

const memory = new Map<string, string>();

/** `use(localStorage)`, or undefined where it throws (the getter itself does in an opaque origin). */
function local<T>(use: (storage: Storage) => T): T | undefined {
  try {
    return use(localStorage);
  } catch {
    return undefined;
  }
}

/**
 * localStorage where it works, memory where it does not: every write lands in
 * memory too, so a storage that takes reads but refuses writes (a full quota)
 * still gives back what this page wrote.
 */
export const pageStorage: KeyValueStorage = {
  getItem: (key) => local((s) => s.getItem(key)) ?? memory.get(key) ?? null,
  setItem(key, value) {
    memory.set(key, value);
    local((s) => s.setItem(key, value));
  },
  removeItem(key) {
    memory.delete(key);
    local((s) => s.removeItem(key));
  },
};

/** The offline cache's stand-in where IndexedDB refuses (cache.ts): by key, for this page's life. */
export const memoryCache = new Map<string, unknown>();
