import { expect, fixture, html, oneEvent, waitUntil, aTimeout } from '@open-wc/testing';
import { sendKeys, sendMouse, resetMouse } from '@web/test-runner-commands';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import {
  centerOf,
  markers,
  otherSpelling,
  part,
  pngOf,
  pointOf,
  randomImageId,
  ready,
  serverChats,
  testServer,
  tipOf,
} from '../../test/support/widget.ts';

async function make(server: string, image: string, width = 400): Promise<ImageChat> {
  const el = await fixture<ImageChat>(
    html`<image-chat server=${server} image-id=${image} src=${pngOf(200, 100)} alt="Test image" style="width:${width}px"></image-chat>`,
  );
  await ready(el);
  return el;
}

async function clickAt(el: ImageChat, fx: number, fy: number): Promise<void> {
  const p = pointOf(el, fx, fy);
  await sendMouse({ type: 'click', position: [Math.round(p.x), Math.round(p.y)] });
}

async function composerOpen(el: ImageChat): Promise<HTMLTextAreaElement> {
  await waitUntil(() => part(el, 'composer'), 'composer did not open');
  return part<HTMLTextAreaElement>(el, 'composer')!;
}

/** Fraction of the overlay at which a marker's tip (the placing ring's centre) is drawn. */
function markerFraction(el: ImageChat, marker: HTMLElement): { x: number; y: number } {
  const r = part(el, 'overlay')!.getBoundingClientRect();
  const c = marker.matches('[part~="marker"]') ? tipOf(marker) : centerOf(marker);
  return { x: (c.x - r.left) / r.width, y: (c.y - r.top) / r.height };
}

