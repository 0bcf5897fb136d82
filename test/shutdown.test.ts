/**
 * Shutdown of a real `npm start` process tree: the signal reaches the server
 * (npm signalled alone, or the whole group as Ctrl-C does), every action the
 * store committed is acked, every socket closes with 1012, the tree exits and
 * the port is free again; and the drain deadline bounds a shutdown that hangs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startServerProcess, fireCreates, storedBroadcastIds, describeGroup } from './support/npm-start.ts';
import type { NpmStartProcess } from './support/npm-start.ts';
import { TestClient } from './support/test-client.ts';

const ACTIONS = 100;

/**
 * npm's exit status once no process of its group is left. A tree that never
 * exits fails the test at its timeout, which aborts this wait so `finally` can
 * kill what is left.
 */
async function treeExit(server: NpmStartProcess, abort: AbortSignal): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const aborted = new Promise<never>((_, reject) => abort.addEventListener('abort', () => reject(new Error('the process tree did not exit')), { once: true }));
  const exit = await Promise.race([server.exited, aborted]);
  while (server.groupPids().length > 0) await Promise.race([new Promise((r) => setTimeout(r, 20)), aborted]);
  return exit;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function shutdownUnderLoad(abort: AbortSignal, send: (server: NpmStartProcess) => void): Promise<void> {
  const server = await startServerProcess();
  try {
    // No intermediate watcher: npm execs node itself.
    const tree = describeGroup(server.child.pid!);
    assert.ok(!tree.some((line) => /\.bin\/tsx|sh -c/.test(line)), tree.join('\n'));
    const load = await fireCreates(server.url, ACTIONS);
    send(server);
    const exit = await treeExit(server, abort);
    assert.deepEqual(exit, { code: 0, signal: null }, server.output());
    const closes = await load.closes;
    assert.deepEqual(new Set(closes), new Set([1012]));
    const stored = storedBroadcastIds(server.databasePath);
    assert.ok(stored.size > 0, 'the actions were in flight, some were stored');
    const unacked = [...stored].filter((id) => !load.acked.has(id));
    assert.deepEqual(unacked, [], 'every committed action got its ack');
    // And nothing was acked that is not on disk; whatever was not stored was refused or never read.
    assert.deepEqual([...load.acked].filter((id) => !stored.has(id)), []);
    assert.deepEqual([...load.refused].filter((id) => stored.has(id)), []);
    assert.equal(await portFree(server.port), true, 'the port is free again');
  } finally {
    await server.dispose();
  }
}

// A hang guard, not a speed bound: `npm start` builds the widget first.
const HANG = { timeout: 120_000 };

describe('shutdown of npm start', () => {
  it('SIGTERM to the npm process: committed actions acked, sockets closed 1012, tree exits 0, port free', HANG, async (t) => {
    await shutdownUnderLoad(t.signal, (server) => process.kill(server.child.pid!, 'SIGTERM'));
  });

  it('SIGINT to the whole process group (Ctrl-C): the repeated signal does not skip the drain', HANG, async (t) => {
    await shutdownUnderLoad(t.signal, (server) => process.kill(-server.child.pid!, 'SIGINT'));
  });

  it('a drain that cannot finish ends at SHUTDOWN_TIMEOUT_MS with exit 1', HANG, async (t) => {
    // The client stops reading, so it never answers the close handshake and the drain waits for it.
    const server = await startServerProcess({ env: { SHUTDOWN_TIMEOUT_MS: '200' } });
    try {
      const client = await TestClient.open(server.url, 'demo');
      await client.hello();
      client.ws.pause();
      process.kill(server.child.pid!, 'SIGTERM');
      const exit = await treeExit(server, t.signal);
      assert.equal(exit.code, 1, server.output());
      assert.match(server.output(), /still not closed 200 ms after SIGTERM/);
      client.ws.terminate();
    } finally {
      await server.dispose();
    }
  });
});
