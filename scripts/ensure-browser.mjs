// Run before the browser suites: on a machine with no Chromium at all, fetch
// Playwright's own build so `npm test` works anywhere with a network.
import { spawnSync } from 'node:child_process';
import { hasChromium } from './browser.mjs';

if (!hasChromium()) {
  console.log('No Chromium found (CHROME_PATH, system, Playwright): installing Playwright\'s Chromium…');
  const r = spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('Could not install Chromium. Install one and set CHROME_PATH to it.');
    process.exit(1);
  }
}
