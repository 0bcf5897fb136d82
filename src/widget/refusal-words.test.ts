// A connection refused for good is said in the reader's words, which come with the lazily loaded parts
// (i18n/error-reason.ts): the banner says nothing until they have arrived, never the server's English
// first. A page of its own, so nothing has loaded them before.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from './image-chat.ts';
import { loadedParts } from './parts-loader.ts';
import { part, pngOf, randomImageId, testServer } from '../../test/support/widget.ts';

describe('<image-chat> a refusal before the parts arrive', () => {
  it('is said in Danish once the words are here, and in no other words before', async () => {
    const url = await testServer();
    expect(loadedParts()).to.equal(undefined);
    const el = await fixture<ImageChat>(html`<image-chat locale="da" server=${url} tenant="no-such-tenant" image-id=${randomImageId()} src=${pngOf(200, 100)}></image-chat>`);
    const status = part(el, 'status')!;
    const seen = new Set<string>();
    const observer = new MutationObserver(() => seen.add(status.textContent!.trim()));
    observer.observe(status, { subtree: true, childList: true, characterData: true });
    const danish = 'Dette websted er ikke sat op på chatserveren (id »no-such-tenant«).';
    await waitUntil(() => status.textContent!.trim() === danish, `not refused in Danish: "${status.textContent}"`, { timeout: 4000 });
    observer.disconnect();
    expect(el.status).to.equal('offline');
    expect(loadedParts(), 'the words came without the parts').to.not.equal(undefined);
    expect([...seen].filter((text) => /tenant/i.test(text) && text !== danish), 'said in other words first').to.deep.equal([]);
  });
});
