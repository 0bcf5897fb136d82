// Builds the widget into one self-contained ES module, dist/image-chat.js,
// that any page can load with a single <script type="module"> tag.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'image-chat.js',
    },
  },
});
