// `node scripts/production-check.mjs`: what the README's deployment section promises, on a fresh clone
// of this repository's HEAD: `npm ci --omit=dev && npm start` serves /, /image-chat.js and the dashboard, and
// SIGTERM to npm stops the whole tree with exit 0. Prints one line; exits 1 when anything fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'image-chat-production-'));
const clone = join(dir, 'image-chat');

function step(what, cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n')}`);
}

async function get(url, path) {
  const res = await fetch(url + path);
  const body = await res.arrayBuffer();
  if (res.status !== 200 || body.byteLength === 0) throw new Error(`GET ${path} answered ${res.status} with ${body.byteLength} bytes`);
}

let server;
try {
  step('git clone', 'git', ['clone', '--quiet', root, clone], dir);
  // --prefer-offline: the packages this machine already fetched come from npm's cache.
  step('npm ci --omit=dev', 'npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], clone);
  const { startServerProcess } = await tsImport('../test/support/npm-start.ts', import.meta.url);
  server = await startServerProcess({ root: clone });
  await get(server.url, '/');
  await get(server.url, '/image-chat.js');
  await get(server.url, '/dashboard');
  await get(server.url, '/dashboard.js');
  process.kill(server.child.pid, 'SIGTERM');
  const exit = await server.exited;
  while (server.groupPids().length > 0) await new Promise((r) => setTimeout(r, 20));
  if (exit.code !== 0) throw new Error(`npm start exited with ${exit.code ?? exit.signal} after SIGTERM:\n${server.output()}`);
  console.log('production check: passed (npm ci --omit=dev && npm start on a fresh clone serves /, /image-chat.js, /dashboard and /dashboard.js, SIGTERM exits 0)');
} catch (e) {
  console.log(`production check: FAILED: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
}
