// The embed address and code (src/protocol/embed.ts), and the demo page's copy of that code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EmbedParamError, embedSnippets, embedUrl, parseEmbedParams } from './embed.ts';

const parse = (q: string) => parseEmbedParams(new URLSearchParams(q));

test('an embed address round-trips through its parameters', () => {
  const p = parse('tenant=acme&src=https%3A%2F%2Fa.example%2Fx.png&image-id=x&theme=auto&locale=pt-BR&alt=A+b');
  assert.deepEqual(p, { tenant: 'acme', src: 'https://a.example/x.png', imageId: 'x', theme: 'auto', locale: 'pt-BR', alt: 'A b' });
  const url = embedUrl('https://chat.example/prefix/', p);
  assert.equal(url, 'https://chat.example/prefix/embed?tenant=acme&src=https%3A%2F%2Fa.example%2Fx.png&image-id=x&theme=auto&locale=pt-BR&alt=A+b');
  assert.deepEqual(parse(new URL(url).search), p);
  assert.deepEqual(parse('tenant=acme&src=%2Fdemo%2Fa.svg&theme='), { tenant: 'acme', src: '/demo/a.svg', imageId: undefined, theme: undefined, locale: undefined, alt: undefined });
});

test('each bad parameter is named', () => {
  const cases: [string, string][] = [
    ['src=/a.png', 'tenant'],
    ['tenant=acme', 'src'],
    ['tenant=acme&src=data%3Aimage%2Fpng%3Bbase64%2CAAAA', 'src'],
    ['tenant=acme&src=%2F%5Cevil.example', 'src'],
    ['tenant=acme&src=a.png', 'src'],
    [`tenant=acme&src=/${'a'.repeat(2048)}`, 'src'],
    ['tenant=acme&src=/a.png&image-id=a%00b', 'image-id'],
    ['tenant=acme&src=/a.png&theme=Dark', 'theme'],
    ['tenant=acme&src=/a.png&locale=english', 'locale'],
    [`tenant=acme&src=/a.png&alt=${'a'.repeat(2049)}`, 'alt'],
  ];
  for (const [q, param] of cases) {
    assert.throws(() => parse(q), (e: unknown) => e instanceof EmbedParamError && e.param === param, q);
  }
});

test('the snippets escape what they quote and point at the server', () => {
  const s = embedSnippets('https://chat.example/', { tenant: 'acme', src: '/demo/a.svg', alt: '<b>"x"</b>', theme: 'dark' });
  assert.equal(s.script, '<script type="module" src="https://chat.example/image-chat.js"></script>\n<image-chat tenant="acme" theme="dark" src="https://chat.example/demo/a.svg" alt="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"></image-chat>');
  assert.equal(s.oembed, 'https://chat.example/embed?tenant=acme&src=%2Fdemo%2Fa.svg&theme=dark&alt=%3Cb%3E%22x%22%3C%2Fb%3E');
  assert.ok(s.iframe.startsWith('<iframe src="https://chat.example/embed?tenant=acme&amp;src=%2Fdemo%2Fa.svg&amp;theme=dark&amp;alt=%3Cb%3E%22x%22%3C%2Fb%3E" width="800" height="600" title="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"'));
});

test('the demo page\'s embed code is what embedSnippets writes for its checkout mockup', () => {
  const page = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const origin = 'http://localhost:8787';
  const expected = embedSnippets(origin, { tenant: 'demo', src: `${origin}/demo/checkout.svg`, alt: 'Checkout page mockup' });
  for (const kind of ['script', 'wrapped', 'iframe', 'oembed'] as const) {
    const raw = new RegExp(`<pre data-kind="${kind}">([^]*?)</pre>`).exec(page)?.[1];
    assert.ok(raw, kind);
    // As the page's script does to the text: the HTML's entities read, then this server's origin put in.
    const text = raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.equal(text.replaceAll('ORIGIN_Q', encodeURIComponent(origin)).replaceAll('ORIGIN', origin), expected[kind], kind);
  }
});
