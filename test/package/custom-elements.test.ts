// custom-elements.json is what the analyzer makes of the source today (a changed JSDoc header or property
// without `node scripts/custom-elements.mjs` fails here), and the hand-written framework typings
// (src/element-types.ts) name the same attributes and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { ClassDeclaration, CustomElement } from 'custom-elements-manifest/schema';
import { generateManifest, manifestText, MANIFEST_FILE } from '../../scripts/custom-elements.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = generateManifest();
const element = manifest.modules
  .flatMap((m) => (m.declarations ?? []) as (ClassDeclaration & CustomElement)[])
  .find((d) => d.tagName === 'image-chat')!;

/** The property names of an interface in src/element-types.ts. */
function interfaceKeys(name: string): string[] {
  const file = ts.createSourceFile('element-types.ts', readFileSync(`${root}src/element-types.ts`, 'utf8'), ts.ScriptTarget.ES2022, true);
  const decl = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(decl, `no interface ${name}`);
  return decl.members.map((m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : '?')).sort();
}

test('custom-elements.json is current: run `node scripts/custom-elements.mjs` after changing the element', () => {
  assert.equal(readFileSync(MANIFEST_FILE, 'utf8'), manifestText(manifest));
});

test('the manifest describes <image-chat> from its JSDoc: attributes, events, parts, CSS properties, in the shipped module', () => {
  const index = manifest.modules.find((m) => m.path === 'dist/lib/index.js')!;
  assert.deepEqual(
    index.exports?.find((e) => e.kind === 'custom-element-definition'),
    { kind: 'custom-element-definition', name: 'image-chat', declaration: { name: 'ImageChat', module: 'dist/lib/widget/image-chat.js' } },
  );
  const theme = element.attributes!.find((a) => a.name === 'theme')!;
  assert.equal(theme.type?.text, "'light' | 'dark' | 'auto'");
  assert.match(theme.description ?? '', /prefers-color-scheme/);
  assert.ok(element.cssParts!.some((p) => p.name === 'marker'));
  assert.ok(element.cssProperties!.some((p) => p.name === '--image-chat-accent' && p.default === '#2563eb'));
  // Internal state and helpers are not part of what a page may use.
  assert.ok(!element.attributes!.some((a) => a.name === 'placing'));
  assert.ok(!element.members!.some((m) => 'privacy' in m && m.privacy === 'private'));
});

test('the framework typings name exactly the attributes a page sets and the events the element fires', () => {
  const settable = element.attributes!.map((a) => a.name).filter((n) => n !== 'status');
  assert.deepEqual(interfaceKeys('ImageChatAttributes'), settable.sort());
  assert.deepEqual(interfaceKeys('ImageChatEventMap'), element.events!.map((e) => e.name).sort());
});
