import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { markers, part, pngOf, pointOf, randomImageId, ready, testServer } from '../../test/support/widget.ts';
import { focusables } from './sheet.ts';

async function make(server: string, width: number, theme = 'light'): Promise<ImageChat> {
  const el = await fixture<ImageChat>(
    html`<image-chat server=${server} image-id=${randomImageId()} src=${pngOf(200, 100)} alt="Test image" theme=${theme} style="width:${width}px"></image-chat>`,
  );
  await ready(el);
  return el;
}

const active = (el: ImageChat) => el.shadowRoot!.activeElement as HTMLElement | null;

async function clickAt(el: ImageChat, fx: number, fy: number): Promise<void> {
  const p = pointOf(el, fx, fy);
  await sendMouse({ type: 'click', position: [Math.round(p.x), Math.round(p.y)] });
}

/** The sheet covers the viewport, is modal and in the top layer, with 44 px controls and 16 px text boxes. */
function expectSheet(sheet: HTMLElement): void {
  expect(sheet.getAttribute('role')).to.equal('dialog');
  expect(sheet.getAttribute('aria-modal')).to.equal('true');
  expect(sheet.hasAttribute('data-sheet')).to.equal(true);
  expect(sheet.matches(':popover-open')).to.equal(true, 'shown in the top layer');
  const r = sheet.getBoundingClientRect();
  expect([r.left, r.top, r.width, r.height]).to.deep.equal([0, 0, innerWidth, innerHeight]);
  for (const control of focusables(sheet)) {
    const b = control.getBoundingClientRect();
    expect(b.width, control.outerHTML.slice(0, 80)).to.be.at.least(44);
    expect(b.height, control.outerHTML.slice(0, 80)).to.be.at.least(44);
  }
  for (const box of sheet.querySelectorAll('textarea')) expect(parseFloat(getComputedStyle(box).fontSize)).to.be.at.least(16);
  expect(sheet.querySelector('.back')?.textContent).to.contain('Back');
}

/** Presses Tab (or Shift+Tab) `n` times and returns what had focus after each. */
async function tabs(el: ImageChat, n: number, shift = false): Promise<(HTMLElement | null)[]> {
  const seen: (HTMLElement | null)[] = [];
  for (let i = 0; i < n; i++) {
    await sendKeys({ press: shift ? 'Shift+Tab' : 'Tab' });
    seen.push(active(el));
  }
  return seen;
}

describe('<image-chat> under 768 px of element width: full-screen sheets', () => {
  let url: string;
  const viewport = { width: innerWidth, height: innerHeight };
  before(async () => {
    url = await testServer();
    await setViewport({ width: 1024, height: 700 });
  });
  after(async () => {
    await setViewport(viewport);
  });
  afterEach(async () => {
    await resetMouse();
  });

  it('the new-conversation composer: a modal sheet, focus in the text box, Tab kept inside, Escape closes and focus returns to the image', async () => {
    const el = await make(url, 500);
    await clickAt(el, 0.4, 0.5);
    await waitUntil(() => part(el, 'composer'), 'the composer did not open');
    const sheet = part(el, 'new-chat')!;
    expectSheet(sheet);
    expect(active(el)).to.equal(part(el, 'composer'));
    const inside = focusables(sheet);
    expect(inside.length).to.be.at.least(4); // back, close, text box, cancel, send
    const forward = await tabs(el, inside.length * 2 + 1);
    expect(forward.every((f) => f && sheet.contains(f))).to.equal(true, 'Tab never leaves the sheet');
    expect(new Set(forward).size).to.equal(inside.length, 'and reaches everything in it');
    const back = await tabs(el, inside.length + 1, true);
    expect(back.every((f) => f && sheet.contains(f))).to.equal(true, 'nor does Shift+Tab');
    // Escape from a button (not the text box) closes the sheet too.
    sheet.querySelector<HTMLElement>('.back')!.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'new-chat')).to.equal(null);
    expect(active(el)).to.equal(part(el, 'overlay'));
  });

  it('a thread: a sheet with Back and close; Back closes it and focus returns to the marker', async () => {
    const el = await make(url, 375);
    el.createChat(0.5, 0.5, 'On a phone');
    await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
    const marker = markers(el)[0]!;
    marker.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'comment'), 'the thread did not open');
    const sheet = part(el, 'thread')!;
    expectSheet(sheet);
    expect(sheet.contains(active(el))).to.equal(true);
    expect(sheet.querySelector('.close')!.getAttribute('aria-label')).to.equal('Close conversation');
    const forward = await tabs(el, focusables(sheet).length + 2);
    expect(forward.every((f) => f && sheet.contains(f))).to.equal(true, 'Tab never leaves the sheet');
    sheet.querySelector<HTMLButtonElement>('.back')!.click();
    await el.updateComplete;
    expect(part(el, 'thread')).to.equal(null);
    expect(active(el)).to.equal(marker);
  });

  it('follows the element, not the viewport: 768 px and wider is a popup again, even while open', async () => {
    const el = await make(url, 800);
    el.createChat(0.5, 0.5, 'Wide');
    await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
    markers(el)[0]!.click();
    await waitUntil(() => part(el, 'comment'));
    const thread = part(el, 'thread')!;
    expect(thread.hasAttribute('data-sheet')).to.equal(false);
    expect(thread.hasAttribute('aria-modal')).to.equal(false);
    expect(thread.querySelector('.back')).to.equal(null);
    expect(thread.getBoundingClientRect().width).to.be.below(innerWidth);
    el.style.width = '767px';
    await waitUntil(() => thread.hasAttribute('data-sheet'), 'no sheet at 767 px');
    await el.updateComplete;
    expect(thread.matches(':popover-open')).to.equal(true);
    expect(thread.getBoundingClientRect().width).to.equal(innerWidth);
    el.style.width = '768px';
    await waitUntil(() => !thread.hasAttribute('data-sheet'), 'still a sheet at 768 px');
    expect(thread.matches(':popover-open')).to.equal(false);
  });

  for (const theme of ['light', 'dark']) {
    it(`axe: the composer and thread sheets have no violations (${theme})`, async () => {
      const el = await make(url, 375, theme);
      el.createChat(0.3, 0.3, 'Axe me');
      await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
      markers(el)[0]!.click();
      await waitUntil(() => part(el, 'comment'));
      await expect(el).to.be.accessible();
      await sendKeys({ press: 'Escape' });
      await clickAt(el, 0.7, 0.7);
      await waitUntil(() => part(el, 'new-chat'));
      await expect(el).to.be.accessible();
    });
  }
});
