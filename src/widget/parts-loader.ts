/**
 * Fetches parts.ts once for every <image-chat> on the page and tells each element when it has arrived.
 * A load that fails (offline, the server gone) is forgotten, so the next request asks again; a browser
 * that remembers the failed module for the page's life refuses until the page is reloaded, and the
 * element says so in words.
 */
export type Parts = typeof import('./parts.ts');

let parts: Parts | undefined;
let loading: Promise<Parts> | undefined;
const arrivals = new Set<() => void>();

/** The parts, once they have arrived. */
export const loadedParts = (): Parts | undefined => parts;

export function loadParts(): Promise<Parts> {
  loading ??= import('./parts.ts').then(
    (loaded) => {
      parts = loaded;
      for (const arrived of arrivals) arrived();
      return loaded;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Calls `arrived` when the parts arrive (not when they already have); returns how to stop listening. */
export function onParts(arrived: () => void): () => void {
  arrivals.add(arrived);
  return () => arrivals.delete(arrived);
}
