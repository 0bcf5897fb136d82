// What an element does before its lazily loaded parts (parts.ts) have arrived: a click on the image is
// not lost but handed to placing once they have, at the point clicked; an action asked for through its
// methods is made once they are here (acting comes with them), and refused then for what it is (not
// connected), in the reader's words. A page of its own, so nothing has loaded them before; the server
// address answers nothing, so the element never gets online and never preloads them.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { part, pngOf, randomImageId } from '../../test/support/widget.ts';

describe('<image-chat> before the parts arrive', () => {
  it('hands a click on the image to placing, and an action to acting, once they have', async () => {
    const el = await fixture<ImageChat>(html`<image-chat locale="da" server="http://127.0.0.1:9" image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    await el.localeReady;
    const overlay = part(el, 'overlay')!;
    await waitUntil(() => overlay.getBoundingClientRect().width === 200, 'the image was never measured');
    expect(loadedParts(), 'the parts were here before anything was done').to.equal(undefined);

    const refusals: string[] = [];
    expect(el.createChat(0.5, 0.5, 'Hej', (reason) => refusals.push(reason)), 'answered before the parts are here').to.equal(undefined);
    expect(loadedParts(), 'the parts were here at once: nothing was waited for').to.equal(undefined);
    const box = overlay.getBoundingClientRect();
    overlay.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: box.left + 50, clientY: box.top + 75 }));

    await waitUntil(() => part(el, 'new-chat'), 'the click was lost: no text box opened');
    const ghost = part(el, 'placing')!;
    expect(ghost.style.left).to.equal('25%');
    expect(ghost.style.top).to.equal('75%');
    // The action asked for before was made once they were here: refused for what it is, in Danish, in
    // the banner and to its `refused`; one asked for now is refused at once.
    await waitUntil(() => /Du har ingen forbindelse/.test(part(el, 'status')!.textContent!), `not in Danish: "${part(el, 'status')!.textContent}"`);
    expect(refusals).to.have.length(1);
    expect(refusals[0]).to.match(/Du har ingen forbindelse/);
    expect(el.createChat(0.5, 0.5, 'Hej')).to.match(/Du har ingen forbindelse/);
  });
});
