// `image-chat/element` (src/element.ts): the class without registering it, for a page that picks its own tag.
import { expect, fixture, waitUntil } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { ImageChat } from '../element.ts';
import { part, pngOf, randomImageId, ready, testServer } from '../../test/support/widget.ts';

describe('image-chat/element', () => {
  it('registers nothing when imported', () => {
    expect(customElements.get('image-chat')).to.equal(undefined);
    expect(customElements.get('image-chat-thread')).to.equal(undefined);
  });

  it('works under a tag the page chooses, defining its popup when its parts arrive', async () => {
    customElements.define('review-pins', ImageChat);
    const url = await testServer();
    const tag = unsafeStatic('review-pins');
    const el = (await fixture(staticHtml`<${tag} server=${url} image-id=${randomImageId()} src=${pngOf(200, 100)}></${tag}>`)) as ImageChat;
    expect(el instanceof ImageChat).to.equal(true);
    expect(customElements.get('image-chat')).to.equal(undefined);
    await ready(el);
    expect(customElements.get('image-chat-thread') !== undefined).to.equal(true);
    await waitUntil(() => el.status === 'online', 'never online');
    expect(part(el, 'overlay')).to.exist;
  });
});
