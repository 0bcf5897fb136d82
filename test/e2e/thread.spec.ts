// Inside a conversation, with real browsers and a real server: editing live across two
// browsers, drafts per thread through a reload, a rate-limited send that gives the text
// back, deleting with a question and the reader told, links and direction, touch-size
// controls on a phone, and axe in every state, light and dark.
import type { Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from './fixtures.ts';
import { openDemo, placeMarker } from './helpers.ts';
import { axeViolations } from './axe.ts';
import { widgetsReady } from '../../scripts/page-ready.mjs';
import { startServer } from '../../src/server/app.ts';
import { testTenant, testTenants } from '../support/test-tenants.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** A second server whose `strict` tenant allows one action, then one a minute. */
const test = base.extend<object, { strict: Server }>({
  strict: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'image-chat-e2e-strict-'));
      const tenants = testTenants(testTenant('strict', { limits: { actionsPerMinute: 1, actionBurst: 1 } }));
      const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'strict.sqlite'), tenants });
      await use(server);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

const chatOf = (page: Page) => page.locator('image-chat').first();
const threadOf = (page: Page) => chatOf(page).locator('[part~="thread"]');
const markersOf = (page: Page) => chatOf(page).locator('[part~="marker"]');
const replyBox = (page: Page) => threadOf(page).locator('[part~="composer"]');
/** The element of `page` its shadow root's focus is on, described. */
const focused = (page: Page) =>
  chatOf(page).evaluate((el) => {
    const a = el.shadowRoot!.activeElement;
    return a ? `${a.localName}${a.getAttribute('part') ? `[part=${a.getAttribute('part')}]` : ''}` : 'none';
  });

async function saved(page: Page, count: number): Promise<void> {
  await expect(chatOf(page).locator('[part~="marker"]:not([data-pending])')).toHaveCount(count);
}

/**
 * The demo page of `server` with its first element switched to `tenant`. (A page the test
 * served itself would be a public page to Chromium, which then blocks its socket to 127.0.0.1.)
 */
async function tenantPage(browser: Browser, server: Server, tenant: string, name: string): Promise<Page> {
  const page = await openDemo(browser, server.url, name);
  await useTenant(page, tenant);
  return page;
}

