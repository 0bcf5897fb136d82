// Shared steps of the language spec: the catalogs as the widget formats them, every string an
// element shows or says, and one walk through the element's states that collects them.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { I18n } from '../../src/widget/i18n/i18n.ts';
import { en } from '../../src/widget/i18n/en.ts';
import type { Catalog, Language } from '../../src/widget/i18n/catalog.ts';
import ar from '../../src/widget/i18n/locales/ar.ts';
import da from '../../src/widget/i18n/locales/da.ts';
import de from '../../src/widget/i18n/locales/de.ts';
import es from '../../src/widget/i18n/locales/es.ts';
import fr from '../../src/widget/i18n/locales/fr.ts';
import he from '../../src/widget/i18n/locales/he.ts';
import ja from '../../src/widget/i18n/locales/ja.ts';
import { chatOf, clustersOf, markersOf } from './marker-helpers.ts';

const CATALOGS: Readonly<Record<Language, Catalog>> = { en, da, he, de, es, fr, ar, ja };

/** A language as the widget speaks it (the same I18n class, here in Node's Intl). */
export const speak = (language: Language) => new I18n(language, language, CATALOGS[language]);

/** A catalog sentence as a whole-string pattern: its placeholders stand for any number. */
export function sentencePattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\d\\p{Nd}.,  ]+')}$`, 'u');
}

/**
 * Every string the element shows or says, whitespace collapsed: text of rendered elements (the
 * visually hidden ones screen readers read included; display:none excluded) and the aria-label,
 * placeholder and title of rendered elements, through every shadow root inside it.
 */
export function shownStrings(page: Page): Promise<string[]> {
  return chatOf(page).evaluate((host) => {
    const out = new Set<string>();
    const add = (s: string | null) => {
      const v = s?.replace(/\s+/g, ' ').trim();
      if (v) out.add(v);
    };
    const visit = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let n: Node | null = walker.nextNode(); n; n = walker.nextNode()) {
        if (n instanceof Text) {
          if (n.parentElement?.checkVisibility()) add(n.data);
          continue;
        }
        const el = n as Element;
        if (el.checkVisibility()) for (const name of ['aria-label', 'placeholder', 'title']) add(el.getAttribute(name));
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(host.shadowRoot!);
    return [...out];
  });
}

export interface Scene {
  /** The conversation with a reply from someone else. */
  readonly replied: string;
  /** How many markers and clusters the image draws. */
  readonly markers: number;
  readonly clusters: number;
  /** How many conversations the image has. */
  readonly total: number;
}

/**
 * The same walk in any language (parts and classes, never words, find things): the image with
 * markers and a cluster; a thread with a reply; the list; a new conversation with a text over the
 * limit and the question before discarding it; the offline banner; a thread as a phone's sheet.
 * Returns every string seen on the way.
 */
export async function walkStates(page: Page, scene: Scene): Promise<Set<string>> {
  const seen = new Set<string>();
  const take = async () => (await shownStrings(page)).forEach((s) => seen.add(s));
  const chat = chatOf(page);
  const thread = chat.locator('[part~="thread"]');
  await expect(markersOf(page)).toHaveCount(scene.markers);
  await expect(clustersOf(page)).toHaveCount(scene.clusters);
  await take();

  await chat.locator(`[part~="marker"][data-chat-id="${scene.replied}"]`).click();
  await expect(thread.locator('[part~="comment"]')).toHaveCount(2);
  await take();
  await thread.locator('.close').click();
  await expect(thread).toHaveCount(0);

  await chat.locator('[part~="list-toggle"]').click();
  const list = chat.locator('[part~="list"]');
  await expect(list.locator('.entry')).toHaveCount(scene.total);
  await take();
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);

  const overlay = chat.locator('[part~="overlay"]');
  const box = (await overlay.boundingBox())!;
  await overlay.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } });
  const newChat = chat.locator('[part~="new-chat"]');
  await newChat.locator('[part~="composer"]').fill('x'.repeat(2050));
  await newChat.locator('[part~="send"]').click();
  await expect(newChat.locator('.hint[role="alert"]')).toBeVisible();
  await expect(newChat.locator('.counter.over')).toBeVisible();
  await take();
  await newChat.locator('.actions .secondary').click();
  await expect(newChat.locator('[part~="confirm"]')).toBeVisible();
  await take();
  await newChat.locator('[part~="confirm"] .danger').click();
  await expect(newChat).toHaveCount(0);

  await page.context().setOffline(true);
  await expect(chat.locator('[part~="status"] .banner')).toBeVisible();
  await take();
  await page.context().setOffline(false);
  await expect(chat).toHaveAttribute('status', 'online');

  const wide = page.viewportSize()!;
  await page.setViewportSize({ width: 375, height: 667 });
  await chat.locator(`[part~="marker"][data-chat-id="${scene.replied}"]`).click();
  await expect(thread).toHaveAttribute('data-sheet', /.*/);
  await expect(thread.locator('[part~="comment"]')).toHaveCount(2);
  await take();
  await thread.locator('.back').click();
  await expect(thread).toHaveCount(0);
  await page.setViewportSize(wide);
  return seen;
}
