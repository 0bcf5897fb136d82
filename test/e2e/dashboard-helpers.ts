// Shared steps of the dashboard specs: a real server whose tenants have API keys, signing in, axe.
import { test as base, expect } from '@playwright/test';
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { DEFAULT_LIMITS, DEMO_TENANT, Tenants } from '../../src/core/tenants.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** The demo tenant's API key on the dashboard specs' servers (test only). */
export const DEMO_KEY = 'e2e-dashboard-demo-key-0123456789';
/** A tenant whose pages live elsewhere: its widgets cannot run here, its dashboard can. */
export const ACME = { id: 'acme', key: 'e2e-dashboard-acme-key-0123456789' };

/** A fresh server per test (port 0, temp SQLite): each test's figures start at zero. */
export const test = base.extend<{ server: Server }>({
  server: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-dashboard-'));
    const tenants = new Tenants([
      { ...DEMO_TENANT, apiKey: DEMO_KEY },
      { id: ACME.id, origins: ['https://acme.example'], apiKey: ACME.key, guests: 'post', limits: DEFAULT_LIMITS },
    ]);
    const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'e2e.sqlite'), tenants });
    await use(server);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };

/**
 * Opens /dashboard in a fresh context. Every Content-Security-Policy violation the page
 * reports is recorded (`cspViolations`), so a test can say the strict policy blocked nothing.
 */
export async function openDashboard(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  await page.goto(`${url}/dashboard`);
  await expect(page.locator('input[name="tenant"]')).toBeVisible();
  return page;
}

export const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

export async function signIn(page: Page, tenant: string, key: string): Promise<void> {
  await page.locator('input[name="tenant"]').fill(tenant);
  await page.locator('input[name="key"]').fill(key);
  await page.locator('input[name="key"]').press('Enter');
}

/** Signed in and the first figures drawn. */
export async function signedIn(page: Page): Promise<void> {
  await expect(page.locator('[data-metric="commentCount"]')).toBeVisible();
  await expect(page.locator('dashboard-usage-chart canvas')).toHaveCount(5);
}

export const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's violations on the page, as "rule: target" lines. Evaluated through the
 * DevTools protocol, which the page's CSP does not govern (the page itself runs no inline script).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

/** The element that has focus, looking inside shadow roots: a short description for assertions. */
export function focused(page: Page): Promise<{ tag: string; name: string | null; part: string | null; text: string; outline: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const style = el ? getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      name: el?.getAttribute('name') ?? null,
      part: el?.getAttribute('part') ?? null,
      text: (el?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
    };
  });
}

/** Presses Tab until `match` holds for the focused element; fails after `limit` presses. */
export async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, limit = 200): Promise<Awaited<ReturnType<typeof focused>>> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached the element (after ${limit} presses)`);
}
