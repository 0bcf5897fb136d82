import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../index.ts';
import type { RecentChat } from '../api.ts';
import type { DashboardRecentChats, DeleteRequest } from './recent-chats.ts';

const at = Date.parse('2026-11-25T10:00:00.000Z');
const ada = { id: 'g:ada', name: 'Ada' };
const bo = { id: 'g:bo', name: 'Bo' };

function recent(id: string, image: string, page: string | null, texts: string[]): RecentChat {
  return {
    image,
    page,
    lastActivity: new Date(at + texts.length * 1000).toISOString(),
    chat: {
      id,
      x: 0.5,
      y: 0.5,
      author: ada,
      createdAt: at,
      resolved: false,
      comments: texts.map((text, i) => ({ id: `${id}-c${i}`, author: i === 0 ? ada : bo, text, createdAt: at + i * 1000 })),
    },
  };
}

describe('<dashboard-recent-chats>', () => {
  it('shows text, authors, times, the page link and the image; every message is text, never markup', async () => {
    const chats = [
      recent('c1', 'https://shop.example/mockup.png', 'https://shop.example/checkout', ['Is this button <b>too small</b>?', 'Yes, make it 44px.']),
      recent('c2', 'mockup-7', 'javascript:alert(1)', ['<img src=x onerror=alert(1)>']),
    ];
    const el = await fixture<DashboardRecentChats>(html`<dashboard-recent-chats .chats=${chats}></dashboard-recent-chats>`);
    const items = el.shadowRoot!.querySelectorAll('[part="chat"]');
    expect(items.length).to.equal(2);
    const first = items[0]!;
    expect(first.getAttribute('data-chat-id')).to.equal('c1');
    expect(first.textContent).to.contain('Is this button <b>too small</b>?');
    expect(first.querySelector('b')).to.equal(null);
    expect(first.textContent).to.contain('Ada');
    expect(first.textContent).to.contain('Bo');
    expect(first.querySelector('[part="comment"] time')!.getAttribute('datetime')).to.equal(new Date(at).toISOString());
    expect(first.querySelector<HTMLAnchorElement>('a[href="https://shop.example/checkout"]')!.rel).to.contain('noopener');
    expect(first.querySelector<HTMLImageElement>('img')!.src).to.equal('https://shop.example/mockup.png');
    // Not http(s): no link, no <img> from it.
    const second = items[1]!;
    expect(second.querySelector('a')).to.equal(null);
    expect(second.querySelector('img')).to.equal(null);
    expect(second.textContent).to.contain('<img src=x onerror=alert(1)>');
    await expect(el).to.be.accessible({ ignoredRules: ['image-alt'] });
  });

  it('asks to delete a conversation or a reply (never the opening message on its own)', async () => {
    const chats = [recent('c1', 'img-1', null, ['Opening words here', 'A reply'])];
    const el = await fixture<DashboardRecentChats>(html`<dashboard-recent-chats .chats=${chats}></dashboard-recent-chats>`);
    const comments = el.shadowRoot!.querySelectorAll('[part="comment"]');
    expect(comments[0]!.querySelector('[part="delete-comment"]')).to.equal(null);
    const replyDelete = comments[1]!.querySelector<HTMLButtonElement>('[part="delete-comment"]')!;
    let asked = oneEvent(el, 'dashboard-delete');
    replyDelete.click();
    expect((await asked).detail as DeleteRequest).to.deep.equal({ image: 'img-1', chatId: 'c1', commentId: 'c1-c1', what: 'the comment “A reply” by Bo' });
    asked = oneEvent(el, 'dashboard-delete');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="delete-chat"]')!.click();
    expect((await asked).detail as DeleteRequest).to.deep.equal({
      image: 'img-1',
      chatId: 'c1',
      what: 'the conversation “Opening words here” by Ada and its 1 reply',
    });
    // Each button's name says what it deletes.
    expect(el.shadowRoot!.querySelector('[part="delete-chat"]')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Delete conversation “Opening words here” by Ada',
    );
    expect(el.deleteButton('c1-c1')).to.equal(replyDelete);
    el.busy = 'c1-c1';
    await el.updateComplete;
    expect(replyDelete.disabled).to.equal(true);
  });

  it('folds long threads, and says when there is nothing', async () => {
    const el = await fixture<DashboardRecentChats>(
      html`<dashboard-recent-chats .chats=${[recent('c1', 'i', null, ['a', 'b', 'c', 'd', 'e'])]}></dashboard-recent-chats>`,
    );
    expect(el.shadowRoot!.querySelector('summary')!.textContent).to.equal('4 replies');
    el.chats = [];
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('No conversations yet.');
    el.chats = undefined;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Loading…');
  });
});