async function useTenant(page: Page, tenant: string): Promise<void> {
  await chatOf(page).evaluate(async (el, t) => {
    el.setAttribute('tenant', t);
    await (el as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
  }, tenant);
  await page.waitForFunction(() => {
    const el = document.querySelector('image-chat') as (HTMLElement & { loaded: boolean }) | null;
    return el?.getAttribute('status') === 'online' && el.loaded;
  });
}

test('an author edits a message in place; another browser sees it change live, marked edited', async ({ browser, server }) => {
  const a = await openDemo(browser, server.url, 'Ada');
  const b = await openDemo(browser, server.url, 'Bo');
  await placeMarker(a, 0.3, 0.4, 'Teh Pay button is too small');
  await saved(b, 1);
  await markersOf(b).first().click();
  await expect(threadOf(b).locator('[part~="comment"]')).toContainText('Teh Pay button is too small');
  await expect(threadOf(b).locator('[part~="edit"]')).toHaveCount(0); // not Bo's

  await saved(a, 1);
  await markersOf(a).first().click();
  await threadOf(a).locator('[part~="edit"]').click();
  const box = threadOf(a).locator('[part~="comment"] textarea');
  await expect(box).toBeFocused();
  await expect(box).toHaveValue('Teh Pay button is too small');
  await box.fill('The Pay button is too small');
  await box.press('Enter');
  const textA = threadOf(a).locator('[part~="comment"] .text');
  await expect(textA).toHaveText('The Pay button is too small');
  await expect(threadOf(a).locator('[part~="comment"] .edited')).toHaveText('edited');
  await expect(threadOf(a).locator('[part~="edit"]')).toBeFocused();

  const textB = threadOf(b).locator('[part~="comment"] .text');
  await expect(textB).toHaveText('The Pay button is too small');
  await expect(threadOf(b).locator('[part~="comment"] .edited')).toHaveText('edited');
  const res = await fetch(`${server.url}/api/v1/tenants/demo/images/${encodeURIComponent(`${server.url}/demo/checkout.svg`)}/chats`);
  const stored = (await res.json()).chats[0].comments[0];
  expect(stored.text).toBe('The Pay button is too small');
  expect(stored.editedAt).toBeGreaterThan(0);

  // Cleaning up for the next test on this server (the author's conversation only: no question).
  await threadOf(a).locator('[part~="delete"]').click();
  await expect(markersOf(b)).toHaveCount(0);
  await a.context().close();
  await b.context().close();
});

test('each thread keeps its own draft, through closing it and a reload', async ({ browser, strict }) => {
  // Two conversations by two people (one action each on the strict tenant), read by a third.
  for (const [i, [name, fx, text]] of ([['Ada', 0.25, 'First'], ['Bo', 0.7, 'Second']] as const).entries()) {
    const p = await tenantPage(browser, strict, 'strict', name);
    await placeMarker(p, fx, 0.4, text);
    await saved(p, i + 1);
    await p.context().close();
  }
  const page = await tenantPage(browser, strict, 'strict', 'Cy');
  await saved(page, 2);
  await markersOf(page).nth(0).click();
  await replyBox(page).fill('Reply to the first');
  await markersOf(page).nth(1).click();
  await expect(replyBox(page)).toHaveValue('');
  await replyBox(page).fill('Reply to the second');
  await replyBox(page).press('Escape');
  await expect(threadOf(page)).toHaveCount(0);
  await markersOf(page).nth(0).click();
  await expect(replyBox(page)).toHaveValue('Reply to the first');

  await page.reload();
  await page.waitForFunction(widgetsReady);
  await useTenant(page, 'strict');
  await markersOf(page).nth(1).click();
  await expect(replyBox(page)).toHaveValue('Reply to the second');
  await markersOf(page).nth(0).click();
  await expect(replyBox(page)).toHaveValue('Reply to the first');

  // Discarding asks first; keeping answers the question only.
  await threadOf(page).getByRole('button', { name: 'Discard', exact: true }).click();
  const question = threadOf(page).getByRole('alertdialog', { name: 'Discard this draft?' });
  await expect(question).toBeVisible();
  await expect(question.getByRole('button', { name: 'Keep writing' })).toBeFocused();
  await question.getByRole('button', { name: 'Discard' }).click();
  await expect(replyBox(page)).toHaveValue('');
  await expect(replyBox(page)).toBeFocused();
  await page.reload();
  await page.waitForFunction(widgetsReady);
  await useTenant(page, 'strict');
  await markersOf(page).nth(0).click();
  await expect(replyBox(page)).toHaveValue('');
  await page.context().close();
});

test('a rate-limited send puts the text back with the reason and a retry', async ({ browser, strict }) => {
  const page = await tenantPage(browser, strict, 'strict', 'Dee');
  const before = await markersOf(page).count();
  await placeMarker(page, 0.5, 0.75, 'Uses the one action this minute allows');
  await saved(page, before + 1);

  // A reply: shown at once, refused, rolled back, and back in the box with the reason in words.
  await markersOf(page).nth(before).click();
  await replyBox(page).fill('A reply that will be refused');
  await replyBox(page).press('Enter');
  await expect(replyBox(page)).toHaveValue('A reply that will be refused');
  const refusal = threadOf(page).locator('.refused [role="alert"]');
  await expect(refusal).toHaveText(/^Not sent: Too many actions: wait \d+ s and try again\.$/);
  await expect(threadOf(page).locator('[part~="comment"]')).toHaveCount(1);
  // Trying again sends the same text; refused again, it comes back again.
  await threadOf(page).getByRole('button', { name: 'Try again' }).click();
  await expect(refusal).toBeVisible();
  await expect(replyBox(page)).toHaveValue('A reply that will be refused');
  await expect(threadOf(page).locator('[part~="comment"]')).toHaveCount(1);

  // A new conversation: its composer opens again where it was placed, with the text.
  await threadOf(page).locator('.close').click();
  await placeMarker(page, 0.2, 0.2, 'A conversation that will be refused');
  const composer = chatOf(page).locator('[part~="new-chat"] [part~="composer"]');
  await expect(composer).toHaveValue('A conversation that will be refused');
  await expect(chatOf(page).locator('[part~="new-chat"] .refused [role="alert"]')).toContainText('Too many actions');
  await expect(markersOf(page)).toHaveCount(before + 1);
  await page.context().close();
});

test('deleting a conversation with replies from others asks first; its reader is told, focus kept', async ({ browser, server }) => {
  const a = await openDemo(browser, server.url, 'Ada');
  const b = await openDemo(browser, server.url, 'Bo');
  await placeMarker(a, 0.6, 0.3, 'Should this be green?');
  await saved(b, 1);
  // The server numbers an image's conversations for good: earlier tests on this server used some numbers.
  const number = (await markersOf(b).first().textContent())!.trim();
  await markersOf(b).first().click();
  await replyBox(b).fill('Yes, like the brand.');
  await replyBox(b).press('Enter');
  await expect(threadOf(b).locator('[part~="comment"]:not([data-pending])')).toHaveCount(2);
  await replyBox(b).fill('Half-written second thought');

  await markersOf(a).first().click();
  await expect(threadOf(a).locator('[part~="comment"]')).toHaveCount(2);
  // No Delete on the opening message: the conversation's Delete is the way.
  await expect(threadOf(a).locator('[part~="comment"]').first().locator('[part~="comment-delete"]')).toHaveCount(0);
  await threadOf(a).locator('[part~="delete"]').click();
  const question = threadOf(a).getByRole('alertdialog', { name: 'Delete this conversation for everyone?' });
  await expect(question).toContainText('Other people have replied.');
  await expect(question.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await expect(markersOf(b)).toHaveCount(1);
  await question.getByRole('button', { name: 'Delete conversation' }).click();
  await expect(markersOf(a)).toHaveCount(0);

  await expect(threadOf(b)).toHaveCount(0);
  await expect(markersOf(b)).toHaveCount(0);
  await expect(chatOf(b).locator('[part~="status"]')).toContainText(`Conversation ${number} was deleted by someone else.`);
  expect(await focused(b)).toBe('div[part=overlay]');
  await a.context().close();
  await b.context().close();
});

test('messages are laid out by their own direction; URLs become safe links and nothing else is markup', async ({ browser, server }) => {
  const a = await openDemo(browser, server.url, 'Ada');
  let ran = false;
  a.on('dialog', async (d) => {
    ran = true;
    await d.dismiss();
  });
  const text = 'שלום! ראו https://example.com/spec?id=1. <img src=x onerror=alert(1)> javascript:alert(2) mailto:ada@example.com';
  await placeMarker(a, 0.4, 0.6, text);
  await saved(a, 1);
  await markersOf(a).first().click();
  const message = threadOf(a).locator('[part~="comment"] .text');
  await expect(message).toHaveText(text);
  await expect(message).toHaveAttribute('dir', 'auto');
  expect(await message.evaluate((p) => getComputedStyle(p).direction)).toBe('rtl');
  const links = message.locator('a');
  await expect(links).toHaveCount(2);
  await expect(links.nth(0)).toHaveAttribute('href', 'https://example.com/spec?id=1');
  await expect(links.nth(0)).toHaveAttribute('rel', 'noopener noreferrer nofollow ugc');
  await expect(links.nth(0)).toHaveAttribute('target', '_blank');
  await expect(links.nth(1)).toHaveAttribute('href', 'mailto:ada@example.com');
  await expect(links.nth(1)).toHaveAttribute('rel', 'noopener noreferrer nofollow ugc');
  expect(await message.locator('*:not(a)').count()).toBe(0);
  expect(ran).toBe(false);
  await threadOf(a).locator('[part~="delete"]').click();
  await expect(markersOf(a)).toHaveCount(0);
  await a.context().close();
});

test('on a phone, Delete, Edit and the conversation’s Delete are at least 44 × 44 px', async ({ browser, server }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true });
  const page = await openDemo(browser, server.url, 'Ada', context);
  await placeMarker(page, 0.5, 0.5, 'Tap targets');
  await saved(page, 1);
  await markersOf(page).first().tap();
  await replyBox(page).fill('A reply I may delete');
  await replyBox(page).press('Enter');
  await expect(threadOf(page).locator('[part~="comment"]:not([data-pending])')).toHaveCount(2);
  for (const part of ['comment-delete', 'edit', 'delete']) {
    const box = await threadOf(page).locator(`[part~="${part}"]`).last().boundingBox();
    expect(box, part).not.toBeNull();
    expect(box!.width, part).toBeGreaterThanOrEqual(44);
    expect(box!.height, part).toBeGreaterThanOrEqual(44);
  }
  await threadOf(page).locator('[part~="delete"]').tap();
  await expect(markersOf(page)).toHaveCount(0);
  await context.close();
});

