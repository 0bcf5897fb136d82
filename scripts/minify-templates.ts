// A vite plugin that takes the whitespace and comments out of Lit's `css` and `html`/`svg` tagged templates in
// src/: JavaScript minifiers leave the text of template literals alone, and that text is a fifth of the widget.
// The rules are only those that cannot change what renders:
//   css  — comments go; whitespace runs become one space, none next to { } ; , > or after a colon.
//   html — a whitespace run holding a line break becomes one space (what the browser collapses it to anyway),
//          except inside <pre> and <textarea>, whose text is kept as written.
import { parseAst, type Plugin } from 'vite';

const TAGS = new Set(['css', 'html', 'svg']);

export function minifyCss(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // A string is kept as written, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else if (/\s/.test(c)) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  // Only outside strings: split on them so a space inside '…' is never touched.
  return out
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, k) =>
      k % 2 ? part : part.replace(/  +/g, ' ').replace(/ ?([{};,>]) ?/g, '$1').replace(/: /g, ':').replace(/;}/g, '}'),
    )
    .join('');
}

export function minifyHtml(text: string, keep = false): { text: string; keep: boolean } {
  // `keep`: inside <pre> or <textarea>, carried from one piece of a template to the next.
  let out = '';
  for (const part of text.split(/(<\/?(?:pre|textarea)\b[^>]*>)/i)) {
    if (/^<(pre|textarea)\b/i.test(part)) keep = true;
    else if (/^<\/(pre|textarea)\b/i.test(part)) keep = false;
    else if (!keep) {
      out += part.replace(/\s*\n\s*/g, ' ');
      continue;
    }
    out += part;
  }
  return { text: out, keep };
}

type Node = { type?: string; start: number; end: number; [key: string]: unknown };
type Quasi = Node & { value: { raw: string } };

function* taggedTemplates(node: unknown): Generator<{ tag: string; quasis: Quasi[] }> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) yield* taggedTemplates(child);
    return;
  }
  const n = node as Node;
  if (n.type === 'TaggedTemplateExpression') {
    const tag = n.tag as Node & { name?: string };
    if (tag.type === 'Identifier' && TAGS.has(tag.name!)) {
      yield { tag: tag.name!, quasis: (n.quasi as Node & { quasis: Quasi[] }).quasis };
    }
  }
  for (const key of Object.keys(n)) if (key !== 'parent') yield* taggedTemplates(n[key]);
}

const count = (s: string, c: string) => s.split(c).length - 1;

/** Returns the source with every css/html/svg template's text minified, or undefined when nothing changed. */
export function minifyTemplatesIn(code: string): string | undefined {
  if (!/\b(?:css|html|svg)`/.test(code)) return undefined;
  const edits: { from: number; to: number; text: string }[] = [];
  for (const { tag, quasis } of taggedTemplates(parseAst(code, { lang: 'ts' }))) {
    let keep = false;
    for (const q of quasis) {
      // A quasi's span includes its delimiters: the opening ` or }, then the raw text.
      const from = q.start + 1;
      const raw = q.value.raw;
      let text: string;
      if (tag === 'css') text = minifyCss(raw);
      else ({ text, keep } = minifyHtml(raw, keep));
      if (text === raw) continue;
      // The line breaks taken out go just after the piece's closing delimiter (` or \${), where they are
      // JavaScript whitespace: every line of code keeps its number, so the source map stays right.
      const to = from + raw.length;
      const delimiter = code[to] === '`' ? '`' : '${';
      const lines = count(raw, '\n') - count(text, '\n');
      edits.push({ from, to: to + delimiter.length, text: text + delimiter + '\n'.repeat(lines) });
    }
  }
  if (edits.length === 0) return undefined;
  edits.sort((a, b) => b.from - a.from);
  let out = code;
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

export function minifyTemplates(): Plugin {
  return {
    name: 'image-chat:minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/[^?]*\.ts$/.test(id)) return null;
      const out = minifyTemplatesIn(code);
      // map: null keeps the incoming one: every line of code is still on its line (see above).
      return out === undefined ? null : { code: out, map: null };
    },
  };
}
