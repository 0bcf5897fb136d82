// The widget's size budget (scripts/size-budget.ts): the real build is measured here, so `npm test` prints the
// figure and fails over the budget, as every `vite build` of the widget does.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { BUDGET, describe, firstLoad, gzipSize, sizeBudget } from '../../scripts/size-budget.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'image-chat-size-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const chunk = (fileName: string, code: string, imports: string[] = []) => ({ type: 'chunk' as const, fileName, code, isEntry: false, imports });

test(`the English widget with Lit, as built, is within ${BUDGET} B min+gzip`, async (t) => {
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } });
  const bytes = gzipSize(readFileSync(join(dir, 'image-chat.js')));
  t.diagnostic(describe('dist/image-chat.js', bytes));
  assert.ok(bytes <= BUDGET, describe('dist/image-chat.js', bytes));
});

test('the first load counts the entry and its static imports, not what it imports lazily', () => {
  const bundle = {
    'a.js': { ...chunk('a.js', 'x'.repeat(100), ['b.js']), isEntry: true },
    'b.js': chunk('b.js', 'y'.repeat(100), ['a.js']),
    'lazy.js': chunk('lazy.js', 'z'.repeat(5000)),
    'a.css': { type: 'asset' as const, fileName: 'a.css' },
  };
  const { files, bytes } = firstLoad(bundle, 'a.js');
  assert.deepEqual(files, ['a.js', 'b.js']);
  assert.equal(bytes, gzipSize('x'.repeat(100)) + gzipSize('y'.repeat(100)));
});

test('a build over the budget fails with the figure', () => {
  const plugin = sizeBudget('w.js', 50);
  const messages: string[] = [];
  const context = {
    error(message: string): never {
      throw new Error(message);
    },
    info: (m: string) => void messages.push(m),
  };
  const generate = plugin.generateBundle as unknown as (this: typeof context, o: object, b: object) => void;
  const random = Array.from({ length: 400 }, (_, i) => ((i * 7919) % 251).toString(36)).join('');
  const over = { 'w.js': { ...chunk('w.js', random), isEntry: true } };
  const figure = gzipSize(random);
  assert.throws(() => generate.call(context, {}, over), new RegExp(`over the size budget by ${figure - 50} B: w\\.js: ${figure} B min\\+gzip, budget 50 B`));
  generate.call(context, {}, { 'w.js': { ...chunk('w.js', 'ok'), isEntry: true } });
  assert.deepEqual(messages, [`w.js: ${gzipSize('ok')} B min+gzip, budget 50 B`]);
});
