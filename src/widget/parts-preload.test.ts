// Where the reader does not save data, the parts (parts.ts) arrive once the browser is idle after the
// element is online, with nothing clicked: a page that was online once can open threads offline. A page
// of its own, so nothing has loaded them before.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { pngOf, randomImageId, testServer } from '../../test/support/widget.ts';

describe('<image-chat> parts fetched when idle', () => {
  it('arrive after the element is online, without anything being pointed at or opened', async () => {
    const url = await testServer();
    expect(loadedParts()).to.equal(undefined);
    const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    await waitUntil(() => el.status === 'online', 'never online');
    await waitUntil(() => loadedParts() !== undefined, 'the parts were not fetched when the browser was idle');
    expect(customElements.get('image-chat-thread')).to.not.equal(undefined);
  });
});
