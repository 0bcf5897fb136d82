// Crowded images (issue 11, point 3, and the marker defects of point 8): 60 conversations with 20
// close together are drawn as markers and clusters that never overlap and stay inside the image;
// the list panel lists, filters and opens them; numbers stay when one is deleted; axe finds nothing.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import type { Box } from './marker-helpers.ts';
import { PHONE, axeViolations, chatOf, clustersOf, layoutOf, markersOf, openImage, seed, uniqueImage } from './marker-helpers.ts';
import { openDemo } from './helpers.ts';

/** 60 points, 20 of them within a few px of each other (a seeded generator: the same every run). */
function crowd(): { x: number; y: number; resolved?: boolean }[] {
  let s = 42;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const points: { x: number; y: number; resolved?: boolean }[] = [];
  for (let i = 0; i < 20; i++) points.push({ x: 0.42 + next() * 0.05, y: 0.45 + next() * 0.05 });
  // Edges and corners too: their pins must stay inside the image.
  points.push({ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }, { x: 1, y: 1 }, { x: 0.5, y: 0 }, { x: 1, y: 0.5 });
  while (points.length < 60) points.push({ x: next(), y: next() });
  return points;
}

const overlaps = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const inside = (b: Box, o: Box) => b.left >= o.left - 0.5 && b.top >= o.top - 0.5 && b.right <= o.right + 0.5 && b.bottom <= o.bottom + 0.5;

/** Every conversation is drawn once (a marker, or counted by a cluster), nothing overlaps, all inside the image. */
async function expectCleanLayout(page: Page, total: number): Promise<{ markers: number; clusters: number }> {
  const l = await layoutOf(page);
  const hidden = total - l.markers.length;
  expect(l.clusters.reduce((n, c) => n + c.count, 0)).toBe(hidden);
  expect(l.clusters.every((c) => c.count >= 2)).toBe(true);
  const all = [...l.markers, ...l.clusters];
  for (let i = 0; i < all.length; i++) {
    expect(inside(all[i]!, l.overlay), `item ${i} inside the image`).toBe(true);
    for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i]!, all[j]!), `items ${i} and ${j} overlap`).toBe(false);
  }
  return { markers: l.markers.length, clusters: l.clusters.length };
}

test('60 conversations, 20 close together: clusters count the hidden markers, nothing overlaps, everything inside; on a phone too, with 44 px targets', async ({ browser, server }) => {
  const image = uniqueImage('crowd');
  await seed(server, image, crowd());
  const desk = await openImage(browser, server.url, { name: 'Ada', image });
  await expect.poll(async () => (await layoutOf(desk)).markers.length + (await layoutOf(desk)).clusters.length).toBeGreaterThan(0);
  const d = await expectCleanLayout(desk, 60);
  expect(d.clusters).toBeGreaterThan(0);
  // The 20 close together are not all drawn one over another: at least one cluster holds several of them.
  expect(Math.max(...(await layoutOf(desk)).clusters.map((c) => c.count))).toBeGreaterThanOrEqual(5);

  // Resizing re-clusters: narrower, more hidden; still clean.
  await chatOf(desk).evaluate((el) => (el.style.width = '600px'));
  await expect.poll(async () => (await layoutOf(desk)).overlay.right - (await layoutOf(desk)).overlay.left).toBeLessThan(601);
  const narrow = await expectCleanLayout(desk, 60);
  expect(narrow.markers).toBeLessThan(d.markers);

  const phone = await openImage(browser, server.url, { name: 'Pia', image, context: await browser.newContext(PHONE) });
  const p = await expectCleanLayout(phone, 60);
  expect(p.markers).toBeLessThan(d.markers);
  const l = await layoutOf(phone);
  for (const b of [...l.markers, ...l.clusters]) {
    expect(b.right - b.left).toBeGreaterThanOrEqual(44);
    expect(b.bottom - b.top).toBeGreaterThanOrEqual(44);
  }
  const toggle = await chatOf(phone).locator('[part~="list-toggle"]').boundingBox();
  expect(Math.min(toggle!.width, toggle!.height)).toBeGreaterThanOrEqual(44);
  await desk.context().close();
  await phone.context().close();
});

