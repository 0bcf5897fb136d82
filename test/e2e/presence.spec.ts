// Presence and typing between three browsers (issue 14): three contexts on the demo page see
// three viewers; one closes and the others see two; typing in one shows in another's open thread
// and goes after the pause, or at once on send. Every wait is for a state, none is a sleep.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { checkoutImage, deleteEveryChat, openDemo, placeMarker } from './helpers.ts';
import { axeViolations } from './axe.ts';

// The worker's server is shared with the spec files after this one: they start from an image without conversations.
test.afterEach(async ({ server }) => deleteEveryChat(server.url, server.demoApiKey!, checkoutImage(server.url)));

const chatOf = (page: Page) => page.locator('image-chat').first();
const presenceOf = (page: Page) => chatOf(page).locator('[part~="presence"]');

test('three browsers on one image see three viewers; one closes and the others see two', async ({ browser, server }) => {
  const ada = await openDemo(browser, server.url, 'Ada Lovelace');
  const bo = await openDemo(browser, server.url, 'Bo');
  const cy = await openDemo(browser, server.url, 'Cy');

  for (const page of [ada, bo, cy]) {
    await expect(presenceOf(page)).toHaveAttribute('data-count', '3');
    await expect(presenceOf(page)).toContainText('3 viewing');
  }
  // Each sees the two others by their initials, with their names for the pointer and screen readers.
  await expect(presenceOf(bo).locator('.avatar')).toHaveText(['AL', 'C']);
  await expect(presenceOf(bo).locator('.avatar').first()).toHaveAttribute('title', 'Ada Lovelace');
  await expect(presenceOf(ada)).toContainText('Also viewing: Bo and Cy');
  expect(await axeViolations(bo, chatOf(bo))).toEqual([]);

  // The list toggle keeps its corner: the presence part is in the other one.
  await placeMarker(ada, 0.5, 0.5, 'Where is everyone?');
  const toggle = chatOf(bo).locator('[part~="list-toggle"]');
  await expect(toggle).toBeVisible();
  const [p, t] = [await presenceOf(bo).boundingBox(), await toggle.boundingBox()];
  if (!p || !t) throw new Error('presence or toggle has no box');
  expect(p.x + p.width <= t.x || t.x + t.width <= p.x || p.y + p.height <= t.y || t.y + t.height <= p.y, 'they do not overlap').toBe(true);

  await cy.context().close();
  for (const page of [ada, bo]) await expect(presenceOf(page)).toHaveAttribute('data-count', '2');
  await bo.context().close();
  await expect(presenceOf(ada)).toHaveCount(0);
  await ada.context().close();
});

test('typing shows in the other browser’s open thread and goes after the pause, or at once on send', async ({ browser, server }) => {
  const ada = await openDemo(browser, server.url, 'Ada');
  const bo = await openDemo(browser, server.url, 'Bo');
  await placeMarker(ada, 0.3, 0.3, 'Shall we make the button bigger?');
  const markerA = chatOf(ada).locator('[part~="marker"]').first();
  const markerB = chatOf(bo).locator('[part~="marker"]').first();
  await markerA.click();
  await markerB.click();
  const typingB = chatOf(bo).locator('[part~="thread"] [part~="typing"]');
  await expect(typingB).toHaveText('');

  const reply = chatOf(ada).locator('[part~="thread"] [part~="composer"]');
  await reply.fill('Yes, ');
  await expect(typingB).toHaveText('Ada is typing…');
  await expect(typingB).toHaveAttribute('aria-live', 'polite');
  expect(await axeViolations(bo, chatOf(bo))).toEqual([]);
  // Ada stops writing: the server lets her typing lapse after 5 s without a refresh.
  await expect(typingB).toHaveText('', { timeout: 15_000 });

  await reply.fill('Yes, 44px.');
  await expect(typingB).toHaveText('Ada is typing…');
  await reply.press('Enter');
  await expect(typingB).toHaveText('');
  await expect(chatOf(bo).locator('[part~="thread"] [part~="comment"]')).toHaveCount(2);

  // The writer does not see herself typing.
  await chatOf(bo).locator('[part~="thread"] [part~="composer"]').fill('Agreed');
  await expect(chatOf(ada).locator('[part~="thread"] [part~="typing"]')).toHaveText('Bo is typing…');
  await expect(chatOf(bo).locator('[part~="thread"] [part~="typing"]')).toHaveText('');
  await ada.context().close();
  await bo.context().close();
});
