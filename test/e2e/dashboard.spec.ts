// The site owner's dashboard (/dashboard) in Chromium against a real server: sign-in, the
// figures of generated traffic, downloads, moderation reaching an open widget, keyboard, axe.
import { readFile } from 'node:fs/promises';
import { ACME, DEMO_KEY, axeViolations, cspViolations, expect, focused, metric, openDashboard, signIn, signedIn, tabTo, test } from './dashboard-helpers.ts';
import { checkoutImage, openDemo, placeMarker, rawClient } from './helpers.ts';

/** `creates` conversations on the demo's checkout image, then `replies` replies to the first, over a raw socket. */
async function traffic(url: string, creates: number, replies: number, tenant = 'demo'): Promise<string[]> {
  const client = await rawClient(url, 'Traffic', tenant);
  try {
    const ids: string[] = [];
    for (let i = 0; i < creates; i++) {
      const ack = await client.act({ type: 'create-image-chat', image: checkoutImage(url), x: 0.1 + 0.1 * i, y: 0.5, text: `conversation ${i + 1}` });
      ids.push(ack.chat!.id);
    }
    for (let i = 0; i < replies; i++) {
      await client.act({ type: 'update-image-chat', image: checkoutImage(url), chatId: ids[0], change: { kind: 'add-comment', text: `reply ${i + 1}` } });
    }
    return ids;
  } finally {
    await client.close();
  }
}