test('a cluster lists its conversations; choosing one draws its marker, focuses it and opens its thread', async ({ browser, server }) => {
  const image = uniqueImage('cluster');
  const chats = await seed(server, image, crowd());
  const page = await openImage(browser, server.url, { name: 'Ada', image });
  const biggest = clustersOf(page).filter({ hasText: /\d/ });
  const counts = await biggest.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.count)));
  const index = counts.indexOf(Math.max(...counts));
  const cluster = clustersOf(page).nth(index);
  await expect(cluster).toHaveAttribute('aria-label', new RegExp(`^${counts[index]} conversations close together`));
  await cluster.focus();
  await page.keyboard.press('Enter');
  const list = chatOf(page).locator('[part~="list"]');
  await expect(list).toBeVisible();
  await expect(list.locator('.entry')).toHaveCount(counts[index]!);
  await expect(list.locator('.entry').first()).toBeFocused();
  const id = (await list.locator('.entry').nth(1).getAttribute('data-chat-id'))!;
  await list.locator('.entry').nth(1).click();
  await expect(list).toHaveCount(0);
  const thread = chatOf(page).locator('[part~="thread"]');
  await expect(thread).toBeVisible();
  const chat = chats.find((c) => c.id === id)!;
  await expect(thread.locator('[part~="comment"]').first()).toContainText(chat.comments[0]!.text);
  const marker = markersOf(page).and(page.locator(`[data-chat-id="${id}"]`));
  await expect(marker).toHaveAttribute('aria-expanded', 'true');
  await expect(marker).toHaveText(String(chat.number));
  // Escape closes the thread; focus goes back to its marker, which stays drawn while focused.
  await page.keyboard.press('Escape');
  await expect(thread).toHaveCount(0);
  await expect(marker).toBeFocused();
  // The list's Escape returns focus where it came from.
  await chatOf(page).locator('[part~="list-toggle"]').click();
  await expect(list).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);
  await expect(chatOf(page).locator('[part~="list-toggle"]')).toBeFocused();
  await page.context().close();
});

test('the list: every conversation with first words, author, replies, time and resolved; filters; hide resolved on the image; choosing opens the thread', async ({ browser, server }) => {
  const image = uniqueImage('list');
  const points = [0.1, 0.3, 0.5, 0.7, 0.9, 0.2].map((x, i) => ({ x, y: 0.2 + 0.1 * i, resolved: i === 1 || i === 4, text: `Point ${i + 1}: ${'words '.repeat(i + 1)}` }));
  const chats = await seed(server, image, points);
  const page = await openImage(browser, server.url, { name: 'Ada', image });
  await expect(markersOf(page)).toHaveCount(6);
  const toggle = chatOf(page).locator('[part~="list-toggle"]');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const list = chatOf(page).locator('[part~="list"]');
  const entries = list.locator('.entry');
  await expect(entries).toHaveCount(6);
  await expect(entries.nth(1)).toContainText('Point 2: words words');
  await expect(entries.nth(1)).toContainText('Sam');
  await expect(entries.nth(1)).toContainText('No replies');
  await expect(entries.nth(1)).toContainText('Resolved');
  await expect(entries.nth(1).locator('time')).toHaveAttribute('datetime', /Z$/);
  await expect(entries.nth(1)).toHaveAccessibleName(/^Conversation 2 by Sam, resolved: Point 2: words words/);

  await list.getByRole('radio', { name: /^Open/ }).check();
  await expect(entries).toHaveCount(4);
  await expect(list.getByRole('radio', { name: /^Open/ })).toHaveAccessibleName('Open (4)');
  await list.getByRole('radio', { name: /^Resolved/ }).check();
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0).locator('.badge')).toHaveText('2');
  await expect(entries.nth(1).locator('.badge')).toHaveText('5');
  await list.getByRole('radio', { name: /^All/ }).check();
  await expect(entries).toHaveCount(6);

  // Hide resolved: their markers leave the image (the list still has them), and the attribute reflects it.
  await list.getByRole('checkbox', { name: 'Hide resolved conversations on the image' }).check();
  await expect(markersOf(page)).toHaveCount(4);
  await expect(chatOf(page)).toHaveAttribute('hide-resolved', '');

  // Choosing a hidden (resolved) one still opens it, its marker drawn while its thread is open.
  await entries.nth(4).click();
  const thread = chatOf(page).locator('[part~="thread"]');
  await expect(thread).toBeVisible();
  await expect(thread.locator('[part~="comment"]').first()).toContainText('Point 5');
  await expect(thread).toHaveAttribute('aria-label', /^Conversation 5 by Sam/);
  await expect(markersOf(page)).toHaveCount(5);
  await page.keyboard.press('Escape');
  await expect(markersOf(page).and(page.locator(`[data-chat-id="${chats[4]!.id}"]`))).toBeFocused();
  await page.context().close();
});

