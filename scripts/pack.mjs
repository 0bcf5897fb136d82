// What `npm pack` and `npm publish` run around packing (package.json's prepack and postpack):
//   node scripts/pack.mjs build     the package's files: dist/image-chat.js (the one-file widget, as the
//                                   server serves it), dist/lib (the modules, vite.lib.config.ts), dist/types
//                                   (tsconfig.lib.json) and custom-elements.json (scripts/custom-elements.mjs)
//   node scripts/pack.mjs prepack   build, then put the package's own package.json in place for the packing
//   node scripts/pack.mjs postpack  put the repository's package.json back
// The repository's package.json also runs the server (`npm ci --omit=dev && npm start`), so its dependencies
// are the server's: SQLite, PostgreSQL, Redis, vite… An app that installs the element needs none of them, so
// the packed package.json keeps only what dist/lib imports (Lit, @lit/context, idb-keyval) and no scripts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestText, MANIFEST_FILE } from './custom-elements.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = join(root, 'package.json');
const KEPT = join(root, '.package.json.repository');

/** Fields the packed package.json takes from the repository's, as they are. */
const FIELDS = ['name', 'version', 'description', 'keywords', 'license', 'author', 'type', 'main', 'exports', 'types', 'customElements', 'files'];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

const filesUnder = (dir, suffix) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath ?? e.path, e.name));

/** tsc keeps `./x.ts` in the .d.ts files it writes; an app resolves `./x.js` to the .d.ts beside it. */
function fixDeclarationImports(dir) {
  for (const file of filesUnder(dir, '.d.ts')) {
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2');
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

export function build() {
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  run(bin('vite'), ['build', '--logLevel', 'warn']);
  run(bin('vite'), ['build', '--config', 'vite.lib.config.ts', '--logLevel', 'warn']);
  rmSync(join(root, 'dist', 'types'), { recursive: true, force: true });
  run(bin('tsc'), ['-p', 'tsconfig.lib.json']);
  fixDeclarationImports(join(root, 'dist', 'types'));
  writeFileSync(MANIFEST_FILE, manifestText());
}

/** The bare imports of the built modules, as package names. */
function importedPackages(dir) {
  const names = new Set();
  for (const file of filesUnder(dir, '.js')) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?['"]([^'"./][^'"]*)['"]/g)) {
      names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return [...names].sort();
}

export function packedManifest(repository, imported) {
  const out = {};
  for (const field of FIELDS) if (repository[field] !== undefined) out[field] = repository[field];
  out.dependencies = {};
  for (const name of imported) {
    const range = repository.dependencies?.[name];
    if (!range) throw new Error(`dist/lib imports ${name}, which is not in package.json's dependencies`);
    out.dependencies[name] = range;
  }
  return out;
}

function restore() {
  if (existsSync(KEPT)) renameSync(KEPT, PACKAGE);
}

const step = process.argv[2];
if (step === 'build') build();
else if (step === 'prepack') {
  restore(); // a packing that was stopped half-way left the repository's copy aside
  build();
  const repository = JSON.parse(readFileSync(PACKAGE, 'utf8'));
  const manifest = packedManifest(repository, importedPackages(join(root, 'dist', 'lib')));
  writeFileSync(KEPT, readFileSync(PACKAGE));
  writeFileSync(PACKAGE, `${JSON.stringify(manifest, null, 2)}\n`);
} else if (step === 'postpack') restore();
else if (step !== undefined) {
  console.error(`unknown step "${step}": build, prepack or postpack`);
  process.exit(2);
}
