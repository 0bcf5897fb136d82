import { expect, fixture, html } from '@open-wc/testing';
import { LINK_REL, linkPieces, messageText } from './message-text.ts';

async function rendered(text: string): Promise<HTMLElement> {
  return fixture<HTMLElement>(html`<p dir="auto">${messageText(text)}</p>`);
}

describe('message text', () => {
  it('links http, https and mailto URLs, leaving sentence punctuation and brackets outside', () => {
    expect(linkPieces('see https://example.com/a?b=1, then (http://x.example/p_(q)) or mailto:ada@example.com.')).to.deep.equal([
      'see ',
      { href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      ', then (',
      { href: 'http://x.example/p_(q)', text: 'http://x.example/p_(q)' },
      ') or ',
      { href: 'mailto:ada@example.com', text: 'mailto:ada@example.com' },
      '.',
    ]);
    expect(linkPieces('no links here')).to.deep.equal(['no links here']);
    expect(linkPieces('HTTPS://EXAMPLE.COM')).to.deep.equal([{ href: 'https://example.com/', text: 'HTTPS://EXAMPLE.COM' }]);
  });

  it('never links other schemes or broken URLs', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.domain)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'xhttps://example.com',
      'https://',
      'mailto:nobody',
      'ftp://example.com',
    ]) {
      expect(linkPieces(text).every((p) => typeof p === 'string'), text).to.equal(true);
    }
  });

  it('renders hostile input as text: only <a> elements with a safe href and rel', async () => {
    const hostile = [
      '<img src=x onerror="window.__pwned=1">',
      '<a href="javascript:window.__pwned=1">click</a>',
      'https://evil.example/"><script>window.__pwned=1</script>',
      "https://evil.example/' onmouseover='window.__pwned=1",
      'javascript:window.__pwned=1//https://ok.example',
      '<svg/onload=window.__pwned=1>',
      '&lt;b&gt;not bold&lt;/b&gt;',
    ].join('\n');
    const p = await rendered(hostile);
    expect(p.textContent).to.equal(hostile);
    expect(p.querySelectorAll('*:not(a)')).to.have.length(0);
    const links = [...p.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://evil.example/', 'https://evil.example/', 'https://ok.example/']);
    for (const a of links) {
      expect(a.getAttribute('rel')).to.equal(LINK_REL);
      expect(a.getAttribute('rel')).to.equal('noopener noreferrer nofollow ugc');
      expect([...a.attributes].map((x) => x.name).sort()).to.deep.equal(['href', 'rel', 'target']);
    }
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('opens web links in a new tab and mailto in place', async () => {
    const p = await rendered('write to mailto:bo@example.com or read https://example.com');
    const [mail, web] = [...p.querySelectorAll('a')];
    expect(mail!.hasAttribute('target')).to.equal(false);
    expect(web!.getAttribute('target')).to.equal('_blank');
  });
});
