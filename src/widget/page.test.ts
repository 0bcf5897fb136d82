import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../index.ts';
import type { Chat } from '../protocol/messages.ts';
import type { ImageChat } from './image-chat.ts';
import { pngOf, randomImageId, ready, testServer } from '../../test/support/widget.ts';

/** The `owner` tenant's API key: WTR_API_KEY in scripts/wtr-test-server.mjs (test only). */
const OWNER_KEY = 'wtr-owner-api-key-0123456789';

interface Listed {
  image: string;
  page: string | null;
  chat: Chat;
}

describe('<image-chat> and the page it is on', () => {
  const before = location.href;
  afterEach(() => history.replaceState(null, '', before));

  it("sends the page's address, without its hash, with a new conversation; only the site owner's API lists it", async () => {
    const url = await testServer();
    const image = randomImageId();
    // A hash is the page's own state (often a token): it must stay in the browser.
    history.replaceState(null, '', `${location.pathname}${location.search}#access_token=secret`);
    const el = await fixture<ImageChat>(html`<image-chat server=${url} tenant="owner" image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
    await ready(el);
    const created = oneEvent(el, 'image-chat-created');
    expect(el.createChat(0.5, 0.5, 'from this page')).to.equal(undefined);
    const { detail } = (await created) as CustomEvent<{ chat: Chat; local: boolean }>;
    expect(detail.local).to.equal(true);
    expect(detail.chat).to.not.have.property('page');

    const res = await fetch(`${url}/api/v1/tenants/owner/chats?limit=100`, { headers: { authorization: `Bearer ${OWNER_KEY}` } });
    expect(res.status).to.equal(200);
    const listed = ((await res.json()) as { chats: Listed[] }).chats.find((c) => c.image === image);
    expect(listed?.chat.id).to.equal(detail.chat.id);
    expect(listed?.page).to.equal(before.split('#')[0]);
    expect(listed?.page).to.not.contain('secret');
  });
});
