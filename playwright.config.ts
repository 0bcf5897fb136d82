// Multi-browser tests: each spec starts its own real server (port 0, temp SQLite)
// through the fixture in test/e2e/fixtures.ts. The widget bundle must be built first
// (scripts/test.mjs runs `vite build` before this suite).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/browser.mjs';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
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
