// The parts most visitors never open (thread, text boxes, list, sheet: parts.ts) arrive on first use for a
// reader who saves data (otherwise also when the browser is idle: parts-preload.test.ts). This file runs in
// a page of its own, so nothing has loaded them before it; `ready()` is not used here, since it loads them.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { Connection, socketUrl } from '../sync/connection.ts';
import { markers, otherSpelling, part, pngOf, randomImageId, testServer } from '../../test/support/widget.ts';

// Save-Data on: no fetching while idle.
Object.defineProperty(navigator, 'connection', { value: { saveData: true }, configurable: true });

describe('<image-chat> parts loaded on first use', () => {
  it('shows markers and their live changes without them, fetches them when pointed at, then opens a thread', async () => {
    const url = await testServer();
    const image = randomImageId();
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${image} src=${pngOf(200, 100)} alt="Test image"></image-chat>`);
    await waitUntil(() => el.status === 'online' && el.loaded, 'never online with a snapshot');

    // Someone else posts (a socket of its own, the sync layer without any widget part).
    const other = new Connection(socketUrl(otherSpelling(url), 'demo'), 'image-chat:parts-test-guest');
    try {
      await waitUntil(() => other.status === 'online', 'the other connection never got online');
      await other.send({ type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: 0.4, y: 0.4, text: 'posted before any popup was opened' });
    } finally {
      other.close();
    }
    await waitUntil(() => el.chats.length === 1, 'the conversation did not arrive');
    await el.updateComplete;
    expect(markers(el)).to.have.length(1);
    expect(loadedParts()).to.equal(undefined);
    expect(customElements.get('image-chat-thread')).to.equal(undefined);

    part(el, 'overlay')!.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await waitUntil(() => loadedParts() !== undefined, 'pointing at the element did not fetch the parts');
    expect(customElements.get('image-chat-thread')).to.not.equal(undefined);

    markers(el)[0]!.click();
    await waitUntil(() => part(el, 'thread')?.textContent?.includes('posted before any popup was opened'), 'the thread did not open');
    // thread.styles.ts arrived with the parts (a custom element is inline unless styled).
    expect(getComputedStyle(part(el, 'thread')!.querySelector('image-chat-composer')!).display).to.equal('block');
  });

  it('once the page has the parts, the element posts, and a click opens the thread in the same turn (no fetch to wait for)', async () => {
    const url = await testServer();
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    await waitUntil(() => el.status === 'online' && el.loaded, 'never online with a snapshot');
    el.createChat(0.5, 0.5, 'second element');
    await waitUntil(() => el.chats.length === 1 && !el.chats[0]!.pending, 'not stored');
    await el.updateComplete;
    markers(el)[0]!.click();
    await el.updateComplete;
    expect(part(el, 'thread')).to.not.equal(null);
  });
});
