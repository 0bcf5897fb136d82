// Builds the widget into one self-contained ES module, dist/image-chat.js, that any page can load with a
// single <script type="module"> tag: fully minified (library mode keeps whitespace and comments unless
// told), with the text of its Lit templates minified too, and held to its size budget (a build over it fails).
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { minifyTemplates } from './scripts/minify-templates.ts';
import { sizeBudget } from './scripts/size-budget.ts';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [minifyTemplates(), sizeBudget('image-chat.js')],
  define: { __IMAGE_CHAT_VERSION__: JSON.stringify(version) },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: 'oxc',
    rolldownOptions: { output: { minify: true, comments: false } },
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'image-chat.js',
    },
  },
});
