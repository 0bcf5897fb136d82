/**
 * A Store that forwards every call to `inner` except those `overrides` replace:
 * tests slow down, pause or break one method without restating the others.
 */
import type { Store } from '../../src/store/store.ts';

export function storeWith(inner: Store, overrides: Partial<Store>): Store {
  return {
    description: inner.description,
    head: (t, i) => inner.head(t, i),
    snapshot: (t, i) => inner.snapshot(t, i),
    snapshotPages: (t, i, o) => inner.snapshotPages(t, i, o),
    eventsSince: (t, i, since, max) => inner.eventsSince(t, i, since, max),
    apply: (t, i, a, u, l) => inner.apply(t, i, a, u, l),
    recentChats: (t, n) => inner.recentChats(t, n),
    conversationCount: (t) => inner.conversationCount(t),
    addUsage: (b) => inner.addUsage(b),
    usageSeries: (t, from, to) => inner.usageSeries(t, from, to),
    imageActivity: (t, from, to, limit) => inner.imageActivity(t, from, to, limit),
    pruneUsage: (before) => inner.pruneUsage(before),
    secret: (n) => inner.secret(n),
    close: () => inner.close(),
    ...overrides,
  };
}
