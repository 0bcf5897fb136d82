/**
 * The demo tenant's API key (design.md, issue 10): with no tenant configured,
 * `npm start` serves the `demo` tenant, and its dashboard needs a key. It is
 * DEMO_API_KEY when set, otherwise a random one kept in the store, so it stays
 * the same across restarts and on every node sharing the database.
 */
import { Tenants } from '../core/tenants.ts';
import type { Store } from '../store/store.ts';

/** The name the key is kept under (`Store.secret`). */
export const DEMO_KEY_SECRET = 'demo-api-key';

/** `tenants` as given when some are configured; else the demo tenant with its key, and the key (to print). */
export async function withDemoKey(tenants: Tenants, store: Store, override?: string): Promise<{ tenants: Tenants; demoApiKey?: string }> {
  if (!tenants.unconfigured) return { tenants };
  const demoApiKey = override ?? (await store.secret(DEMO_KEY_SECRET));
  return { tenants: Tenants.demo(demoApiKey), demoApiKey };
}
