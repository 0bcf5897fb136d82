// Inside a conversation, against the real server: edit in place, the first message,
// deleting with a question, a thread deleted under its reader, Tab kept inside,
// a long thread's header, drafts per thread, and unread activity on the markers.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { markers, otherSpelling, part, parts, pngOf, randomImageId, ready, serverChats, testServer } from '../../test/support/widget.ts';

async function make(server: string, image: string): Promise<ImageChat> {
  const el = await fixture<ImageChat>(html`<image-chat server=${server} image-id=${image} src=${pngOf(200, 100)} style="width:400px"></image-chat>`);
  await ready(el);
  return el;
}

async function saved(el: ImageChat, count: number): Promise<void> {
  await waitUntil(() => markers(el).length === count && markers(el).every((m) => !m.hasAttribute('data-pending')), `expected ${count} saved markers`);
}

async function open(el: ImageChat, index = 0): Promise<HTMLElement> {
  markers(el)[index]!.click();
  await waitUntil(() => part(el, 'thread') && part(el, 'composer'), 'thread did not open');
  return part<HTMLElement>(el, 'thread')!;
}

const active = (el: ImageChat) => el.shadowRoot!.activeElement;
/** Short enough for an assertion message (chai's own rendering of a live element can take forever). */
const describe_ = (e: Element | null) => (e ? `${e.localName}${e.getAttribute('part') ? `[part=${e.getAttribute('part')}]` : ''} "${e.textContent!.trim().slice(0, 30)}"` : 'nothing');
const texts = (el: ImageChat) => parts(el, 'comment').map((c) => c.querySelector('.text')?.textContent);

