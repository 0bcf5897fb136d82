// Two browsers through a real nginx running deploy/nginx.conf (only its `# test:` lines rewritten)
// in front of two real node processes on one PostgreSQL schema and one Redis. The browsers are
// proven to hold their sockets on different nodes (each node's own /metrics), then each sees the
// other's markers and replies live, both ways.
import type { Browser, Page } from '@playwright/test';
import { test, expect } from '@playwright/test';
import { Cluster } from '../support/cluster.ts';
import type { NodeProcess } from '../support/cluster.ts';
import { Nginx } from '../support/nginx.ts';
import { postgresUrlFromEnv } from '../support/postgres.ts';
import { RedisScope, testRedisUrl } from '../support/redis.ts';
import { scaleServicesMissing } from '../support/services.ts';
import { openDemo, placeMarker } from './helpers.ts';

const databaseUrl = postgresUrlFromEnv();
const redis = testRedisUrl();
// playwright.config.ts selects this file only where the services are named, and always in CI.
const missing = scaleServicesMissing();
/** How many fresh browsers may land on A's node before the test gives up steering B to the other one. */
const MAX_LANDINGS = 12;

const chatOf = (page: Page) => page.locator('image-chat').first();
const markerOf = (page: Page, id: string) => chatOf(page).locator(`[part~="marker"][data-chat-id="${id}"]`);
const threadOf = (page: Page) => chatOf(page).locator('[part~="thread"]');

/** Open WebSockets this node holds (its own gauge, not the cluster's; per tenant or, without METRICS_TOKEN, the total). */
async function socketsOn(node: NodeProcess): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return [...text.matchAll(/^image_chat_connections(?:\{[^}]*\})? (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}
const socketsPerNode = (cluster: Cluster) => Promise.all(cluster.nodes.map(socketsOn));

/**
 * Opens B in fresh browser contexts until one holds its socket on the node A is not on. Round robin
 * alone proves nothing (each nginx worker keeps its own turn, and page loads take turns too), so the
 * nodes' gauges decide; a context that landed on A's node is closed before the next one is opened.
 */
async function openOnOtherNode(browser: Browser, nginx: Nginx, cluster: Cluster, nodeOfA: number): Promise<Page> {
  const want = cluster.nodes.map((_, i) => (i === nodeOfA ? 1 : 0));
  for (let landing = 1; landing <= MAX_LANDINGS; landing++) {
    const page = await openDemo(browser, nginx.url, 'Bo');
    await expect.poll(async () => (await socketsPerNode(cluster)).reduce((a, b) => a + b)).toBe(2);
    const sockets = await socketsPerNode(cluster);
    if (sockets[nodeOfA] === 1) return page;
    await page.context().close();
    await expect.poll(() => socketsPerNode(cluster)).toEqual(want);
    // Moves this worker's round-robin turn by one, so the next page load does not repeat the last one's.
    await fetch(`${nginx.url}/`);
  }
  throw new Error(`${MAX_LANDINGS} browsers in a row landed on the same node as the first one: nginx is not balancing`);
}

/** Sends a reply in the open thread. */
async function reply(page: Page, text: string): Promise<void> {
  const composer = threadOf(page).locator('[part~="composer"]');
  await composer.fill(text);
  await composer.press('Enter');
}

test('two browsers through nginx, on two different nodes, see each other\'s markers and replies live, both ways', async ({ browser }) => {
  if (missing) throw new Error(`the nginx test needs PostgreSQL and Redis: ${missing}`);
  test.setTimeout(120_000);
  const scope = new RedisScope((redis as { url: string }).url);
  let cluster: Cluster | undefined;
  let nginx: Nginx | undefined;
  try {
    cluster = await Cluster.start({ nodes: 2, databaseUrl: databaseUrl!, redis: scope, env: { TRUST_PROXY: '1' } });
    nginx = await Nginx.start(cluster.nodes.map((n) => n.port));

    const a = await openDemo(browser, nginx.url, 'Ada');
    await expect.poll(async () => (await socketsPerNode(cluster!)).reduce((x, y) => x + y)).toBe(1);
    const nodeOfA = (await socketsPerNode(cluster)).indexOf(1);
    const b = await openOnOtherNode(browser, nginx, cluster, nodeOfA);
    expect((await socketsPerNode(cluster)).sort()).toEqual([1, 1]);

    // A → B: a marker, then B's reply reaches A.
    await placeMarker(a, 0.3, 0.4, 'Placed on one node');
    const first = chatOf(a).locator('[part~="marker"]').first();
    await expect(first).not.toHaveAttribute('data-pending', '');
    const firstId = (await first.getAttribute('data-chat-id'))!;
    await expect(markerOf(b, firstId)).toHaveCount(1);
    await markerOf(a, firstId).click();
    await markerOf(b, firstId).click();
    await expect(threadOf(b).locator('[part~="comment"]').first()).toContainText('Placed on one node');
    await reply(b, 'Answered from the other node');
    await expect(threadOf(a).locator('[part~="comment"]')).toHaveCount(2);
    await expect(threadOf(a).locator('[part~="comment"]').nth(1)).toContainText('Answered from the other node');

    // B → A: a second marker, then A's reply reaches B.
    for (const p of [a, b]) await threadOf(p).press('Escape');
    for (const p of [a, b]) await expect(threadOf(p)).toHaveCount(0);
    await placeMarker(b, 0.7, 0.6, 'And one the other way');
    const settled = chatOf(b).locator('[part~="marker"]:not([data-pending])');
    await expect(settled).toHaveCount(2);
    const secondId = (await settled.evaluateAll((els) => els.map((e) => e.getAttribute('data-chat-id')))).find((id) => id !== firstId)!;
    await expect(markerOf(a, secondId)).toHaveCount(1);
    await markerOf(a, secondId).click();
    await markerOf(b, secondId).click();
    await reply(a, 'Seen, from the first node');
    await expect(threadOf(b).locator('[part~="comment"]')).toHaveCount(2);
    await expect(threadOf(b).locator('[part~="comment"]').nth(1)).toContainText('Seen, from the first node');

    // Still on different nodes: nothing moved behind the test's back.
    expect((await socketsPerNode(cluster)).sort()).toEqual([1, 1]);
    await a.context().close();
    await b.context().close();
  } finally {
    await nginx?.close();
    await cluster?.close();
    await scope.cleanup();
  }
});
