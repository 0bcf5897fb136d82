// Builds the widget into one ES module, dist/image-chat.js, that any page can load with a single
// <script type="module"> tag (it fetches a language other than English, a small chunk, from beside
// itself when first needed): fully minified (library mode keeps whitespace and comments unless told),
// with the text of its Lit templates minified too, held to its size budget, and built only when every
// locale has every sentence (scripts/check-locales.ts).
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { minifyTemplates } from './scripts/minify-templates.ts';
import { sizeBudget } from './scripts/size-budget.ts';
import { checkLocales } from './scripts/check-locales.ts';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [checkLocales(), minifyTemplates(), sizeBudget('image-chat.js')],
  define: { __IMAGE_CHAT_VERSION__: JSON.stringify(version) },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: 'oxc',
    // Languages other than English are chunks the widget imports when first used; the server sends them (http.ts).
    rolldownOptions: {
      // Lets the entry also export what its lazy chunks (the parts, the tabs' relay and follower) use, so they
      // import it from the entry instead of rolldown moving it into chunks of their own on the first load.
      preserveEntrySignatures: 'allow-extension',
      output: { minify: true, comments: false, chunkFileNames: 'image-chat-[name]-[hash].js' },
    },
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'image-chat.js',
    },
  },
});