describe('<image-chat> inside a thread', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });

  it('edits a message in place: optimistic here, live there, marked edited; Escape leaves the edit, not the thread', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    a.createChat(0.5, 0.5, 'Teh button');
    await saved(b, 1);
    await open(b);
    expect(part(b, 'edit')).to.equal(null); // not b's message
    await open(a);
    const edit = part<HTMLButtonElement>(a, 'edit')!;
    expect(edit.getAttribute('aria-label')).to.equal('Edit this message');
    edit.click();
    await waitUntil(() => part(a, 'comment')!.querySelector('textarea'));
    const box = part(a, 'comment')!.querySelector('textarea')!;
    expect(active(a) === box, `focus is on ${describe_(active(a))}`).to.equal(true);
    expect(box.value).to.equal('Teh button');
    await sendKeys({ type: 'x' });
    await sendKeys({ press: 'Escape' });
    await a.updateComplete;
    expect(part(a, 'thread')).to.not.equal(null);
    expect(texts(a)).to.deep.equal(['Teh button']);
    expect(active(a) === part(a, 'edit'), `focus is on ${describe_(active(a))}`).to.equal(true);

    part<HTMLButtonElement>(a, 'edit')!.click();
    await waitUntil(() => part(a, 'comment')!.querySelector('textarea'));
    const again = part(a, 'comment')!.querySelector('textarea')!;
    again.value = 'The button';
    again.focus();
    await sendKeys({ press: 'Enter' });
    await a.updateComplete;
    expect(texts(a)).to.deep.equal(['The button']); // at once
    expect(part(a, 'comment')!.querySelector('.edited')!.textContent).to.equal('edited');
    expect(active(a) === part(a, 'edit'), `focus is on ${describe_(active(a))}`).to.equal(true);
    await waitUntil(() => texts(b)[0] === 'The button', 'the edit did not reach the other element');
    expect(part(b, 'comment')!.querySelector('.edited')).to.not.equal(null);
    await waitUntil(async () => (await serverChats(url, image))[0]!.comments[0]!.text === 'The button');
  });

  it('offers no Delete on the first message, only on replies', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    a.createChat(0.5, 0.5, 'opening');
    await saved(a, 1);
    a.reply(markers(a)[0]!.dataset.chatId!, 'a reply');
    await waitUntil(() => a.chats[0]!.comments.length === 2 && !a.chats[0]!.pending);
    await open(a);
    const [first, second] = parts(a, 'comment');
    expect(first!.querySelector('[part~="comment-delete"]')).to.equal(null);
    expect(first!.querySelector('[part~="edit"]')).to.not.equal(null);
    expect(second!.querySelector('[part~="comment-delete"]')).to.not.equal(null);
  });

  it('asks before deleting a conversation others replied to', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    a.createChat(0.4, 0.4, 'mine');
    await saved(b, 1);
    b.reply(markers(b)[0]!.dataset.chatId!, 'theirs');
    await waitUntil(() => (a.chats[0]?.comments.length ?? 0) === 2 && !b.chats[0]!.pending);
    await open(a);

    part(a, 'delete')!.click();
    await waitUntil(() => part(a, 'confirm'), 'no question');
    const confirm = part(a, 'confirm')!;
    expect(confirm.getAttribute('role')).to.equal('alertdialog');
    expect(confirm.textContent).to.match(/Delete this conversation for everyone\?/);
    expect(active(a)!.textContent!.trim()).to.equal('Keep it');
    await sendKeys({ press: 'Escape' });
    await a.updateComplete;
    expect(part(a, 'confirm')).to.equal(null);
    expect(part(a, 'thread')).to.not.equal(null); // Escape answered the question only
    expect(markers(a)).to.have.length(1);
    await waitUntil(() => active(a) === part(a, 'delete'), `focus is on ${describe_(active(a))}`);

    part(a, 'delete')!.click();
    await waitUntil(() => part(a, 'confirm'));
    [...part(a, 'confirm')!.querySelectorAll('button')].find((x) => x.textContent!.trim() === 'Delete conversation')!.click();
    await a.updateComplete;
    expect(markers(a)).to.have.length(0);
    await waitUntil(() => markers(b).length === 0);
    expect(await serverChats(url, image)).to.have.length(0);
  });

  it('tells the reader of a thread someone else deleted, and keeps focus in the element', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    const b = await make(otherSpelling(url), image);
    a.createChat(0.4, 0.4, 'going away');
    a.createChat(0.6, 0.6, 'staying');
    await saved(b, 2);
    await open(b, 0);
    part<HTMLTextAreaElement>(b, 'composer')!.focus();
    await sendKeys({ type: 'a reply that will have nowhere to go' });
    expect(a.deleteChat(markers(a)[0]!.dataset.chatId!)).to.equal(undefined);

    await waitUntil(() => part(b, 'thread') === null, 'the reader’s thread did not close');
    expect(part(b, 'status')!.textContent).to.contain('Conversation 1 was deleted by someone else.');
    expect(part(b, 'status')!.getAttribute('aria-live')).to.equal('polite');
    await waitUntil(() => active(b) === part(b, 'overlay'), `focus is on ${describe_(active(b))}`);
    expect(markers(b)).to.have.length(1);
  });

  it('keeps Tab inside the open thread', async () => {
    const el = await make(url, randomImageId());
    el.createChat(0.5, 0.5, 'round and round');
    await saved(el, 1);
    const thread = await open(el);
    const close = thread.querySelector<HTMLElement>('.close')!;
    for (let i = 0; i < 12; i++) {
      await sendKeys({ press: 'Tab' });
      expect(thread.contains(active(el)), `Tab ${i + 1} left the thread`).to.equal(true);
    }
    close.focus();
    await sendKeys({ press: 'Shift+Tab' });
    expect(thread.contains(active(el))).to.equal(true);
    expect(active(el)).to.not.equal(close);
    await sendKeys({ press: 'Tab' });
    expect(active(el) === close, `focus is on ${describe_(active(el))}`).to.equal(true);
  });

  it('a long thread keeps its header and close button in view; the messages scroll', async () => {
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()} src=${pngOf(400, 200)} style="width:800px"></image-chat>`);
    await ready(el);
    el.createChat(0.5, 0.2, 'long one');
    await saved(el, 1);
    const id = markers(el)[0]!.dataset.chatId!;
    for (let i = 1; i <= 14; i++) el.reply(id, `reply ${i} with enough words to take a line or two of the popup`);
    await waitUntil(() => el.chats[0]!.comments.length === 15 && !el.chats[0]!.pending, 'replies not saved', { timeout: 4000 });
    const thread = await open(el);
    const list = thread.querySelector<HTMLElement>('.comments')!;
    expect(list.scrollHeight).to.be.greaterThan(list.clientHeight);
    list.scrollTop = 0;
    list.scrollTop = list.scrollHeight;
    const box = thread.getBoundingClientRect();
    const close = thread.querySelector('.close')!.getBoundingClientRect();
    expect(thread.scrollTop).to.equal(0);
    expect(close.top).to.be.at.least(box.top);
    expect(close.bottom).to.be.at.most(box.bottom);
    const reply = part(el, 'composer')!.getBoundingClientRect();
    expect(reply.bottom).to.be.at.most(box.bottom + 0.5);

    // A narrow element: the thread is a full-screen sheet; its messages scroll under a header that stays at its top.
    el.style.width = '400px';
    await waitUntil(() => thread.hasAttribute('data-sheet'), 'the narrow element shows no sheet');
    const sheetList = thread.querySelector<HTMLElement>('.comments')!;
    sheetList.scrollTop = sheetList.scrollHeight;
    const sheet = thread.getBoundingClientRect();
    const head = thread.querySelector('.close')!.getBoundingClientRect();
    expect(head.top).to.be.at.least(sheet.top - 0.5);
    expect(head.bottom).to.be.at.most(Math.min(sheet.bottom, window.innerHeight));
  });

  it('keeps each thread its own reply draft', async () => {
    const el = await make(url, randomImageId());
    el.createChat(0.3, 0.3, 'one');
    el.createChat(0.7, 0.7, 'two');
    await saved(el, 2);
    await open(el, 0);
    part(el, 'composer')!.focus();
    await sendKeys({ type: 'answer to one' });
    await open(el, 1);
    expect(part<HTMLTextAreaElement>(el, 'composer')!.value).to.equal('');
    part(el, 'composer')!.focus();
    await sendKeys({ type: 'to two' });
    part<HTMLButtonElement>(el, 'thread')!.querySelector<HTMLButtonElement>('.close')!.click();
    await el.updateComplete;
    await open(el, 0);
    expect(part<HTMLTextAreaElement>(el, 'composer')!.value).to.equal('answer to one');
    await open(el, 1);
    expect(part<HTMLTextAreaElement>(el, 'composer')!.value).to.equal('to two');
  });

  it('lays each message out by its own direction', async () => {
    const el = await make(url, randomImageId());
    el.createChat(0.5, 0.5, 'שלום, מה שלומך?');
    await saved(el, 1);
    await open(el);
    const text = part(el, 'comment')!.querySelector('.text')!;
    expect(text.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(text).direction).to.equal('rtl');
    // The reply box: empty, in the widget's language's direction; written in, in its text's own.
    const box = part<HTMLTextAreaElement>(el, 'composer')!;
    expect(box.getAttribute('dir')).to.equal('ltr');
    box.focus();
    await sendKeys({ type: 'תודה' });
    await (box.closest('image-chat-composer') as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    expect(box.getAttribute('dir')).to.equal('auto');
    expect(getComputedStyle(box).direction).to.equal('rtl');
  });

  it('marks unread activity and the reply count on markers, kept across a reload', async () => {
    const image = randomImageId();
    const a = await make(url, image);
    let b = await make(otherSpelling(url), image);
    a.createChat(0.5, 0.5, 'news');
    await saved(b, 1);
    const id = markers(b)[0]!.dataset.chatId!;
    await waitUntil(() => markers(b)[0]!.dataset.unread === '1', 'no unread on the other element');
    expect(markers(b)[0]!.dataset.replies).to.equal('0');
    expect(markers(b)[0]!.getAttribute('aria-label')).to.contain('1 unread message.');
    await waitUntil(() => markers(a)[0]!.dataset.replies === '0');
    expect(markers(a)[0]!.hasAttribute('data-unread')).to.equal(false); // its own message

    await open(b);
    await b.updateComplete;
    expect(markers(b)[0]!.hasAttribute('data-unread')).to.equal(false);
    part(b, 'thread')!.querySelector<HTMLButtonElement>('.close')!.click();

    a.reply(id, 'more news');
    a.reply(id, 'and more');
    await waitUntil(() => markers(b)[0]!.dataset.replies === '2' && markers(b)[0]!.dataset.unread === '2', 'replies not counted');
    expect(markers(b)[0]!.getAttribute('aria-label')).to.contain('2 replies. 2 unread messages.');
    const badge = (el: ImageChat) => getComputedStyle(markers(el)[0]!, '::before');
    // The reply count's badge takes the unread colour (--image-chat-unread-color's default) while something is unread.
    expect(badge(b).content).to.equal('"2"');
    expect(badge(b).backgroundColor).to.equal('rgb(185, 28, 28)');

    // A reload (a new element on the same page) remembers what this browser saw.
    b.remove();
    b = await make(otherSpelling(url), image);
    await waitUntil(() => markers(b)[0]?.dataset.unread === '2', 'unread not kept');
    await open(b);
    b.remove();
    b = await make(otherSpelling(url), image);
    await waitUntil(() => markers(b)[0]?.dataset.replies === '2');
    await b.updateComplete;
    expect(markers(b)[0]!.hasAttribute('data-unread')).to.equal(false);
    expect(badge(b).backgroundColor, 'nothing unread: the popups\' colours').to.equal('rgb(255, 255, 255)');
  });
});
