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

function local(): Storage | undefined {
  try {
    // The getter itself throws a SecurityError in an opaque origin.
    return globalThis.localStorage ?? undefined;
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
  getItem(key) {
    try {
      const stored = local()?.getItem(key);
      if (stored !== null && stored !== undefined) return stored;
    } catch {
      /* refused: memory answers */
    }
    return memory.get(key) ?? null;
  },
  setItem(key, value) {
    memory.set(key, value);
    try {
      local()?.setItem(key, value);
    } catch {
      /* refused or full: memory keeps it */
    }
  },
  removeItem(key) {
    memory.delete(key);
    try {
      local()?.removeItem(key);
    } catch {
      /* refused: nothing stored there */
    }
  },
};

/** The offline cache's stand-in where IndexedDB refuses (cache.ts): by key, for this page's life. */
export const memoryCache = new Map<string, unknown>();
