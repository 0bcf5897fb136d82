// Multi-browser tests: each spec starts its own real server (port 0, temp SQLite)
// through the fixture in test/e2e/fixtures.ts. The widget bundle must be built first
// (scripts/test.mjs runs `vite build` before this suite).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/browser.mjs';
import { scaleServicesMissing } from './test/support/services.ts';

// The scale-out spec (nginx in front of nodes on PostgreSQL + Redis) is one of the suites `.ci/run`
// runs with DATABASE_URL and REDIS_URL set: chosen where both are named, and always in CI, where a
// missing service fails it. `npm test` on a machine without them runs everything else.
const scaleOut = !!process.env.CI || !scaleServicesMissing();

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  testIgnore: scaleOut ? [] : ['**/nginx.spec.ts'],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['json']],
  use: {
    browserName: 'chromium',
    launchOptions: launchOptions(),
    trace: 'off',
  },
});