test('served as a page under a strict Content-Security-Policy that blocks nothing it needs', async ({ browser, server }) => {
  const res = await fetch(`${server.url}/dashboard`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe');
  expect((await fetch(`${server.url}/dashboard.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  await traffic(server.url, 1, 1);
  const page = await openDashboard(browser, server.url);
  await signIn(page, 'demo', DEMO_KEY);
  await signedIn(page);
  expect(await cspViolations(page)).toEqual([]);
  await page.context().close();
});

test('a wrong key, an unknown tenant: said in words, and no figure is shown', async ({ browser, server }) => {
  const page = await openDashboard(browser, server.url);
  await signIn(page, 'demo', 'not-the-key');
  await expect(page.getByRole('alert')).toContainText('The key was refused: it is not the API key of tenant "demo".');
  await expect(page.locator('[data-metric]')).toHaveCount(0);
  await signIn(page, 'nobody', DEMO_KEY);
  await expect(page.getByRole('alert')).toContainText('There is no tenant "nobody" on this server.');
  await expect(page.locator('[data-metric]')).toHaveCount(0);
  expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).not.toContain(DEMO_KEY);
  await page.context().close();
});

test('N creates and M replies show as exactly N new conversations and N+M comments', async ({ browser, server }) => {
  const N = 3;
  const M = 4;
  await traffic(server.url, N, M);
  const page = await openDashboard(browser, server.url);
  await signIn(page, 'demo', DEMO_KEY);
  await signedIn(page);
  await expect(metric(page, 'conversationCreateCount')).toHaveText(String(N));
  await expect(metric(page, 'commentCount')).toHaveText(String(N + M));
  await expect(metric(page, 'conversations')).toHaveText(String(N));
  // The key lives in this tab's sessionStorage only, never in localStorage or the URL.
  expect(await page.evaluate(() => sessionStorage.getItem('image-chat-dashboard:session'))).toContain(DEMO_KEY);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(DEMO_KEY);
  expect(page.url()).toBe(`${server.url}/dashboard`);

  // More traffic, then Refresh: the figures move on without a reload.
  await traffic(server.url, 1, 0);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(metric(page, 'conversationCreateCount')).toHaveText(String(N + 1));
  await expect(metric(page, 'commentCount')).toHaveText(String(N + M + 1));

  // Connections now follow a widget opening elsewhere, with no click (polled while visible).
  await page.evaluate(() => ((document.querySelector('image-chat-dashboard') as unknown as { liveIntervalMs: number }).liveIntervalMs = 200));
  await expect(metric(page, 'connections')).toHaveText('0');
  const widget = await openDemo(browser, server.url, 'Ada');
  await expect(metric(page, 'connections')).toHaveText('1');
  await widget.context().close();

  // Signing out forgets the key and everything shown with it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-metric]')).toHaveCount(0);
  await expect(page.locator('input[name="key"]')).toHaveValue('');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.context().close();
});

test('the usage downloads as CSV, and an image’s conversations as Web Annotations', async ({ browser, server }) => {
  await traffic(server.url, 2, 1);
  const page = await openDashboard(browser, server.url);
  await signIn(page, 'demo', DEMO_KEY);
  await signedIn(page);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = (await readFile((await csvDownload.path())!, 'utf8')).trim().split(/\r?\n/);
  expect(lines[0]).toBe('start,pubSubMessageCount,pubSubBandwidth,conversationCreateCount,commentCount,peakConnections');
  expect(lines).toHaveLength(1 + 24);
  const creates = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[3]), 0);
  expect(creates).toBe(2);
  await expect(page.locator('[part="notice"]')).toContainText('Downloaded the usage of the last 24 hours as CSV.');

  const exportLink = page.locator('dashboard-top-images [part="export"]').first();
  await expect(exportLink).toBeVisible();
  const [annotations] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
  expect(annotations.suggestedFilename()).toMatch(/\.annotations\.jsonld$/);
  const collection = JSON.parse(await readFile((await annotations.path())!, 'utf8'));
  expect(collection.type).toBe('AnnotationCollection');
  expect(collection.first.items).toHaveLength(2);
  await page.context().close();
});

test('deleting a conversation from the dashboard, after confirming, removes it live from an open widget', async ({ browser, server }) => {
  const widget = await openDemo(browser, server.url, 'Ada');
  await placeMarker(widget, 0.3, 0.4, 'Is the total right?');
  const marker = widget.locator('image-chat').first().locator('[part~="marker"]');
  await expect(marker).toHaveCount(1);

  const page = await openDashboard(browser, server.url);
  await signIn(page, 'demo', DEMO_KEY);
  await signedIn(page);
  const item = page.locator('[part="chat"]', { hasText: 'Is the total right?' });
  await expect(item).toContainText('Ada');
  // The page the conversation was started on, as the widget reported it.
  await expect(item.getByRole('link', { name: /Open the page/ })).toHaveAttribute('href', `${server.url}/?name=Ada`);

  await item.locator('[part="delete-chat"]').click();
  const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('the conversation “Is the total right?” by Ada');
  await expect(marker).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Delete conversation' }).click();

  await expect(marker).toHaveCount(0);
  await expect(item).toHaveCount(0);
  await expect(page.locator('[part="notice"]')).toContainText('Deleted the conversation “Is the total right?” by Ada.');
  await page.context().close();
  await widget.context().close();
});

test('keyboard only: Tab and Enter reach the sign-in, a delete and its confirmation; focus is visible and comes back', async ({ browser, server }) => {
  await traffic(server.url, 1, 0);
  const page = await openDashboard(browser, server.url);
  await tabTo(page, (f) => f.name === 'tenant', 5);
  await page.keyboard.type('demo');
  await page.keyboard.press('Tab');
  expect((await focused(page)).name).toBe('key');
  await page.keyboard.type(DEMO_KEY);
  await page.keyboard.press('Enter');
  await signedIn(page);

  const button = await tabTo(page, (f) => f.part === 'delete-chat');
  expect(button.text).toBe('Delete conversation “conversation 1” by Traffic');
  expect(button.outline).toMatch(/^solid [1-9]/);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
  await expect(dialog).toBeVisible();
  expect((await focused(page)).part).toBe('cancel');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await focused(page)).part).toBe('delete-chat');

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  expect((await focused(page)).part).toBe('confirm');
  await page.keyboard.press('Enter');
  await expect(page.locator('[part="chat"]')).toHaveCount(0);
  expect((await focused(page)).text).toBe('Latest conversations');
  await page.context().close();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing, signed out and signed in (${colorScheme})`, async ({ browser, server }) => {
    await traffic(server.url, 2, 2);
    const page = await openDashboard(browser, server.url, { colorScheme });
    expect(await axeViolations(page)).toEqual([]);
    await signIn(page, 'demo', DEMO_KEY);
    await signedIn(page);
    await page.getByRole('button', { name: /Show data table of comments/ }).click();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('[part="delete-chat"]').first().click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
}

test('readable at 375 px: nothing runs off sideways', async ({ browser, server }) => {
  await traffic(server.url, 2, 1);
  const page = await openDashboard(browser, server.url, { viewport: { width: 375, height: 800 } });
  await signIn(page, 'demo', DEMO_KEY);
  await signedIn(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  const chart = await page.locator('dashboard-usage-chart canvas').first().boundingBox();
  expect(chart!.width).toBeLessThanOrEqual(375);
  expect(chart!.width).toBeGreaterThan(250);
  await page.context().close();
});

test('a tenant whose pages are on another site is moderated from this server’s own dashboard', async ({ browser, server }) => {
  // Its widgets run on https://acme.example; a raw client (no Origin) stands in for them.
  await traffic(server.url, 1, 0, ACME.id);
  const page = await openDashboard(browser, server.url);
  await signIn(page, ACME.id, ACME.key);
  await signedIn(page);
  await expect(metric(page, 'conversationCreateCount')).toHaveText('1');
  await page.locator('[part="delete-chat"]').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete conversation' }).click();
  await expect(page.locator('[part="notice"]')).toContainText('Deleted the conversation “conversation 1” by Traffic.');
  await expect(page.locator('[part="chat"]')).toHaveCount(0);
  await page.context().close();
});
