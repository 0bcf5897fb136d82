// Tenants, sign-in and read-only as the element shows them, against the real
// test server (scripts/wtr-test-server.mjs configures these tenants).
import { expect, fixture, html, waitUntil, aTimeout } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { part, pngOf, randomImageId, ready, ssoToken as token, testServer } from '../../test/support/widget.ts';

async function element(server: string, tenant: string, userToken?: string, readonly = false): Promise<ImageChat> {
  return fixture<ImageChat>(
    html`<image-chat server=${server} tenant=${tenant} user-token=${userToken ?? ''} ?readonly=${readonly} image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`,
  );
}

const banner = (el: ImageChat) => part(el, 'status')!.textContent!.trim();

/** Refused for good: offline, the reason in words, and no more tries over the next moment. */
async function refused(el: ImageChat, words: RegExp): Promise<void> {
  await waitUntil(() => el.status === 'offline' && words.test(banner(el)), `not refused in words; banner: "${banner(el)}"`, { timeout: 4000 });
  await aTimeout(1200); // longer than the first backoff steps: a retry would show "connecting"/"reconnecting"
  expect(el.status).to.equal('offline');
  expect(banner(el)).to.match(words);
}

describe('<image-chat> tenants and sign-in', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });

  it('an unknown tenant is refused, and the element says so in words', async () => {
    await refused(await element(url, 'no-such-tenant'), /no tenant "no-such-tenant"/);
  });

  it("a tenant that does not allow this page's origin is refused in words", async () => {
    await refused(await element(url, 'elsewhere'), /origin may not use tenant "elsewhere"/);
  });

  it('a valid user-token signs in as that user', async () => {
    const el = await element(url, 'sso-test', await token({ name: 'Ada Lovelace' }));
    await ready(el);
    const user = (el as unknown as { sync: { user?: { id: string; name: string; kind: string } } }).sync.user;
    expect(user).to.include({ id: 'u:ada', name: 'Ada Lovelace', kind: 'user' });
    expect(el.viewOnly).to.equal(false);
  });

  it('an expired user-token is refused with words, without hammering reconnects', async () => {
    await refused(await element(url, 'sso-test', await token({ name: 'Ada' }, Math.floor(Date.now() / 1000) - 3600)), /sign-in has expired/);
  });

  it("another tenant's token is refused", async () => {
    await refused(await element(url, 'sso-test', await token({ name: 'Ada' }, '10m', 'demo')), /not valid here/);
  });

  it('a read-only token views but cannot post, and the server agrees', async () => {
    const el = await element(url, 'sso-test', await token({ name: 'Viewer', readonly: true }));
    await ready(el);
    expect(el.viewOnly).to.equal(true);
    expect(banner(el)).to.match(/view these conversations but not post/);
    expect(el.createChat(0.5, 0.5, 'let me in')).to.match(/view/);
  });

  it('a guest keeps their identity across a reload and can still delete their own conversation', async () => {
    const image = randomImageId();
    const make = () => fixture<ImageChat>(html`<image-chat server=${url} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
    const first = await make();
    await ready(first);
    const userOf = (el: ImageChat) => (el as unknown as { sync: { user?: { id: string } } }).sync.user?.id;
    const id = userOf(first);
    expect(first.createChat(0.4, 0.4, 'mine')).to.equal(undefined);
    await waitUntil(() => first.chats.length === 1 && !first.chats[0]!.pending, 'not saved');
    const chatId = first.chats[0]!.id;
    first.remove(); // the last element lets go: the socket closes, like a page unload
    await aTimeout(50);
    const second = await make();
    await ready(second);
    expect(userOf(second)).to.equal(id);
    expect(second.deleteChat(chatId)).to.equal(undefined);
    // The optimistic removal shows at once; wait for the server's word (the ack), not just the view.
    const stored = async () => ((await (await fetch(`${url}/api/v1/tenants/demo/images/${encodeURIComponent(image)}/chats`)).json()) as { chats: unknown[] }).chats;
    await waitUntil(async () => (await stored()).length === 0, 'the delete was not stored', { timeout: 3000 });
    expect(second.chats).to.have.length(0, 'and it was not rolled back');
  });

  it('where guests may only view, a guest is read-only and told why', async () => {
    const el = await element(url, 'viewers');
    await ready(el);
    expect(el.viewOnly).to.equal(true);
    expect(banner(el)).to.match(/Guests can view but not post here/);
    expect(part(el, 'overlay')!.getAttribute('aria-label')).not.to.match(/Press Enter/);
  });
});
