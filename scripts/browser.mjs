// Which Chromium the tests drive, shared by web-test-runner and Playwright.
// Order: CHROME_PATH, a system Chromium/Chrome, then Playwright's own download.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Flags that keep a headless Chromium quiet on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Path of the browser to launch, or undefined to let Playwright use its own. */
export function chromiumExecutable() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return SYSTEM_BROWSERS.find((p) => existsSync(p));
}

/** True when some Chromium can be launched without downloading anything. */
export function hasChromium() {
  if (chromiumExecutable()) return true;
  try {
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

export function launchOptions() {
  const executablePath = chromiumExecutable();
  return { headless: true, args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) };
}
