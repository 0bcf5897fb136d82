// Every language and direction (issue 12), in Chromium against a real server: each locale leaves
// no English string in any state; a `lang` above the element picks its language and changing it
// re-renders; Hebrew and Arabic lay out right to left while markers stay on their points and
// messages keep their own direction; refusals are worded in the locale; axe finds nothing in
// Hebrew; times go through Intl.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { axeViolations } from './axe.ts';
import { chatOf, languageSpoken, layoutOf, markersOf, openImage, seed, seedReply, tipOf, uniqueImage } from './marker-helpers.ts';
import { sentencePattern, speak, walkStates, type Scene } from './i18n-helpers.ts';
import type { Language } from '../../src/widget/i18n/catalog.ts';
import { MAX_TEXT_CHARS } from '../../src/protocol/limits.ts';
import { startServer } from '../../src/server/app.ts';
import { testTenant, testTenants } from '../support/test-tenants.ts';
import { initials } from '../../src/widget/presence-view.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

const LOCALES: readonly Exclude<Language, 'en'>[] = ['da', 'he', 'de', 'es', 'fr', 'ar', 'ja'];

/** What people wrote and are called: the same in every language, so never compared. */
const USER_CONTENT = {
  opening: 'The Pay now button is too small.',
  reply: 'Agreed, 44 px high.',
  names: ['Ada', 'Sam', 'Bo'],
  alt: 'Checkout page mockup',
};

/**
 * Words that really are the same in a language as in English, each with its reason. (A string that
 * escaped the catalog is moved into en.ts and every locale instead.)
 */
const SAME_AS_ENGLISH: Readonly<Partial<Record<Language, readonly string[]>>> = {
  // Danish "send" is the imperative of "at sende": the Send button's word, spelled as in English.
  da: ['Send'],
  // French nouns spelled as in English: the thread's list of messages and the list panel's title.
  fr: ['Messages', 'Conversations'],
};

/**
 * One image for every language: a conversation with a reply from someone else, one resolved, one
 * alone, and three close together (a cluster). Seeded once per worker's server.
 */
let scene: Promise<Scene & { image: string; points: { id: string; x: number; y: number }[] }> | undefined;
function sceneOn(server: Server) {
  scene ??= (async () => {
    const image = uniqueImage('i18n');
    const chats = await seed(server, image, [
      { x: 0.2, y: 0.7, text: USER_CONTENT.opening },
      { x: 0.55, y: 0.25, text: 'Logo contrast', resolved: true },
      { x: 0.4, y: 0.45, text: 'Spacing here' },
      { x: 0.8, y: 0.6, text: 'One' },
      { x: 0.803, y: 0.602, text: 'Two' },
      { x: 0.806, y: 0.598, text: 'Three' },
    ]);
    await seedReply(server, image, chats[0]!.id, USER_CONTENT.reply);
    return { image, replied: chats[0]!.id, markers: 3, clusters: 1, total: 6, points: chats.slice(0, 3).map((c) => ({ id: c.id, x: c.x, y: c.y })) };
  })();
  return scene;
}

// A name's initials are what the presence part's avatars show for other viewers (the walk's other pages).
const userContent = (s: string) =>
  /^[\p{N}\p{P}\p{S}\s]*$/u.test(s) ||
  s === USER_CONTENT.opening ||
  s === USER_CONTENT.reply ||
  s === USER_CONTENT.alt ||
  USER_CONTENT.names.includes(s) ||
  USER_CONTENT.names.some((name) => initials(name) === s) ||
  /^(Logo contrast|Spacing here|One|Two|Three)$/.test(s);

let english: Promise<Set<string>> | undefined;

for (const locale of LOCALES) {
  test(`${locale}: no English string is left in any state (image, thread, list, composer, refusal, banner, sheet)`, async ({ browser, server }) => {
    const s = await sceneOn(server);
    english ??= (async () => {
      const page = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale: 'en' });
      const seen = await walkStates(page, s);
      await page.context().close();
      return seen;
    })();
    const page = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale });
    await expect(chatOf(page).locator('.i18n')).toHaveAttribute('lang', locale);
    const seen = await walkStates(page, s);
    const en = [...(await english)].filter((t) => !userContent(t));
    const ours = [...seen].filter((t) => !userContent(t));
    // Not a vacuous pass: the walk saw as many sentences in the locale as in English (give or take one or two merged ones).
    expect(ours.length).toBeGreaterThan(en.length * 0.8);
    const allowed = SAME_AS_ENGLISH[locale] ?? [];
    expect(ours.filter((t) => en.includes(t) && !allowed.includes(t))).toEqual([]);
    await page.context().close();
  });
}

