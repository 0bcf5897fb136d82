// What vite does for `import text from './x.css?inline'` (the dashboard imports uPlot's CSS so),
// for web-test-runner: the import becomes a module whose default export is the file's text.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const SUFFIX = '?inline';

export function inlineCssPlugin(rootDir = process.cwd()) {
  const require = createRequire(join(rootDir, 'package.json'));
  return {
    name: 'inline-css',
    resolveImport({ source }) {
      if (!source.endsWith(`.css${SUFFIX}`)) return undefined;
      const bare = source.slice(0, -SUFFIX.length);
      // Relative imports resolve as usual; bare ones (a package's file) through node_modules.
      if (bare.startsWith('.') || bare.startsWith('/')) return undefined;
      return `/${relative(rootDir, require.resolve(bare)).split('\\').join('/')}${SUFFIX}`;
    },
    async serve(context) {
      if (!context.path.endsWith('.css') || !('inline' in context.query)) return undefined;
      const text = await readFile(join(rootDir, decodeURIComponent(context.path)), 'utf8');
      return { body: `export default ${JSON.stringify(text)};`, type: 'js' };
    },
  };
}
