// Prints which source files the widget's first-load bytes come from (raw minified bytes, from the source map)
// and what each costs gzipped: the drop in zlib-9 size when that file's bytes are left out. Run after
// `npx vite build`: `node scripts/size-report.mjs [dist/image-chat.js]`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'dist/image-chat.js';
const code = readFileSync(file, 'utf8');
const map = new SourceMapConsumer(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
const lines = code.split('\n');
const owner = lines.map((l) => new Array(l.length).fill('(unmapped)'));
const byLine = new Map();
map.eachMapping((m) => {
  if (!byLine.has(m.generatedLine)) byLine.set(m.generatedLine, []);
  byLine.get(m.generatedLine).push(m);
});
for (const [line, ms] of byLine) {
  ms.sort((a, b) => a.generatedColumn - b.generatedColumn);
  const row = owner[line - 1];
  ms.forEach((m, i) => {
    const end = i + 1 < ms.length ? ms[i + 1].generatedColumn : row.length;
    const src = (m.source ?? '(unmapped)').replace(/^.*node_modules\//, 'nm:').replace(/^(\.\.\/)+/, '');
    for (let c = m.generatedColumn; c < end; c++) row[c] = src;
  });
}
const group = (s) => (process.argv.includes('--files') ? s : s.replace(/^nm:(@?[^/]+(\/[^/]+)?).*/, (_, p) => `nm:${p.startsWith('@') ? p : p.split('/')[0]}`));
const raw = new Map();
lines.forEach((l, i) => owner[i].forEach((o) => raw.set(group(o), (raw.get(group(o)) ?? 0) + 1)));
const gz = (s) => gzipSync(s, { level: 9 }).length;
const total = gz(code);
const rows = [...raw].map(([name, bytes]) => {
  const without = lines.map((l, i) => [...l].filter((_, c) => group(owner[i][c]) !== name).join('')).join('\n');
  return { name, bytes, gzip: total - gz(without) };
});
rows.sort((a, b) => b.gzip - a.gzip);
for (const r of rows) console.log(`${String(r.gzip).padStart(6)} ${String(r.bytes).padStart(7)}  ${r.name}`);
console.log(`${String(total).padStart(6)} ${String(code.length).padStart(7)}  total (gzip, raw)`);
