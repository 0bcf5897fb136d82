// Builds the site owner's dashboard into dist/dashboard.js, apart from the widget
// (vite.config.ts), so nothing of it (uPlot, the dashboard's own code) reaches
// dist/image-chat.js. Run after the widget build: that one empties dist/.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    // A page's script, not a library others bundle again: whitespace goes too (lib mode keeps it by default).
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: 'src/dashboard/index.ts',
      formats: ['es'],
      fileName: () => 'dashboard.js',
    },
  },
});
