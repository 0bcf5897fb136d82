// Sign-in lifetime as the element lives it, in real Chromium against a real server whose clock the
// test moves (scripts/wtr-test-server.mjs): a fresh user-token renews the sign-in on the same socket
// with nothing lost; a token left to expire ends in words; a fresh one after that brings it back.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { clockedServer, markers, part, pngOf, randomImageId, ready, ssoToken } from '../../test/support/widget.ts';

const TENANT = 'sso-test';
/** The server accepts a token this long past its exp (clock differences between sites). */
const TOLERANCE_MS = 30_000;

const userOf = (el: ImageChat) => (el as unknown as { sync: { user?: { id: string; name: string } } }).sync.user;
const banner = (el: ImageChat) => part(el, 'status')?.textContent?.trim() ?? '';

/** A token for `sub` that ends `seconds` after now on the server's clock. */
async function tokenFor(sub: string, name: string, seconds: number): Promise<string> {
  const now = await clockedServer.now();
  return ssoToken({ name }, Math.floor(now / 1000) + seconds, TENANT, sub);
}

function element(url: string, image: string, token: string): Promise<ImageChat> {
  return fixture<ImageChat>(html`<image-chat server=${url} tenant=${TENANT} user-token=${token} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
}

describe('<image-chat> sign-in lifetime', () => {
  let url: string;
  before(async () => {
    url = await clockedServer.url();
  });

  it('setting a fresh user-token renews the sign-in on the same socket; subscriptions and posting go on', async () => {
    const image = randomImageId();
    const el = await element(url, image, await tokenFor('ada', 'Ada', 600));
    await ready(el);
    const statuses: string[] = [];
    el.addEventListener('image-chat-status', (e) => statuses.push((e as CustomEvent<{ status: string }>).detail.status));
    const before = await clockedServer.sockets(TENANT);

    el.setAttribute('user-token', await tokenFor('ada', 'Ada Renewed', 3600));
    await waitUntil(() => userOf(el)?.name === 'Ada Renewed', 'the renewed sign-in was not welcomed');
    expect(await clockedServer.sockets(TENANT)).to.deep.equal(before, 'no socket opened or closed');
    expect(statuses).to.deep.equal([], 'it never left online');
    expect(el.status).to.equal('online');

    // Still subscribed: someone else's marker arrives; and our own post carries the renewed name.
    const bob = await element(url, image, await tokenFor('bob', 'Bob', 600));
    await ready(bob);
    expect(bob.createChat(0.3, 0.3, 'from Bob')).to.equal(undefined);
    await waitUntil(() => markers(el).length === 1, 'the renewed connection no longer hears the image');
    expect(el.createChat(0.6, 0.6, 'after renewal')).to.equal(undefined);
    await waitUntil(() => bob.chats.some((c) => c.comments[0]?.text === 'after renewal' && c.author.name === 'Ada Renewed'), 'the post after renewal did not arrive as Ada Renewed');
  });

  it('a token left to expire ends with the status and banner saying so in words; a fresh token brings it back', async () => {
    const el = await element(url, randomImageId(), await tokenFor('eve', 'Eve', 60));
    await ready(el);
    await clockedServer.advance(60_000 + TOLERANCE_MS + 1_000);
    await waitUntil(() => el.status === 'offline' && /sign-in has expired/.test(banner(el)), `not ended in words; status ${el.status}, banner "${banner(el)}"`, { timeout: 4000 });
    expect(el.createChat(0.5, 0.5, 'too late')).to.match(/not connected/i);

    el.setAttribute('user-token', await tokenFor('eve', 'Eve', 600));
    await ready(el);
    expect(userOf(el)?.id).to.equal('u:eve');
  });
});