test('no locale attribute: a <div lang="da"> above makes it Danish; the div turned Hebrew, it re-renders right to left; locale="fr" wins over both', async ({ browser, server }) => {
  const s = await sceneOn(server);
  const page = await openImage(browser, server.url, { name: 'Ada', image: s.image });
  await page.evaluate(() => {
    const el = document.querySelector('image-chat')!;
    const div = document.createElement('div');
    div.lang = 'da';
    el.replaceWith(div);
    div.append(el);
  });
  const chat = chatOf(page);
  const toggle = chat.locator('[part~="list-toggle"]');
  const wrapper = chat.locator('.i18n');
  const expectSpeaks = async (language: Language, dir: 'ltr' | 'rtl') => {
    await languageSpoken(page);
    await expect(wrapper).toHaveAttribute('lang', language);
    await expect(wrapper).toHaveAttribute('dir', dir);
    await expect(toggle).toHaveAttribute('aria-label', speak(language).plural(speak(language).text.list.toggle, s.total));
  };
  await expectSpeaks('da', 'ltr');
  await page.evaluate(() => document.querySelector('div[lang]')!.setAttribute('lang', 'he'));
  await expectSpeaks('he', 'rtl');
  expect(await toggle.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
  await chat.evaluate((el) => el.setAttribute('locale', 'fr'));
  await expectSpeaks('fr', 'ltr');
  await page.context().close();
});

/** Where each marker's tip is (fractions of the image) and which way its pin points. */
async function tips(page: Page): Promise<Record<string, { x: number; y: number; tip: string }>> {
  const l = await layoutOf(page);
  const w = l.overlay.right - l.overlay.left;
  const h = l.overlay.bottom - l.overlay.top;
  return Object.fromEntries(
    l.markers.map((m) => {
      const t = tipOf(m);
      return [m.id, { x: (t.x - l.overlay.left) / w, y: (t.y - l.overlay.top) / h, tip: m.tip }];
    }),
  );
}

const direction = (page: Page, selector: string) => chatOf(page).locator(selector).first().evaluate((e) => getComputedStyle(e).direction);

/** Whether a text node's first character is drawn left of its last one (a left-to-right line). */
const drawnLeftToRight = (page: Page, selector: string) =>
  chatOf(page)
    .locator(selector)
    .first()
    .evaluate((e) => {
      const text = document.createTreeWalker(e, NodeFilter.SHOW_TEXT, { acceptNode: (n) => ((n as Text).data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) }).nextNode() as Text;
      const at = (i: number) => {
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        return r.getBoundingClientRect().left;
      };
      return at(0) < at(text.data.trimEnd().length - 1);
    });

for (const locale of ['he', 'ar'] as const) {
  test(`${locale}: thread, composer, list and sheet are right to left; markers stay on their points; a Latin message stays left to right`, async ({ browser, server }) => {
    const s = await sceneOn(server);
    const en = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale: 'en' });
    const ltrTips = await tips(en);
    await en.context().close();

    const page = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale });
    const rtlTips = await tips(page);
    expect(Object.keys(rtlTips).sort()).toEqual(Object.keys(ltrTips).sort());
    for (const p of s.points) {
      // On the stored point, as in English, within a pixel's fraction; the pin points the same way.
      expect(Math.abs(rtlTips[p.id]!.x - p.x)).toBeLessThan(0.002);
      expect(Math.abs(rtlTips[p.id]!.y - p.y)).toBeLessThan(0.002);
      expect(rtlTips[p.id]).toEqual(ltrTips[p.id]);
    }

    const chat = chatOf(page);
    await chat.locator(`[part~="marker"][data-chat-id="${s.replied}"]`).click();
    await expect(chat.locator('[part~="thread"] [part~="comment"]')).toHaveCount(2);
    expect(await direction(page, '[part~="thread"]')).toBe('rtl');
    expect(await direction(page, '[part~="thread"] [part~="composer"]')).toBe('rtl');
    // The message is English: dir="auto" lays it out left to right inside the right-to-left thread.
    await expect(chat.locator('[part~="thread"] [part~="comment"] .text').first()).toHaveAttribute('dir', 'auto');
    expect(await direction(page, '[part~="thread"] [part~="comment"] .text')).toBe('ltr');
    expect(await drawnLeftToRight(page, '[part~="thread"] [part~="comment"] .text')).toBe(true);
    // The thread's head mirrors: its close button is on the left.
    const thread = (await chat.locator('[part~="thread"]').boundingBox())!;
    const close = (await chat.locator('[part~="thread"] .close').boundingBox())!;
    expect(close.x - thread.x).toBeLessThan(thread.x + thread.width - (close.x + close.width));
    await chat.locator('[part~="thread"] .close').click();

    await chat.locator('[part~="list-toggle"]').click();
    expect(await direction(page, '[part~="list"]')).toBe('rtl');
    expect(await drawnLeftToRight(page, '[part~="list"] .entry-text')).toBe(true);
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 375, height: 667 });
    await chat.locator(`[part~="marker"][data-chat-id="${s.replied}"]`).click();
    const sheet = chat.locator('[part~="thread"][data-sheet]');
    await expect(sheet).toBeVisible();
    expect(await direction(page, '[part~="thread"][data-sheet]')).toBe('rtl');
    // Back is at the sheet head's start: the right.
    const back = (await sheet.locator('.back').boundingBox())!;
    expect(back.x + back.width).toBeGreaterThan(375 / 2);
    // And markers on a phone are still where English draws them (the same image point).
    await sheet.locator('.back').click();
    const phoneTips = await tips(page);
    for (const p of s.points) expect(Math.abs(phoneTips[p.id]!.x - p.x)).toBeLessThan(0.005);
    await page.context().close();
  });
}