describe('<image-chat> against the real server', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });
  afterEach(async () => {
    await resetMouse();
  });

  it('gets online and reflects status', async () => {
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    expect(el.getAttribute('status')).to.be.oneOf(['connecting', 'online']);
    if (el.status !== 'online') {
      const ev = await oneEvent(el, 'image-chat-status');
      expect(ev.detail.status).to.equal('online');
    }
    await el.updateComplete;
    expect(el.getAttribute('status')).to.equal('online');
    expect(part(el, 'status')!.textContent!.trim()).to.equal('');
  });

  it('places a conversation by click: marker at that fraction, stored on the server', async () => {
    const image = randomImageId();
    const el = await make(url, image);
    await clickAt(el, 0.25, 0.6);
    const box = await composerOpen(el);
    expect(el.shadowRoot!.activeElement).to.equal(box);
    const created = oneEvent(el, 'image-chat-created');
    await sendKeys({ type: 'Hello there' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'composer')).to.equal(null);
    expect(markers(el)).to.have.length(1); // shown at once, before or after the ack
    const ev = await created;
    expect(ev.detail.local).to.equal(true);
    expect(ev.detail.chat.comments[0].text).to.equal('Hello there');
    await waitUntil(() => markers(el)[0]?.dataset.chatId === ev.detail.chat.id && !markers(el)[0]?.hasAttribute('data-pending'));
    const m = markers(el)[0]!;
    const f = markerFraction(el, m);
    const overlay = part(el, 'overlay')!.getBoundingClientRect();
    expect(Math.abs(f.x - 0.25) * overlay.width).to.be.below(1);
    expect(Math.abs(f.y - 0.6) * overlay.height).to.be.below(1);
    expect(m.textContent!.trim()).to.equal('1');
    expect(m.getAttribute('aria-label')).to.contain('Hello there');
    const stored = await serverChats(url, image);
    expect(stored).to.have.length(1);
    expect(stored[0]!.x).to.be.closeTo(0.25, 0.005);
    expect(stored[0]!.y).to.be.closeTo(0.6, 0.01);
    expect(stored[0]!.comments[0]!.text).to.equal('Hello there');
    expect(stored[0]!.id).to.equal(ev.detail.chat.id);
  });

  it('keeps the overlay on the letterboxed content and markers on their point when resized', async () => {
    const image = randomImageId();
    const style = document.createElement('style');
    style.textContent = 'image-chat.lb::part(image){height:400px;object-fit:contain}';
    document.head.append(style);
    try {
      const el = await make(url, image);
      el.classList.add('lb');
      // 200×100 image in a 400×400 box: content is 400×200 at y=100.
      await waitUntil(() => Math.abs(el.getBoundingClientRect().height - 400) < 1, 'image box not 400px high');
      await waitUntil(
        () => Math.abs(part(el, 'overlay')!.getBoundingClientRect().top - el.getBoundingClientRect().top - 100) < 1,
        'overlay not letterboxed',
      );
      const host = el.getBoundingClientRect();
      const o = part(el, 'overlay')!.getBoundingClientRect();
      expect(o.top - host.top).to.be.closeTo(100, 1);
      expect(o.width).to.be.closeTo(400, 1);

      // a click in the top bar does nothing
      await sendMouse({ type: 'click', position: [Math.round(host.left + 200), Math.round(host.top + 40)] });
      await el.updateComplete;
      expect(part(el, 'composer')).to.equal(null);

      expect(el.createChat(0.3, 0.7, 'resize me')).to.equal(undefined);
      await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
      for (const width of [250, 520]) {
        el.style.width = `${width}px`;
        await waitUntil(() => Math.abs(part(el, 'overlay')!.getBoundingClientRect().width - width) < 1, `overlay not resized to ${width}`);
        const ov = part(el, 'overlay')!.getBoundingClientRect();
        const c = tipOf(markers(el)[0]!);
        expect(Math.abs(c.x - (ov.left + 0.3 * ov.width))).to.be.at.most(1);
        expect(Math.abs(c.y - (ov.top + 0.7 * ov.height))).to.be.at.most(1);
        // still letterboxed: the 400px-high box keeps bars above and below
        expect(ov.height).to.be.closeTo(width / 2, 1);
        expect(ov.top - el.getBoundingClientRect().top).to.be.closeTo((400 - width / 2) / 2, 1);
      }
    } finally {
      style.remove();
    }
  });

  it('wraps a slotted <img> and derives the image id from its URL', async () => {
    const src = pngOf(200, 100);
    const el = await fixture<ImageChat>(
      html`<image-chat server=${url}><img src=${src} alt="slotted" style="width:300px;border:5px solid red" /></image-chat>`,
    );
    await ready(el);
    expect(part(el, 'image')).to.equal(null);
    const img = el.querySelector('img')!.getBoundingClientRect();
    const o = part(el, 'overlay')!.getBoundingClientRect();
    expect(o.left).to.be.closeTo(img.left + 5, 1);
    expect(o.top).to.be.closeTo(img.top + 5, 1);
    expect(o.width).to.be.closeTo(300, 1);
    expect(o.height).to.be.closeTo(150, 1);
    expect(el.effectiveImageId.startsWith('data:image/png')).to.equal(true);
    expect(el.effectiveImageId.length).to.be.at.most(512);
  });

  it('shows a marker made in one element in another, and never duplicates the echo in the maker', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    const seen = oneEvent(b, 'image-chat-created');
    const localEvents: boolean[] = [];
    a.addEventListener('image-chat-created', (e) => localEvents.push((e as CustomEvent).detail.local));
    expect(a.createChat(0.5, 0.5, 'from A')).to.equal(undefined);
    await a.updateComplete;
    expect(markers(a)).to.have.length(1);
    expect(markers(a)[0]!.hasAttribute('data-pending')).to.equal(true); // shown at once, before the ack
    const ev = await seen;
    expect(ev.detail.local).to.equal(false);
    expect(ev.detail.chat.comments[0].text).to.equal('from A');
    await waitUntil(() => markers(b).length === 1);
    await waitUntil(() => localEvents.length === 1);
    await aTimeout(150); // time for the echo to arrive and (wrongly) add a second marker
    expect(markers(a)).to.have.length(1);
    expect(markers(b)).to.have.length(1);
    expect(localEvents).to.deep.equal([true]);
    expect(markers(a)[0]!.dataset.chatId).to.equal(markers(b)[0]!.dataset.chatId);
  });

  it('rolls back a refused delete and says why', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image); // another guest identity
    a.createChat(0.2, 0.2, 'mine');
    await waitUntil(() => markers(b).length === 1);
    const id = markers(b)[0]!.dataset.chatId!;

    // the author sees the delete button, the other guest does not
    markers(a)[0]!.click();
    await waitUntil(() => part(a, 'thread') && part(a, 'delete'));
    markers(b)[0]!.click();
    await waitUntil(() => part(b, 'thread') && part(b, 'comment'));
    expect(part(b, 'delete')).to.equal(null);

    const error = oneEvent(b, 'image-chat-error');
    expect(b.deleteChat(id)).to.equal(undefined);
    await b.updateComplete;
    expect(markers(b)).to.have.length(0); // optimistic
    const ev = await error;
    expect(ev.detail.code).to.equal('forbidden');
    await b.updateComplete;
    expect(markers(b)).to.have.length(1); // restored
    expect(markers(b)[0]!.dataset.chatId).to.equal(id);
    expect(part(b, 'status')!.textContent).to.contain('not deleted');
    expect((await serverChats(url, image)).map((c) => c.id)).to.deep.equal([id]);
  });

  it('Enter sends, Shift+Enter adds a newline, Escape closes keeping the draft, Cancel discards it after asking', async () => {
    const image = randomImageId();
    const el = await make(url, image);
    await clickAt(el, 0.7, 0.3);
    await composerOpen(el);
    await sendKeys({ type: 'draft' });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'composer')).to.equal(null);
    expect(markers(el)).to.have.length(0);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'overlay'));

    // The draft comes back wherever the next conversation is started; Cancel asks before throwing it away.
    await clickAt(el, 0.2, 0.6);
    let box = await composerOpen(el);
    expect(box.value).to.equal('draft');
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="new-chat"] button')].find((b) => b.textContent!.trim() === 'Cancel')!.click();
    await waitUntil(() => part(el, 'confirm'), 'no question before discarding');
    expect(part(el, 'confirm')!.getAttribute('role')).to.equal('alertdialog');
    expect(el.shadowRoot!.activeElement!.textContent!.trim()).to.equal('Keep writing');
    await sendKeys({ press: 'Escape' }); // keeps it
    await el.updateComplete;
    expect(part(el, 'confirm')).to.equal(null);
    expect(part<HTMLTextAreaElement>(el, 'composer')!.value).to.equal('draft');
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="new-chat"] button')].find((b) => b.textContent!.trim() === 'Cancel')!.click();
    await waitUntil(() => part(el, 'confirm'));
    part(el, 'confirm')!.querySelector<HTMLButtonElement>('.danger')!.click();
    await el.updateComplete;
    expect(part(el, 'composer')).to.equal(null);

    // An empty composer closes at once.
    await clickAt(el, 0.7, 0.3);
    box = await composerOpen(el);
    expect(box.value).to.equal('');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'composer')).to.equal(null);

    await clickAt(el, 0.7, 0.3);
    box = await composerOpen(el);
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(box.value).to.equal('line one\nline two');
    expect(markers(el)).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
    const stored = await serverChats(url, image);
    expect(stored[0]!.comments[0]!.text).to.equal('line one\nline two');
  });

  it('refuses blank and too-long text in the UI, in words', async () => {
    const el = await make(url, randomImageId());
    await clickAt(el, 0.5, 0.5);
    const box = await composerOpen(el);
    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.match(/write a message/i);
    box.value = 'x'.repeat(2001);
    part(el, 'send')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.contain('2000');
    expect(markers(el)).to.have.length(0);
  });

  it('places from the keyboard: Enter at the centre, arrows move, Enter opens the composer', async () => {
    const image = randomImageId();
    const el = await make(url, image);
    part(el, 'overlay')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const ghost = part(el, 'placing')!;
    expect(ghost).to.not.equal(null);
    let f = markerFraction(el, ghost);
    expect(f.x).to.be.closeTo(0.5, 0.01);
    expect(f.y).to.be.closeTo(0.5, 0.01);
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    f = markerFraction(el, part(el, 'placing')!);
    expect(f.x).to.be.closeTo(0.6, 0.01);
    expect(f.y).to.be.closeTo(0.52, 0.01);
    expect(part(el, 'composer')).to.equal(null);
    await sendKeys({ press: 'Enter' });
    const box = await composerOpen(el);
    expect(el.shadowRoot!.activeElement).to.equal(box);
    await sendKeys({ type: 'by keyboard' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
    const [stored] = await serverChats(url, image);
    expect(stored!.x).to.be.closeTo(0.6, 1e-9);
    expect(stored!.y).to.be.closeTo(0.52, 1e-9);
  });

  it('renders message text as text, never HTML', async () => {
    const image = randomImageId();
    const el = await make(url, image);
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    el.createChat(0.4, 0.4, evil);
    await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'));
    markers(el)[0]!.click();
    await waitUntil(() => part(el, 'comment'));
    const comment = part(el, 'comment')!;
    expect(comment.querySelector('.text')!.textContent).to.equal(evil);
    expect(comment.querySelector('img, b')).to.equal(null);
    await aTimeout(50);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
