import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { openConnectionCount } from '../sync/registry.ts';
import { markers, otherSpelling, part, parts, pngOf, randomImageId, ready, serverChats, testServer } from '../../test/support/widget.ts';

async function make(server: string, image: string, extra: { readonly?: boolean; width?: number } = {}): Promise<ImageChat> {
  const el = await fixture<ImageChat>(
    html`<image-chat server=${server} image-id=${image} src=${pngOf(200, 100)} ?readonly=${extra.readonly} style="width:${extra.width ?? 400}px"></image-chat>`,
  );
  await ready(el);
  return el;
}

async function saved(el: ImageChat, count: number): Promise<void> {
  await waitUntil(() => markers(el).length === count && markers(el).every((m) => !m.hasAttribute('data-pending')), `expected ${count} saved markers`);
}

describe('<image-chat> threads', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });

  it('opens a thread as a dialog with focus inside; Escape closes it and focus returns to the marker', async () => {
    // 768 px or wider: a popup inside the element (narrower ones open a sheet: sheet.test.ts).
    const viewport = { width: innerWidth, height: innerHeight };
    await setViewport({ width: 1024, height: 768 });
    const el = await make(url, randomImageId(), { width: 800 });
    el.createChat(0.5, 0.5, 'first');
    await saved(el, 1);
    const marker = markers(el)[0]!;
    marker.click();
    await waitUntil(() => part(el, 'comment'));
    const thread = part(el, 'thread')!;
    expect(thread.getAttribute('role')).to.equal('dialog');
    expect(thread.getAttribute('aria-label')).to.match(/Conversation 1 by/);
    expect(thread.contains(el.shadowRoot!.activeElement)).to.equal(true);
    const c = part(el, 'comment')!;
    expect(c.querySelector('.author')!.textContent).to.equal('Guest');
    expect(c.querySelector('time')!.textContent).to.match(/now|second/);
    // popup kept inside the element's box
    const host = el.getBoundingClientRect();
    const box = thread.getBoundingClientRect();
    expect(box.left).to.be.at.least(host.left);
    expect(box.right).to.be.at.most(host.right + 0.5);
    expect(box.bottom).to.be.at.most(host.bottom + 0.5);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'thread')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(marker);
    await setViewport(viewport);
  });

  it('replies, resolves and deletes live across elements', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    a.createChat(0.3, 0.3, 'question');
    await saved(b, 1);
    markers(b)[0]!.click();
    await waitUntil(() => part(b, 'comment'));

    // A replies from its thread; B's open thread shows it live
    markers(a)[0]!.click();
    await waitUntil(() => part(a, 'composer'));
    const updated = oneEvent(b, 'image-chat-updated');
    part<HTMLTextAreaElement>(a, 'composer')!.focus();
    await sendKeys({ type: 'answer' });
    await sendKeys({ press: 'Enter' });
    const ev = await updated;
    expect(ev.detail.local).to.equal(false);
    await waitUntil(() => parts(b, 'comment').length === 2);
    expect(parts(b, 'comment')[1]!.querySelector('.text')!.textContent).to.equal('answer');
    expect(parts(a, 'comment')).to.have.length(2);

    // B resolves (anyone may); A sees it
    part(b, 'resolve')!.click();
    await waitUntil(() => markers(a)[0]!.hasAttribute('data-resolved'));

    // A (the author) deletes; B's marker goes and its open thread closes
    const deleted = oneEvent(b, 'image-chat-deleted');
    part(a, 'delete')!.click();
    await a.updateComplete;
    expect(markers(a)).to.have.length(0);
    expect(part(a, 'thread')).to.equal(null);
    const d = await deleted;
    expect(d.detail.local).to.equal(false);
    await waitUntil(() => markers(b).length === 0 && part(b, 'thread') === null);
    expect(await serverChats(url, image)).to.have.length(0);
  });

  it('deletes own comments only', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    a.createChat(0.6, 0.6, 'one');
    await saved(b, 1);
    expect(b.reply(markers(b)[0]!.dataset.chatId!, 'from b')).to.equal(undefined);
    await waitUntil(() => (b.chats[0]?.comments.length ?? 0) === 2 && !b.chats[0]!.pending);
    markers(b)[0]!.click();
    await waitUntil(() => parts(b, 'comment').length === 2);
    const buttons = parts(b, 'comment').map((c) => c.querySelector('[part~="comment-delete"]'));
    expect(buttons[0]).to.equal(null);
    expect(buttons[1]).to.not.equal(null);
    (buttons[1] as HTMLButtonElement).click();
    await waitUntil(() => parts(b, 'comment').length === 1);
    await waitUntil(async () => (await serverChats(url, image))[0]?.comments.length === 1);
  });

  it('refuses actions at once while not online, and says so', async () => {
    const el = await fixture<ImageChat>(
      html`<image-chat server="http://127.0.0.1:9" image-id=${randomImageId()} src=${pngOf(200, 100)} style="width:400px"></image-chat>`,
    );
    expect(el.status).to.not.equal('online');
    const error = oneEvent(el, 'image-chat-error');
    const why = el.createChat(0.5, 0.5, 'hello');
    expect(why).to.match(/not connected/i);
    const ev = await error;
    expect(ev.detail.code).to.equal('unavailable');
    await el.updateComplete;
    expect(markers(el)).to.have.length(0);
    expect(part(el, 'status')!.getAttribute('aria-live')).to.equal('polite');
    expect(part(el, 'status')!.textContent).to.match(/not connected/i);
    await waitUntil(() => el.status === 'reconnecting' || el.status === 'offline');
    expect(el.getAttribute('status')).to.equal(el.status);
  });

  it('readonly: no composer on click, no reply box or delete in threads', async () => {
    const image = randomImageId();
    const writer = await make(url, image);
    writer.createChat(0.5, 0.5, 'look');
    const el = await make(otherSpelling(url), image, { readonly: true });
    await saved(el, 1);
    part(el, 'overlay')!.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5, clientY: 5 }));
    await el.updateComplete;
    expect(part(el, 'composer')).to.equal(null);
    markers(el)[0]!.click();
    await waitUntil(() => part(el, 'comment'));
    expect(part(el, 'composer')).to.equal(null);
    expect(part(el, 'delete')).to.equal(null);
    expect(el.createChat(0.1, 0.1, 'x')).to.match(/read-only/);
  });

  it('shares one connection between elements on the same server, closed when the last goes', async () => {
    const before = openConnectionCount();
    const a = await make(url, randomImageId());
    const b = await make(url, randomImageId());
    expect(openConnectionCount()).to.equal(before + 1);
    a.remove();
    expect(openConnectionCount()).to.equal(before + 1);
    b.remove();
    expect(openConnectionCount()).to.equal(before);
  });

  it('applies the theme through data-theme', async () => {
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()} theme="dark"></image-chat>`);
    expect(el.getAttribute('data-theme')).to.equal('dark');
    el.theme = 'light';
    await el.updateComplete;
    expect(el.getAttribute('data-theme')).to.equal('light');
  });
});