test('numbers stay when a conversation is deleted: live for the other browser, after a reload, and the next one gets a new number', async ({ browser, server }) => {
  const image = uniqueImage('numbers');
  const a = await openImage(browser, server.url, { name: 'Ada', image });
  const b = await openImage(browser, server.url, { name: 'Bo', image });
  const overlay = chatOf(a).locator('[part~="overlay"]');
  for (const [i, fx] of [0.2, 0.5, 0.8].entries()) {
    const box = (await overlay.boundingBox())!;
    await overlay.click({ position: { x: box.width * fx, y: box.height * 0.5 } });
    await chatOf(a).locator('[part~="composer"]').fill(`Number ${i + 1}`);
    await chatOf(a).locator('[part~="composer"]').press('Enter');
    await expect(markersOf(a).and(a.locator(':not([data-pending])'))).toHaveCount(i + 1);
  }
  await expect(markersOf(b)).toHaveText(['1', '2', '3']);
  await markersOf(a).nth(1).click();
  await chatOf(a).locator('[part~="thread"] [part~="delete"]').click();
  for (const page of [a, b]) await expect(markersOf(page)).toHaveText(['1', '3']);
  await markersOf(b).nth(1).click();
  await expect(chatOf(b).locator('[part~="thread"] .badge')).toHaveText('3');
  await expect(chatOf(b).locator('[part~="thread"]')).toHaveAttribute('aria-label', /^Conversation 3 by/);

  const c = await openImage(browser, server.url, { name: 'Cy', image });
  await expect(markersOf(c)).toHaveText(['1', '3']);
  const box = (await overlay.boundingBox())!;
  await overlay.click({ position: { x: box.width * 0.5, y: box.height * 0.8 } });
  await chatOf(a).locator('[part~="composer"]').fill('Number 4');
  await chatOf(a).locator('[part~="composer"]').press('Enter');
  for (const page of [a, b, c]) await expect(markersOf(page)).toHaveText(['1', '3', '4']);
  for (const page of [a, b, c]) await page.context().close();
});

test('axe finds nothing with clusters drawn and the list open, light and dark, and with the list as a phone\'s sheet', async ({ browser, server }) => {
  const image = uniqueImage('axe');
  await seed(server, image, crowd().map((p, i) => ({ ...p, resolved: i % 7 === 0 })));
  for (const theme of ['light', 'dark'] as const) {
    const page = await openImage(browser, server.url, { name: 'Ada', image, theme });
    await expect(clustersOf(page).first()).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await chatOf(page).locator('[part~="list-toggle"]').click();
    await expect(chatOf(page).locator('[part~="list"] .entry').first()).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await chatOf(page).locator('[part~="list"]').getByRole('radio', { name: /^Resolved/ }).check();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }
  const phone = await openImage(browser, server.url, { name: 'Pia', image, context: await browser.newContext(PHONE) });
  await chatOf(phone).locator('[part~="list-toggle"]').click();
  await expect(chatOf(phone).locator('[part~="list"]')).toHaveAttribute('aria-modal', 'true');
  expect(await axeViolations(phone)).toEqual([]);
  await phone.context().close();
});

test('a wrapped <img>\'s alt names the overlay', async ({ browser, server }) => {
  const page = await openDemo(browser, server.url, 'Ada');
  const wrapped = page.locator('image-chat').nth(1);
  await expect(wrapped.locator('[part~="overlay"]')).toHaveAttribute('aria-label', /^Diagram of the water cycle: \d+ conversations?\./);
  await page.context().close();
});
