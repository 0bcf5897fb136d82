import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { readCache, writeCache } from '../sync/cache.ts';
import { socketUrl } from '../sync/connection.ts';
import { loadParts } from './parts-loader.ts';
import { drawnCount, markers, otherSpelling, part, pngOf, randomImageId, ready, testServer } from '../../test/support/widget.ts';

/** A server nobody answers on (connection refused at once). */
const NOWHERE = 'http://127.0.0.1:9';

function counter(type: string): { count: () => number; stop: () => void } {
  let n = 0;
  const on = () => n++;
  document.addEventListener(type, on);
  return { count: () => n, stop: () => document.removeEventListener(type, on) };
}

describe('<image-chat> offline and catching up', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });

  it('paints from the cache with no server at all; the thread is readable and every action is refused with a reason', async () => {
    const image = randomImageId();
    const author = { id: 'g_someone', name: 'Someone' };
    const chat = { id: 'c1', x: 0.3, y: 0.6, author, createdAt: Date.now(), resolved: false, comments: [{ id: 'k1', author, text: 'From the cache', createdAt: Date.now() }] };
    await writeCache([socketUrl(NOWHERE, 'demo'), image], { epoch: 'e', seq: 3, chats: [{ chat, seq: 3 }] });
    const errors = counter('image-chat-error');
    try {
      const el = await fixture<ImageChat>(html`<image-chat server=${NOWHERE} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
      await waitUntil(() => markers(el).length === 1, 'the cached marker was not painted');
      // The cache paints before the first socket fails; until that failure is processed the status
      // is still `connecting`, whose hint differs. Wait for the state this test is about.
      await waitUntil(() => el.status === 'reconnecting' || el.status === 'offline', 'the refused socket was not noticed');
      expect(el.loaded).to.equal(false, 'the cache is not the server');
      // Acting comes with the lazily loaded parts (before-parts.test.ts covers an action asked for sooner).
      await loadParts();
      const refused = el.createChat(0.5, 0.5, 'new one');
      expect(refused).to.match(/not connected/i);
      expect(errors.count()).to.equal(1);
      expect(markers(el)).to.have.length(1, 'nothing optimistic was added');
      markers(el)[0]!.click();
      await waitUntil(() => part(el, 'comment'), 'the thread did not open');
      expect(part(el, 'comment')!.textContent).to.contain('From the cache');
      const composer = part<HTMLTextAreaElement>(el, 'composer')!;
      expect(composer.disabled).to.equal(true);
      expect(el.shadowRoot!.querySelector('[part~="thread"] .hint')?.textContent).to.match(/can’t post, reply or delete/);
    } finally {
      errors.stop();
    }
  });

  it('writes what it confirmed to the cache, and a later visit subscribes from there and replays only what it missed', async () => {
    const image = randomImageId();
    const first = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
    await ready(first);
    expect(first.createChat(0.1, 0.1, 'seen before leaving')).to.equal(undefined);
    const key = [socketUrl(url, 'demo'), image] as const;
    await waitUntil(async () => (await readCache(key))?.seq === 1, 'the cache was not written', { timeout: 3000 });
    first.remove();

    // Someone else (another connection) adds two while we are away.
    const other = await fixture<ImageChat>(html`<image-chat server=${otherSpelling(url)} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
    await ready(other);
    other.createChat(0.5, 0.5, 'missed one');
    // Conversations made in the same millisecond are ordered by id (the same on every client), so wait a confirm.
    await waitUntil(() => other.chats.length === 2 && other.chats.every((c) => !c.pending), 'the first was not stored');
    other.createChat(0.6, 0.6, 'missed two');
    await waitUntil(() => other.chats.length === 3 && other.chats.every((c) => !c.pending), 'the other element did not store its two');
    other.remove();

    const created = counter('image-chat-created');
    try {
      const back = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${image} src=${pngOf(200, 100)}></image-chat>`);
      await ready(back);
      // Drawn as markers or, where they would overlap on this small image, a cluster.
      await waitUntil(() => drawnCount(back) === 3, 'the missed conversations did not arrive');
      // A replay fires one event per missed conversation; a snapshot would fire none; a repeat would fire more.
      expect(created.count()).to.equal(2);
      expect(back.chats.map((c) => c.comments[0]?.text)).to.deep.equal(['seen before leaving', 'missed one', 'missed two']);
      await waitUntil(async () => (await readCache(key))?.seq === 3, 'the cache did not move on');
    } finally {
      created.stop();
    }
  });
});
