// The widget loaded twice on one page (two script tags, a CMS plugin and a theme that both add it): the
// second copy runs but does not throw NotSupportedError, <image-chat> stays registered once, by the first
// copy, and works; a second copy of another version says so in the console.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { placeMarker } from './helpers.ts';
import { staticServer } from '../support/static-server.ts';

const bundle = readFileSync(new URL('../../dist/image-chat.js', import.meta.url), 'utf8');
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The built widget with another version stamped in (the version is one string literal in the bundle). */
function otherVersion(v: string): string {
  const literal = new RegExp(`(["'\`])${version.replaceAll('.', '\\.')}\\1`, 'g');
  const found = bundle.match(literal) ?? [];
  expect(found, `the bundle holds its version ${version} once`).toHaveLength(1);
  return bundle.replace(literal, `"${v}"`);
}

/** Opens a page on another origin (as a site embedding the widget) that loads `scripts` in order. */
async function pageLoading(page: Page, server: string, scripts: string[], routes: Record<string, string> = {}) {
  const errors: string[] = [];
  const console: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  const html = `<!doctype html><meta charset="utf-8">
    ${scripts.map((s) => `<script type="module" src="${s}"></script>`).join('\n')}
    <image-chat server="${server}" tenant="demo" image-id="double-load-${Math.random().toString(36).slice(2)}"
      src="${server}/demo/checkout.svg" alt="Checkout" style="width:600px"></image-chat>`;
  const host = await staticServer({ routes: { '/': html, ...routes } });
  await page.goto(host.url);
  await expect(page.locator('image-chat')).toHaveAttribute('status', 'online');
  return { errors, console, host };
}

test('loaded twice, the widget registers once, throws nothing, and works', async ({ page, server }) => {
  // A second copy of the same build under another URL (a theme that bundles its own).
  const scripts = [`${server.url}/image-chat.js`, '/theme/image-chat.js'];
  const seen = await pageLoading(page, server.url, scripts, { '/theme/image-chat.js': bundle });
  try {
    // Both copies ran (two URLs, two module instances); the tag is the first one's.
    const registry = await page.evaluate(async ([a, b]) => {
      const first = await import(a!);
      const second = await import(b!);
      const defined = customElements.get('image-chat');
      return { first: defined === first.ImageChat, second: defined === second.ImageChat, distinct: first.ImageChat !== second.ImageChat };
    }, scripts);
    expect(registry).toEqual({ first: true, second: false, distinct: true });
    await placeMarker(page, 0.3, 0.4, 'Still works with two copies');
    await expect(page.locator('image-chat [part~="marker"]:not([data-pending])')).toHaveCount(1);
    expect(seen.errors).toEqual([]);
    expect(seen.console.filter((l) => /^(warning|error):/.test(l))).toEqual([]);
  } finally {
    await seen.host.close();
  }
});

test('loaded with a query (a CMS’s ?ver=): one module, and the parts it fetches later belong to it', async ({ page, server }) => {
  const scripts = [`${server.url}/image-chat.js?ver=6.5`];
  const seen = await pageLoading(page, server.url, scripts);
  try {
    const same = await page.evaluate(async ([versioned, plain]) => (await import(versioned!)).ImageChat === (await import(plain!)).ImageChat, [scripts[0], `${server.url}/image-chat.js`]);
    expect(same).toBe(true);
    // A thread and its text box come from the lazily loaded parts; their sentences must be the page's element's.
    await placeMarker(page, 0.3, 0.4, 'Loaded with a version query');
    await page.locator('image-chat [part~="marker"]:not([data-pending])').click();
    await expect(page.locator('image-chat [part~="thread"]')).toContainText('Loaded with a version query');
    await expect(page.locator('image-chat [part~="thread"] [part~="send"]')).toHaveText('Reply');
    expect(seen.errors).toEqual([]);
  } finally {
    await seen.host.close();
  }
});

test('a second copy of another version warns, naming both versions, and is not used', async ({ page, server }) => {
  const seen = await pageLoading(page, server.url, [`${server.url}/image-chat.js`, '/image-chat-9.9.9.js'], {
    '/image-chat-9.9.9.js': otherVersion('9.9.9'),
  });
  try {
    const warnings = seen.console.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('<image-chat>');
    expect(warnings[0]).toContain(version);
    expect(warnings[0]).toContain('9.9.9');
    expect(await page.evaluate(() => (customElements.get('image-chat') as unknown as { version: string }).version)).toBe(version);
    expect(seen.errors).toEqual([]);
  } finally {
    await seen.host.close();
  }
});
