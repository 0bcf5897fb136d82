// Builds the npm package's modules into dist/lib (`npm pack` runs it, through scripts/pack.mjs; `npm start`
// does not need it): `index.js` defines <image-chat>, `element.js` only exports the class, `react.js`
// is index.js for React's JSX typings. Lit and the other dependencies stay imports, so an app that
// uses Lit elsewhere loads it once; the app's bundler minifies. The .d.ts files come from tsconfig.lib.json.
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { minifyTemplates } from './scripts/minify-templates.ts';

const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [minifyTemplates()],
  define: { __IMAGE_CHAT_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', element: 'src/element.ts', react: 'src/react.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: [/^lit($|\/)/, /^@lit\//, /^idb-keyval($|\/)/],
      // One file per source module, beside its .d.ts: readable, and an app's bundler drops what it does not use.
      output: { preserveModules: true, preserveModulesRoot: 'src' },
    },
  },
});
