// /dashboard and /dashboard.js: served from the static root under the strict CSP, 503 while unbuilt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { DASHBOARD_CSP } from './dashboard-csp.ts';

let root: string;
let built: RunningServer;
let unbuilt: RunningServer;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'image-chat-dashboard-page-'));
  const withDist = join(root, 'built');
  mkdirSync(join(withDist, 'dist'), { recursive: true });
  writeFileSync(join(withDist, 'dashboard.html'), '<!doctype html><title>d</title>');
  writeFileSync(join(withDist, 'dist', 'dashboard.js'), 'export {};');
  mkdirSync(join(root, 'bare'));
  writeFileSync(join(root, 'bare', 'dashboard.html'), '<!doctype html><title>d</title>');
  built = await startServer({ port: 0, databaseUrl: ':memory:', staticRoot: withDist });
  unbuilt = await startServer({ port: 0, databaseUrl: ':memory:', staticRoot: join(root, 'bare') });
});
after(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(root, { recursive: true, force: true });
});

test('the page and its script are served under the strict CSP, never cached stale', async () => {
  const page = await fetch(`${built.url}/dashboard`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), DASHBOARD_CSP);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(await page.text(), '<!doctype html><title>d</title>');
  const script = await fetch(`${built.url}/dashboard.js`);
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(await script.text(), 'export {};');
  assert.match(DASHBOARD_CSP, /script-src 'self'/);
  assert.doesNotMatch(DASHBOARD_CSP, /unsafe/);
});

test('before a build, the script answers 503 in words; a HEAD has no body', async () => {
  const r = await fetch(`${unbuilt.url}/dashboard.js`);
  assert.equal(r.status, 503);
  assert.deepEqual(await r.json(), { error: { code: 'unavailable', message: 'dashboard not built: run npm run build' } });
  const head = await fetch(`${built.url}/dashboard`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});
