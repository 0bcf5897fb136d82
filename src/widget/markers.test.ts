import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { centerOf, drawnCount, markers, otherSpelling, part, parts, pngOf, randomImageId, ready, serverChats, ssoToken, testServer, tipOf } from '../../test/support/widget.ts';

async function make(server: string, image: string, width = 400): Promise<ImageChat> {
  const el = await fixture<ImageChat>(html`<image-chat server=${server} image-id=${image} src=${pngOf(200, 100)} alt="Test image" style="width:${width}px"></image-chat>`);
  await ready(el);
  return el;
}

async function stored(el: ImageChat, n: number): Promise<void> {
  await waitUntil(() => el.chats.length === n && el.chats.every((c) => !c.pending), `${n} conversations were not stored`);
}

describe('<image-chat> markers, clusters and the list', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });
  afterEach(async () => {
    await resetMouse();
  });

  it('leaves the image\'s corner free until there is a conversation to list', async () => {
    const el = await make(url, randomImageId());
    expect(part(el, 'list-toggle')).to.equal(null);
    el.createChat(0.97, 0.05, 'in the corner');
    await stored(el, 1);
    await waitUntil(() => part(el, 'list-toggle') !== null, 'no list toggle once a conversation exists');
  });

  it('names the overlay after a wrapped <img>\'s alt', async () => {
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()}><img src=${pngOf(200, 100)} alt="A wrapped picture" /></image-chat>`);
    await ready(el);
    expect(part(el, 'overlay')!.getAttribute('aria-label')).to.match(/^A wrapped picture: 0 conversations\. Press Enter/);
    el.setAttribute('alt', 'The element says');
    await el.updateComplete;
    expect(part(el, 'overlay')!.getAttribute('aria-label')).to.match(/^The element says: 0 conversations\./);
  });

  it('draws markers that would overlap as one cluster; activating it lists them; a wider element draws them apart', async () => {
    const el = await make(url, randomImageId(), 200);
    el.createChat(0.5, 0.5, 'first');
    await stored(el, 1);
    el.createChat(0.55, 0.55, 'second');
    await stored(el, 2);
    await waitUntil(() => parts(el, 'cluster').length === 1, 'no cluster');
    expect(markers(el)).to.have.length(0);
    const cluster = part(el, 'cluster')!;
    expect(cluster.dataset.count).to.equal('2');
    expect(cluster.getAttribute('aria-label')).to.equal('2 conversations close together: 1 and 2. Show them in a list.');
    cluster.click();
    await el.updateComplete;
    const list = part(el, 'list')!;
    expect(list.querySelectorAll('.entry')).to.have.length(2);
    expect(list.querySelector('.list-title')!.textContent!.trim()).to.equal('2 conversations here');
    expect(cluster.getAttribute('aria-expanded')).to.equal('true');
    (list.querySelector('.show-all') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="list"] fieldset')).to.not.equal(null);
    el.style.width = '800px';
    await waitUntil(() => markers(el).length === 2, 'not drawn apart at 800 px');
    expect(parts(el, 'cluster')).to.have.length(0);
  });

  it('numbers come from the server; one not stored yet shows the next', async () => {
    const image = randomImageId();
    const el = await make(url, image, 600);
    for (const x of [0.1, 0.5]) {
      el.createChat(x, 0.5, `at ${x}`);
      await stored(el, x === 0.1 ? 1 : 2);
    }
    el.deleteChat(el.chats[0]!.id);
    await stored(el, 1);
    expect(markers(el).map((m) => m.textContent!.trim())).to.deep.equal(['2']);
    el.createChat(0.9, 0.5, 'third');
    await el.updateComplete;
    expect(markers(el).map((m) => m.textContent!.trim())).to.deep.equal(['2', '3'], 'shown at once with the next number');
    await stored(el, 2);
    expect((await serverChats(url, image)).map((c) => c.number)).to.deep.equal([2, 3]);
  });

  it('a focused marker keeps its element and focus while others are added and removed', async () => {
    const el = await make(url, randomImageId(), 600);
    for (const [n, x] of [0.1, 0.4, 0.7].entries()) {
      el.createChat(x, 0.5, `at ${x}`);
      await stored(el, n + 1);
    }
    const focused = markers(el)[1]!;
    const id = focused.dataset.chatId;
    focused.focus();
    el.deleteChat(el.chats[0]!.id);
    await stored(el, 2);
    el.createChat(0.05, 0.2, 'before it on the image');
    await stored(el, 3);
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(focused);
    expect(focused.isConnected).to.equal(true);
    expect(focused.dataset.chatId).to.equal(id);
    expect(markers(el).map((m) => m.textContent!.trim())).to.deep.equal(['2', '3', '4']);
  });

  it('only the author may move a marker: M and a drag do nothing on someone else\'s', async () => {
    const image = randomImageId();
    const mine = await make(url, image);
    mine.createChat(0.3, 0.5, 'mine');
    await stored(mine, 1);
    const other = await fixture<ImageChat>(html`<image-chat server=${otherSpelling(url)} image-id=${image} src=${pngOf(200, 100)} style="width:400px"></image-chat>`);
    await ready(other);
    await waitUntil(() => markers(other).length === 1);
    expect(markers(mine)[0]!.hasAttribute('data-movable')).to.equal(true);
    const marker = markers(other)[0]!;
    expect(marker.hasAttribute('data-movable')).to.equal(false);
    expect(marker.hasAttribute('aria-describedby')).to.equal(false);
    marker.focus();
    await sendKeys({ press: 'm' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Alt+ArrowRight' });
    await other.updateComplete;
    expect(marker.hasAttribute('data-moving')).to.equal(false);
    const c = centerOf(marker);
    await sendMouse({ type: 'move', position: [Math.round(c.x), Math.round(c.y)] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [Math.round(c.x) + 60, Math.round(c.y)] });
    expect(marker.hasAttribute('data-moving')).to.equal(false);
    await sendMouse({ type: 'up' });
    expect((await serverChats(url, image))[0]!.x).to.be.closeTo(0.3, 1e-9);
  });

  it('a moderator moves someone else\'s marker from the keyboard; the author sees it move', async () => {
    const image = randomImageId();
    const make = async (token: string, width = 400) => {
      const el = await fixture<ImageChat>(html`<image-chat server=${url} tenant="sso-test" user-token=${token} image-id=${image} src=${pngOf(200, 100)} style="width:${width}px"></image-chat>`);
      await ready(el);
      return el;
    };
    const author = await make(await ssoToken({ name: 'Ada' }, '10m', 'sso-test', 'ada'));
    author.createChat(0.3, 0.5, 'written by Ada');
    await stored(author, 1);
    const mod = await make(await ssoToken({ name: 'Mo', role: 'moderator' }, '10m', 'sso-test', 'mo'));
    await waitUntil(() => markers(mod).length === 1);
    const marker = markers(mod)[0]!;
    expect(marker.hasAttribute('data-movable')).to.equal(true);
    marker.focus();
    await sendKeys({ press: 'm' });
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => Math.abs(author.chats[0]!.x - 0.4) < 1e-9, 'the author did not see it move');
    const stored0 = (await serverChats(url, image, 'sso-test'))[0]!;
    expect(stored0.x).to.be.closeTo(0.4, 1e-9);
    expect(stored0.author.name).to.equal('Ada');
  });

  it('a press that moves less than the threshold is a click; a drag is not', async () => {
    const image = randomImageId();
    const el = await make(url, image);
    el.createChat(0.3, 0.5, 'press me');
    await stored(el, 1);
    const marker = markers(el)[0]!;
    const c = centerOf(marker);
    await sendMouse({ type: 'move', position: [Math.round(c.x), Math.round(c.y)] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [Math.round(c.x) + 3, Math.round(c.y)] });
    await sendMouse({ type: 'up' });
    await waitUntil(() => part(el, 'thread'), 'a small wobble did not open the thread');
    expect((await serverChats(url, image))[0]!.x).to.be.closeTo(0.3, 1e-9);
    part<HTMLButtonElement>(el, 'thread')!.querySelector<HTMLButtonElement>('.close')!.click();
    await el.updateComplete;
    const tip = tipOf(markers(el)[0]!);
    await sendMouse({ type: 'move', position: [Math.round(c.x), Math.round(c.y)] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [Math.round(c.x) + 20, Math.round(c.y)] });
    await sendMouse({ type: 'move', position: [Math.round(c.x) + 40, Math.round(c.y)] });
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    // Shown at once where it was dropped (optimistic), before the server answers.
    expect(tipOf(markers(el)[0]!).x - tip.x).to.be.closeTo(40, 1);
    expect(part(el, 'thread')).to.equal(null);
    await waitUntil(async () => Math.abs((await serverChats(url, image))[0]!.x - (0.3 + 40 / 400)) < 0.003, 'the move was not stored');
  });

  it('hide-resolved hides resolved markers (an integrator may set it); the list toggle opens and Escape closes the list', async () => {
    const el = await make(url, randomImageId(), 600);
    el.createChat(0.2, 0.5, 'open one');
    await stored(el, 1);
    el.createChat(0.7, 0.5, 'resolved one');
    await stored(el, 2);
    const second = el.chats[1]!;
    markers(el)[1]!.click();
    await waitUntil(() => part(el, 'resolve'));
    part<HTMLButtonElement>(el, 'resolve')!.click();
    await waitUntil(() => el.chats[1]!.resolved && !el.chats[1]!.pending);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    // Focus went back to its marker, which stays drawn while focused; move on.
    expect(el.shadowRoot!.activeElement).to.equal(markers(el)[1]);
    part(el, 'overlay')!.focus();
    el.setAttribute('hide-resolved', '');
    await waitUntil(() => markers(el).length === 1, 'the resolved marker is still drawn');
    expect(drawnCount(el)).to.equal(1);
    expect(markers(el)[0]!.dataset.chatId).to.not.equal(second.id);
    const toggle = part<HTMLButtonElement>(el, 'list-toggle')!;
    expect(toggle.getAttribute('aria-label')).to.equal('2 conversations: show the list');
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const box = el.shadowRoot!.querySelector<HTMLInputElement>('[part~="list"] .hide-resolved input')!;
    expect(box.checked).to.equal(true);
    box.click();
    await el.updateComplete;
    expect(el.hasAttribute('hide-resolved')).to.equal(false);
    expect(markers(el)).to.have.length(2);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'list')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(toggle);
  });
});