test('a refusal in the locale: a too-long text in Danish from da.ts, and the server’s rate limit in Danish words, not its English message', async ({ browser }) => {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-e2e-i18n-'));
  const tenants = testTenants(testTenant('strict', { limits: { actionBurst: 1, actionsPerMinute: 1 }, origins: ['http://127.0.0.1:*'] }));
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'e2e.sqlite'), tenants });
  const da = speak('da');
  try {
    const page = await openImage(browser, server.url, { name: 'Ada', image: uniqueImage('refused'), locale: 'da', tenant: 'strict' });
    const chat = chatOf(page);
    const overlay = chat.locator('[part~="overlay"]');
    const box = (await overlay.boundingBox())!;
    await overlay.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } });
    const length = MAX_TEXT_CHARS + 34;
    await chat.locator('[part~="new-chat"] [part~="composer"]').fill('x'.repeat(length));
    await chat.locator('[part~="new-chat"] [part~="send"]').click();
    // `Beskeden er på 2034 tegn; grænsen er 2000.`
    await expect(chat.locator('[part~="new-chat"] .hint[role="alert"]')).toHaveText(da.format(da.text.composer.tooLong, { length, limit: MAX_TEXT_CHARS }));
    await expect(chat.locator('[part~="new-chat"] .counter')).toHaveText(da.plural(da.text.composer.over, 34));
    await page.keyboard.press('Escape');

    const create = (text: string) => chat.evaluate((el, t) => (el as HTMLElement & { createChat(x: number, y: number, t: string): string | undefined }).createChat(0.6, 0.6, t), text);
    expect(await create('Den ene handling minuttet tillader')).toBeUndefined();
    await expect(chat.locator('[part~="marker"]:not([data-pending])')).toHaveCount(1);
    expect(await create('Én for meget')).toBeUndefined(); // sent; the server refuses it
    // With or without the server's wait time, the sentence is the catalog's, whole.
    const sentence = (reason: string) => sentencePattern(da.format(da.text.errors.sentence, { what: da.text.failed.create, reason }));
    const message = chat.locator('[part~="status"] .banner .message');
    await expect(message).toHaveText(new RegExp(`${sentence(da.text.errors.rateLimited).source}|${sentence(da.text.errors.rateLimitedFor).source}`, 'u'));
    await page.context().close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('he: axe finds nothing with a thread open and with the list open', async ({ browser, server }) => {
  const s = await sceneOn(server);
  const page = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale: 'he' });
  const chat = chatOf(page);
  await chat.locator(`[part~="marker"][data-chat-id="${s.replied}"]`).click();
  await expect(chat.locator('[part~="thread"] [part~="comment"]')).toHaveCount(2);
  expect(await axeViolations(page)).toEqual([]);
  await chat.locator('[part~="thread"] .close').click();
  await chat.locator('[part~="list-toggle"]').click();
  await expect(chat.locator('[part~="list"] .entry')).toHaveCount(s.total);
  expect(await axeViolations(page)).toEqual([]);
  await page.context().close();
});

test('de: a message’s time reads as Intl.RelativeTimeFormat("de") says it, three hours on', async ({ browser, server }) => {
  const s = await sceneOn(server);
  const page = await openImage(browser, server.url, { name: 'Ada', image: s.image, locale: 'de' });
  const seeded = await markersOf(page).count();
  expect(seeded).toBe(s.markers);
  // The page's clock three hours after the messages were written (its timers keep running).
  await page.clock.setFixedTime(Date.now() + 3 * 3600_000);
  const chat = chatOf(page);
  await chat.locator(`[part~="marker"][data-chat-id="${s.replied}"]`).click();
  const time = chat.locator('[part~="thread"] [part~="comment"] time').first();
  await expect(time).toHaveText(new Intl.RelativeTimeFormat('de', { numeric: 'auto' }).format(-3, 'hour'));
  await expect(time).toHaveText('vor 3 Stunden');
  await page.context().close();
});
