// The template minifier of the widget's build (scripts/minify-templates.ts): only whitespace and comments go,
// strings and <pre>/<textarea> text stay, and every line of code stays on its line (the source map).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyCss, minifyHtml, minifyTemplatesIn } from '../../scripts/minify-templates.ts';

test('css: comments and whitespace go, strings and the spaces that mean something stay', () => {
  const css = `
    :host([data-theme='dark']) [part~='overlay'] {
      /* a touch target */
      content: 'a  b ; {x}';
      font: 600 calc(var(--size) * 0.42) / 1 var(--font);
      margin: 0 auto ;
    }
    a > b,  c:focus-visible { color : red }
  `;
  assert.equal(
    minifyCss(css),
    ` :host([data-theme='dark']) [part~='overlay']{content:'a  b ; {x}';font:600 calc(var(--size) * 0.42) / 1 var(--font);margin:0 auto}a>b,c:focus-visible{color :red}`,
  );
});

test('html: a run with a line break becomes one space, except inside <pre> and <textarea>', () => {
  assert.deepEqual(minifyHtml('<div>\n    <span>a</span> <b>b</b>\n  </div>'), { text: '<div> <span>a</span> <b>b</b> </div>', keep: false });
  assert.deepEqual(minifyHtml('<pre>\n  kept\n</pre>\n  <p>\n x</p>'), { text: '<pre>\n  kept\n</pre> <p> x</p>', keep: false });
  // A <textarea> left open in one piece of a template is still open in the next.
  assert.deepEqual(minifyHtml('<textarea>\n  ', false), { text: '<textarea>\n  ', keep: true });
  assert.deepEqual(minifyHtml('\n </textarea>\n <i></i>', true), { text: '\n </textarea> <i></i>', keep: false });
});

test('templates in source: css`…` and html`…` only, line numbers kept, other strings untouched', () => {
  const source = [
    "const s = css`",
    '  a {',
    '    color: red;',
    '  }`;',
    'const t = html`<div>',
    '    ${x}',
    '  </div>`;',
    'const u = `plain\n   text`;',
    'const v = other`<p>\n  </p>`;',
    'const w = "…";',
  ].join('\n');
  const out = minifyTemplatesIn(source)!;
  assert.equal(out.split('\n').length, source.split('\n').length);
  assert.match(out, /css` a\{color:red\}`\n\n\n;/);
  assert.match(out, /html`<div> \$\{\nx\} <\/div>`\n;/);
  assert.ok(out.includes('`plain\n   text`'));
  assert.ok(out.includes('other`<p>\n  </p>`'));
  assert.ok(out.endsWith('const w = "…";'));
  assert.equal(minifyTemplatesIn('const a = `x`;'), undefined);
});
