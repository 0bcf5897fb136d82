// What an element does before its lazily loaded parts (parts.ts) have arrived: a click on the image is
// not lost but handed to placing once they have, at the point clicked; an action asked for through its
// methods is refused as not ready yet (acting comes with the parts), then, once they are here, refused
// for what it is (not connected), in the reader's words. A page of its own, so nothing has loaded them
// before; the server address answers nothing, so the element never gets online and never preloads them.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { part, pngOf, randomImageId } from '../../test/support/widget.ts';

describe('<image-chat> before the parts arrive', () => {
  it('hands a click on the image to placing once they have, and refuses an action as not ready until then', async () => {
    const el = await fixture<ImageChat>(html`<image-chat locale="da" server="http://127.0.0.1:9" image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    await el.localeReady;
    const overlay = part(el, 'overlay')!;
    await waitUntil(() => overlay.getBoundingClientRect().width === 200, 'the image was never measured');
    expect(loadedParts(), 'the parts were here before anything was done').to.equal(undefined);

    expect(el.createChat(0.5, 0.5, 'Hej')).to.equal('Chatten indlæses stadig. Prøv igen om et øjeblik.');
    const box = overlay.getBoundingClientRect();
    overlay.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: box.left + 50, clientY: box.top + 75 }));

    await waitUntil(() => part(el, 'new-chat'), 'the click was lost: no text box opened');
    const ghost = part(el, 'placing')!;
    expect(ghost.style.left).to.equal('25%');
    expect(ghost.style.top).to.equal('75%');
    // Here now: the same action is refused for what it is, in Danish, and said in the banner too.
    expect(el.createChat(0.5, 0.5, 'Hej')).to.match(/Du har ingen forbindelse/);
    await waitUntil(() => /Du har ingen forbindelse/.test(part(el, 'status')!.textContent!), `not in Danish: "${part(el, 'status')!.textContent}"`);
  });
});
