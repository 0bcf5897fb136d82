import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import { embedSnippets } from '../../protocol/embed.ts';
import type { DashboardEmbedCode } from './embed-code.ts';

const snippet = (el: DashboardEmbedCode, kind: string) => el.shadowRoot!.querySelector(`[part="snippet"][data-kind="${kind}"] pre`)!.textContent;

async function type(el: DashboardEmbedCode, label: string, value: string): Promise<void> {
  const input = [...el.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent!.includes(label))!.querySelector('input')!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await el.updateComplete;
}

describe('<dashboard-embed-code>', () => {
  it('offers the script tag, the wrapped <img>, the iframe and the oEmbed address for the image typed in', async () => {
    const el = await fixture<DashboardEmbedCode>(html`<dashboard-embed-code server="https://chat.example" tenant="acme"></dashboard-embed-code>`);
    await type(el, 'Image address', 'https://shop.example/front.png');
    await type(el, 'Description', 'Front "page"');
    const expected = embedSnippets('https://chat.example', { tenant: 'acme', src: 'https://shop.example/front.png', alt: 'Front "page"' });
    expect(snippet(el, 'script')).to.equal(
      '<script type="module" src="https://chat.example/image-chat.js"></script>\n<image-chat tenant="acme" src="https://shop.example/front.png" alt="Front &quot;page&quot;"></image-chat>',
    );
    expect(snippet(el, 'wrapped')).to.equal(expected.wrapped);
    expect(snippet(el, 'wrapped')).to.contain('<img src="https://shop.example/front.png"');
    expect(snippet(el, 'iframe')).to.equal(expected.iframe);
    expect(snippet(el, 'iframe')).to.match(/^<iframe src="https:\/\/chat\.example\/embed\?tenant=acme&amp;src=https%3A%2F%2Fshop\.example%2Ffront\.png&amp;alt=Front\+%22page%22" width="800" height="600"/);
    expect(snippet(el, 'oembed')).to.equal('https://chat.example/embed?tenant=acme&src=https%3A%2F%2Fshop.example%2Ffront.png&alt=Front+%22page%22');
    await expect(el).to.be.accessible();
  });

  it('says what is missing instead of code for an address that is not an image\'s', async () => {
    const el = await fixture<DashboardEmbedCode>(html`<dashboard-embed-code server="https://chat.example" tenant="acme"></dashboard-embed-code>`);
    await type(el, 'Image address', 'javascript:alert(1)');
    expect(el.shadowRoot!.querySelectorAll('[part="snippet"]')).to.have.length(0);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Type the address of an image');
  });

  it('Copy puts the code on the clipboard and says so; without a clipboard it selects the code', async () => {
    const el = await fixture<DashboardEmbedCode>(html`<dashboard-embed-code server="https://chat.example" tenant="acme"></dashboard-embed-code>`);
    const written: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    let refuse = false;
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (text: string) => (refuse ? Promise.reject(new DOMException('no', 'NotAllowedError')) : (written.push(text), Promise.resolve())) },
    });
    try {
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-kind="oembed"] [part="copy"]')!;
      button.click();
      await waitUntil(() => el.shadowRoot!.querySelector('[data-kind="oembed"] .copied'), 'no confirmation');
      expect(written).to.deep.equal([snippet(el, 'oembed')]);
      refuse = true;
      el.shadowRoot!.querySelector<HTMLButtonElement>('[data-kind="iframe"] [part="copy"]')!.click();
      // Chromium reports a selection inside a shadow root through that root.
      const selected = () => ((el.shadowRoot as unknown as { getSelection?: () => Selection | null }).getSelection?.() ?? getSelection())?.toString();
      await waitUntil(() => selected() === snippet(el, 'iframe'), 'the code was not selected');
      expect(el.shadowRoot!.querySelector('.copied')).to.equal(null);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });
});