/** Relative luminance contrast of two CSS rgb() colours. */
function contrast(fg: string, bg: string): number {
  const lum = (c: string) => {
    const [r, g, b] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds nothing in the composer, thread, edit and question states (${theme})`, async ({ browser, server }) => {
    const a = await openDemo(browser, server.url, 'Ada');
    const b = await openDemo(browser, server.url, 'Bo');
    for (const p of [a, b]) await chatOf(p).evaluate((el, t) => el.setAttribute('theme', t), theme);
    const expectClean = async (p: Page, state: string) => expect(await axeViolations(p, chatOf(p)), state).toEqual([]);

    // The composer, with the counter showing and a draft the Cancel button asks about.
    const overlay = chatOf(a).locator('[part~="overlay"]');
    const box = (await overlay.boundingBox())!;
    await overlay.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } });
    const composer = chatOf(a).locator('[part~="new-chat"] [part~="composer"]');
    const placeholder = await composer.evaluate((t) => [getComputedStyle(t, '::placeholder').color, getComputedStyle(t.closest('.popup')!).backgroundColor]);
    expect(contrast(placeholder[0]!, placeholder[1]!), 'placeholder contrast').toBeGreaterThanOrEqual(4.5);
    await composer.fill(`See https://example.com ${'x'.repeat(1800)}`);
    await expect(chatOf(a).locator('[part~="new-chat"] .counter')).toBeVisible();
    await expectClean(a, 'composer');
    await chatOf(a).locator('[part~="new-chat"]').getByRole('button', { name: 'Cancel' }).click();
    await expect(chatOf(a).locator('[part~="confirm"]')).toBeVisible();
    await expectClean(a, 'discard question');
    await chatOf(a).locator('[part~="confirm"]').getByRole('button', { name: 'Keep writing' }).click();
    await composer.fill('Is https://example.com the right link? שלום');
    await composer.press('Enter');
    await saved(a, 1);

    // Bo replies; Ada's thread shows a link, an edited message, and a muted time and meta.
    await saved(b, 1);
    await markersOf(b).first().click();
    await replyBox(b).fill('Yes, that one.');
    await replyBox(b).press('Enter');
    await expect(threadOf(b).locator('[part~="comment"]:not([data-pending])')).toHaveCount(2);
    await expectClean(b, 'thread (reader)');
    await markersOf(a).first().click();
    await expect(threadOf(a).locator('[part~="comment"]')).toHaveCount(2);
    await threadOf(a).locator('[part~="edit"]').first().click();
    await expectClean(a, 'editing');
    await threadOf(a).locator('[part~="comment"] textarea').press('Escape');
    await replyBox(a).fill('A draft');
    await expectClean(a, 'thread with a draft');
    await threadOf(a).locator('[part~="delete"]').click();
    await expect(threadOf(a).locator('[part~="confirm"]')).toBeVisible();
    await expectClean(a, 'delete question');
    await threadOf(a).locator('[part~="confirm"]').getByRole('button', { name: 'Delete conversation' }).click();
    await expect(markersOf(b)).toHaveCount(0);
    await a.context().close();
    await b.context().close();
  });
}
