// A click on the image before the lazily loaded parts (parts.ts) have arrived is not lost: the element
// hands it to placing once they have, at the point clicked. A page of its own, so nothing has loaded them
// before; the server address answers nothing, so the element stays offline and never preloads them.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { part, pngOf, randomImageId } from '../../test/support/widget.ts';

describe('<image-chat> placing before the parts arrive', () => {
  it('opens the text box where the image was clicked once they have', async () => {
    const el = await fixture<ImageChat>(html`<image-chat server="http://127.0.0.1:9" image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    const overlay = part(el, 'overlay')!;
    await waitUntil(() => overlay.getBoundingClientRect().width === 200, 'the image was never measured');
    expect(loadedParts(), 'the parts were here before the click').to.equal(undefined);
    const box = overlay.getBoundingClientRect();
    overlay.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: box.left + 50, clientY: box.top + 75 }));
    await waitUntil(() => part(el, 'new-chat'), 'the click was lost: no text box opened');
    const ghost = part(el, 'placing')!;
    expect(ghost.style.left).to.equal('25%');
    expect(ghost.style.top).to.equal('75%');
    // Not online: the text box says why nothing can be posted yet.
    expect(part(el, 'new-chat')!.textContent).to.match(/\S/);
  });
});
