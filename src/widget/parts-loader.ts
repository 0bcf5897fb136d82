/**
 * Fetches parts.ts once for every <image-chat> on the page and tells each element when it has arrived:
 * when the browser is first idle after an element is online (`preloadParts`), so that a page that was
 * online once can still open threads offline, or at first use, whichever is sooner. A reader who asked
 * to save data (`navigator.connection.saveData`) gets them at first use only.
 * A load that fails (offline, the server gone) is forgotten, so the next request asks again; a browser
 * that remembers the failed module for the page's life refuses until the page is reloaded, and the
 * element says so in words.
 */
export type Parts = typeof import('./parts.ts');

let parts: Parts | undefined;
let loading: Promise<Parts> | undefined;
const arrivals = new Set<() => void>();
let preloading = false;

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

/** Fetches the parts when the browser is next idle, unless they are here, coming, or the reader saves data. */
export function preloadParts(): void {
  const saveData = (globalThis.navigator as { connection?: { saveData?: boolean } } | undefined)?.connection?.saveData;
  if (parts || loading || preloading || saveData) return;
  preloading = true;
  const whenIdle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
  whenIdle(() => void loadParts().catch(() => undefined), { timeout: 10_000 });
}
