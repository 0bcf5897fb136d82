// custom-elements.json, the Custom Elements Manifest editors, Storybook and framework tools read: made by
// @custom-elements-manifest/analyzer (with its Lit plugin) from src/widget/image-chat.ts — its JSDoc
// header (@tagname, @attr, @csspart, @cssproperty, @fires) and its `static properties` — and pointed at
// the modules the npm package ships (dist/lib, scripts/pack.mjs).
//   node scripts/custom-elements.mjs          writes ./custom-elements.json
//   node scripts/custom-elements.mjs --check  exits 1 when the checked-in file is not what the source gives
// (test/package/custom-elements.test.ts runs the check in `npm test`).
import { create, ts } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST_FILE = `${root}custom-elements.json`;
const ELEMENT = 'src/widget/image-chat.ts';
const INDEX = 'src/index.ts';
const ELEMENT_ENTRY = 'src/element.ts';

/** Where a source module is in the package: src/widget/image-chat.ts → dist/lib/widget/image-chat.js. */
const shipped = (path) => path.replace(/^src\/(.*)\.ts$/, 'dist/lib/$1.js');
/** The same for a module named relative to another (`./widget/image-chat.ts` from src/element.ts). */
const shippedFrom = (from, specifier) =>
  shipped(specifier.startsWith('.') ? new URL(specifier, `file:///${from}`).pathname.slice(1) : specifier);

/** Names a module exports as types only (`export type {…}`, `export type * from`): no JavaScript export. */
function typeOnlyExports(file) {
  const names = new Set();
  for (const s of file.statements) {
    if (!ts.isExportDeclaration(s)) continue;
    if (!s.exportClause) {
      if (s.isTypeOnly) names.add('*');
      continue;
    }
    if (ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) if (s.isTypeOnly || e.isTypeOnly) names.add(e.name.text);
    }
  }
  return names;
}

/** Attribute types as written where they are aliases (`Theme` → `'light' | 'dark' | 'auto'`), for tools that offer the values. */
function attributeTypes(path) {
  const program = ts.createProgram([`${root}${path}`], { target: ts.ScriptTarget.ES2022, strict: true, allowImportingTsExtensions: true, noEmit: true, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, types: [] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(`${root}${path}`);
  const cls = file.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === 'ImageChat');
  const types = new Map();
  for (const member of cls.members) {
    if (!ts.isPropertyDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue;
    const type = checker.getTypeAtLocation(member);
    types.set(member.name.text, checker.typeToString(type, undefined, ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType));
  }
  return types;
}

function sourceFile(path) {
  const file = ts.createSourceFile(path, readFileSync(`${root}${path}`, 'utf8'), ts.ScriptTarget.ES2022, true);
  if (path === ELEMENT) {
    // The element's doc is the file's header (docs/widget.md says so), which TypeScript attaches to the
    // first import; the analyzer reads the doc on the class, so the class is handed the header.
    const cls = file.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === 'ImageChat');
    const header = file.statements[0]?.jsDoc;
    if (!cls || !header) throw new Error(`${path}: no ImageChat class or no JSDoc header`);
    cls.jsDoc = header;
  }
  return file;
}

/** Only what a page can use: public API, attributes a page may set, events with their documentation. */
function publicOnly(declaration) {
  const isPublic = (m) => !m.privacy || m.privacy === 'public';
  const fields = new Map(declaration.members.map((m) => [m.name, m]));
  declaration.members = declaration.members.filter((m) => isPublic(m) && !m.static);
  declaration.attributes = declaration.attributes.filter((a) => !a.fieldName || isPublic(fields.get(a.fieldName) ?? {}));
  // `this.fire(type, …)` is seen as an event named "type": the real ones are the documented @fires.
  declaration.events = declaration.events.filter((e) => e.description);
  return declaration;
}

export function generateManifest() {
  const paths = [ELEMENT, ELEMENT_ENTRY, INDEX];
  const modules = paths.map(sourceFile);
  const typeOnly = new Map(paths.map((p, i) => [shipped(p), typeOnlyExports(modules[i])]));
  const manifest = create({ modules, plugins: [...litPlugin()], context: { dev: false, thirdPartyCEMs: [] } });
  for (const mod of manifest.modules) {
    const source = mod.path;
    mod.path = shipped(source);
    mod.declarations = (mod.declarations ?? []).map(publicOnly);
    mod.exports = (mod.exports ?? []).filter((e) => !typeOnly.get(mod.path)?.has(e.name));
    for (const e of mod.exports) if (e.declaration?.module) e.declaration.module = shippedFrom(source, e.declaration.module);
  }
  const element = manifest.modules.find((m) => m.path === shipped(ELEMENT));
  const cls = element?.declarations.find((d) => d.name === 'ImageChat');
  if (!cls?.tagName) throw new Error(`${ELEMENT}: ImageChat has no @tagname`);
  const types = attributeTypes(ELEMENT);
  for (const item of [...cls.attributes, ...cls.members]) {
    const name = item.fieldName ?? (item.kind === 'field' ? item.name : undefined);
    if (item.type && types.has(name)) item.type = { text: types.get(name) };
  }
  // index.ts defines the tag (through defineOnce, which the analyzer does not follow): say so, as define() would.
  const index = manifest.modules.find((m) => m.path === shipped(INDEX));
  index.exports = [
    ...(index.exports ?? []).filter((e) => e.kind !== 'custom-element-definition'),
    { kind: 'custom-element-definition', name: cls.tagName, declaration: { name: 'ImageChat', module: shipped(ELEMENT) } },
  ];
  // The element's own module's exports: its class only (types are not in a manifest's JS exports).
  element.exports = (element.exports ?? []).filter((e) => e.kind === 'js' && e.name === 'ImageChat');
  return manifest;
}

export const manifestText = (manifest = generateManifest()) => `${JSON.stringify(manifest, null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = manifestText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(MANIFEST_FILE, 'utf8');
    } catch {}
    if (current !== text) {
      console.error('custom-elements.json is not current: run `node scripts/custom-elements.mjs` and commit it');
      process.exit(1);
    }
  } else {
    writeFileSync(MANIFEST_FILE, text);
  }
}
