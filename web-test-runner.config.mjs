// Element tests in real Chromium: `src/widget`, `src/sync` and `src/dashboard` `**/*.test.ts`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { launchOptions } from './scripts/browser.mjs';
import { countingReporter } from './scripts/wtr-counting-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { testServerPlugin } from './scripts/wtr-test-server.mjs';
import { inlineCssPlugin } from './scripts/wtr-inline-css.mjs';

export default {
  files: ['src/widget/**/*.test.ts', 'src/sync/**/*.test.ts', 'src/dashboard/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: launchOptions() })],
  plugins: [testServerPlugin(), inlineCssPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  reporters: [defaultReporter(), countingReporter()],
  testFramework: { config: { timeout: 5000 } },
};
