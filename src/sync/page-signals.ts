/**
 * What the page tells the connection about itself: whether anyone can see it
 * (a visible page waiting for a server that is down retries faster than a
 * hidden one), and the moments worth a try at once instead of at the end of
 * the backoff wait — the network is back, the page was shown again or got the
 * focus. Injectable (`ConnectionOptions.page`), so the driver is tested with a
 * page the test controls.
 */

export type PageSignal = 'online' | 'offline' | 'visible' | 'hidden' | 'focus';

export interface PageSignals {
  /** Someone can see the page now. */
  visible(): boolean;
  /** Hears the page's signals until the returned function is called. */
  listen(listener: (signal: PageSignal) => void): () => void;
}

/** The browser's: `online`/`offline` and `focus` on the window, `visibilitychange` on the document. */
export const browserPage: PageSignals = {
  visible: () => globalThis.document?.visibilityState !== 'hidden',
  listen(listener) {
    const doc = globalThis.document;
    const hear = (ev: Event) => listener(ev.type === 'visibilitychange' ? (doc.visibilityState === 'hidden' ? 'hidden' : 'visible') : (ev.type as PageSignal));
    const targets = [
      [globalThis, 'online'],
      [globalThis, 'offline'],
      [globalThis, 'focus'],
      [doc, 'visibilitychange'],
    ] as const;
    for (const [target, type] of targets) target?.addEventListener?.(type, hear);
    return () => {
      for (const [target, type] of targets) target?.removeEventListener?.(type, hear);
    };
  },
};

/**
 * The page as the leader's socket sees it: someone can see it while anyone can see this page or one
 * of the tabs it serves (`others`), so a hidden leader tab still retries at the visible pace.
 */
export function seenAlsoBy(page: PageSignals, others: () => boolean): PageSignals {
  return { visible: () => page.visible() || others(), listen: (listener) => page.listen(listener) };
}
