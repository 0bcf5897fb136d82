// Lifecycle figures (`node scripts/bench-lifecycle.mjs [shutdown] [sync]`; `npm run bench` runs both at its end):
//   shutdown — `npm start`, 5 raw clients fire 100 creates, SIGTERM to the npm process right after:
//              ms from the signal to the whole process tree gone, acks received vs rows the store committed,
//              and the close codes the clients saw
//              (`shutdown-server`: the signal to the server's own process instead of npm;
//               `shutdown-group`: SIGINT to the whole process group, as Ctrl-C sends it)
//   sync     — creates/s through the store on a real file with synchronous=FULL (the default)
//              vs NORMAL (SQLITE_SYNCHRONOUS=normal), same run, same machine
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ACTIONS = 100;

/** Polls until `check()` holds or `timeoutMs` passes (a bench may report a failure; a test would not). */
async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** One shutdown under load; returns the figures. `signal` goes to the npm process alone, or with `to: 'server'` to the server's own process. */
export async function shutdownUnderLoad(signal = 'SIGTERM', to = 'npm') {
  const { startServerProcess, serverPid, fireCreates, storedBroadcastIds } = await tsImport('../test/support/npm-start.ts', import.meta.url);
  const server = await startServerProcess();
  try {
    const load = await fireCreates(server.url, ACTIONS);
    // 'group': the whole process group, as Ctrl-C or a service manager signals it.
    const target = to === 'npm' ? server.child.pid : to === 'group' ? -server.child.pid : serverPid(server.child.pid);
    const t0 = performance.now();
    process.kill(target, signal);
    const gone = await until(() => server.groupPids().length === 0, 20_000);
    const ms = performance.now() - t0;
    const closes = gone ? await load.closes : ['open'];
    load.terminate();
    const stored = storedBroadcastIds(server.databasePath);
    const unacked = [...stored].filter((id) => !load.acked.has(id)).length;
    return { ms, gone, acks: load.acked.size, refused: load.refused.size, stored: stored.size, unacked, closes: [...new Set(closes)] };
  } finally {
    await server.dispose();
  }
}

/** Creates per second through the SQLite store on a real file, one image, one at a time (each is acked after its commit). */
export async function createsPerSecond(synchronous, count = 2000) {
  const { SqliteStore } = await tsImport('../src/store/sqlite/sqlite-store.ts', import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-sync-'));
  const store = new SqliteStore(join(dir, 'sync.sqlite'), { synchronous });
  const actor = { id: 'g_bench', name: 'Bench', kind: 'guest' };
  try {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const action = { type: 'create-image-chat', image: 'sync', broadcastId: crypto.randomUUID(), x: 0.5, y: 0.5, text: `create ${i}` };
      await store.apply('demo', 'sync', action, actor, { maxChatsPerImage: count + 1 });
    }
    return count / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function reportShutdown(to = 'npm') {
  const signal = to === 'group' ? 'SIGINT' : 'SIGTERM';
  const r = await shutdownUnderLoad(signal, to);
  console.log(
    `shutdown ${signal} to ${to === 'npm' ? 'npm' : to === 'group' ? 'the process group (Ctrl-C)' : 'the server process'} with ${ACTIONS} creates in flight → process tree gone: ` +
      `${r.gone ? `${r.ms.toFixed(0)} ms` : `NOT GONE after ${r.ms.toFixed(0)} ms`}; ` +
      `${r.stored} stored, ${r.acks} acked, ${r.unacked} stored without ack, ${r.refused} refused as unavailable; close codes ${r.closes.join(',')}`,
  );
}

export async function reportSynchronous() {
  const full = await createsPerSecond('full');
  const normal = await createsPerSecond('normal');
  console.log(`durable  creates/s, SQLite file, synchronous=FULL (default): ${full.toFixed(0)}`);
  console.log(`  peer   the same with synchronous=NORMAL (SQLITE_SYNCHRONOUS=normal): ${normal.toFixed(0)}  (FULL is ${((full / normal) * 100).toFixed(0)}% of it)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['shutdown', 'sync'];
  if (wanted.includes('shutdown')) await reportShutdown();
  // The server's own process signalled directly (what a supervisor that bypasses npm does).
  if (wanted.includes('shutdown-server')) await reportShutdown('server');
  if (wanted.includes('shutdown-group')) await reportShutdown('group');
  if (wanted.includes('sync')) await reportSynchronous();
}
