// Last resort: the real server process survives connections reset at every stage (before the
// upgrade completes, after a refused upgrade, mid-frame, mid-snapshot), still answers /healthz,
// and exits 0 on SIGTERM. A reset used to end the process: a refused upgrade was written to a
// raw socket with no 'error' listener, and Node threw `Unhandled 'error' event: write ECONNRESET`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { seedImage } from '../../test/support/seed.ts';
import { spawnServer } from '../../test/support/server-process.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { clientFrame, rawConnect, rawWebSocket, received, upgradeRequest } from '../../test/support/raw-socket.ts';

const ROUNDS = 10;
const BIG_IMAGE = 'big.png';
const METRICS_TOKEN = 'resets-test-metrics-token-0123';
const dir = mkdtempSync(join(tmpdir(), 'image-chat-resets-'));
const file = join(dir, 'resets.sqlite');
let server: ServerProcess;

before(async () => {
  // An image whose snapshot (500 conversations of 2000 characters, ~1 MB) is still streaming when the reset comes.
  await seedImage(file, 'demo', BIG_IMAGE, 500, 2000);
  server = await spawnServer({ DATABASE_URL: file, METRICS_TOKEN });
});
after(async () => {
  if (server?.alive()) server.child.kill('SIGKILL');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

async function assertAlive(stage: string): Promise<void> {
  assert.ok(server.alive(), `the server died after "${stage}":\n${server.output()}`);
  const health = await fetch(`${server.url}/healthz`).catch((e: unknown) => assert.fail(`no /healthz after "${stage}": ${String(e)}\n${server.output()}`));
  assert.equal(health.status, 200, stage);
  await health.body?.cancel();
}

/** Runs `stage` ROUNDS times, all at once, then checks the process is still up. */
async function survive(stage: string, once: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: ROUNDS }, once));
  await assertAlive(stage);
}

const reset = (socket: Socket): void => void socket.resetAndDestroy();

test('the server process survives connections reset at every stage, then exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
  await assertAlive('start');

  await survive('reset before sending anything', async () => {
    reset(await rawConnect(server.port));
  });
  await survive('reset in the middle of the upgrade request', async () => {
    const s = await rawConnect(server.port);
    s.write(upgradeRequest('/ws?tenant=demo').slice(0, 60));
    reset(s);
  });

  const refused: [string, string, Record<string, string>][] = [
    ['wrong path', '/nope', {}],
    ['bad origin', '/ws?tenant=demo', { Origin: 'https://evil.example' }],
    ['unknown tenant', '/ws?tenant=nobody', {}],
    ['invalid tenant id', '/ws?tenant=NO!', {}],
  ];
  for (const [why, path, headers] of refused) {
    // Reset right behind the request: the refusal is written to a connection the peer already reset.
    await survive(`reset behind a refused upgrade (${why})`, async () => {
      const s = await rawConnect(server.port);
      s.write(upgradeRequest(path, headers));
      reset(s);
    });
    // And reset after the refusal has started to arrive.
    await survive(`reset after a refused upgrade (${why})`, async () => {
      const s = await rawConnect(server.port);
      s.write(upgradeRequest(path, headers));
      await received(s, 12).catch((e: unknown) => assert.fail(`${String(e)}\n${server.output()}`));
      reset(s);
    });
  }

  await survive('reset behind an accepted upgrade', async () => {
    const s = await rawConnect(server.port);
    s.write(upgradeRequest('/ws?tenant=demo'));
    reset(s);
  });
  await survive('reset mid-frame', async () => {
    const s = await rawWebSocket(server.port, '/ws?tenant=demo');
    const frame = clientFrame(JSON.stringify({ type: 'hello', name: 'Half' }));
    s.write(frame.subarray(0, frame.length >> 1));
    reset(s);
  });
  await survive('reset mid-snapshot', async () => {
    const s = await rawWebSocket(server.port, '/ws?tenant=demo');
    s.write(clientFrame(JSON.stringify([{ type: 'hello', name: 'Reader' }, { type: 'subscribe', image: BIG_IMAGE }])));
    // The welcome and the first 64 KiB of the snapshot; the rest is still on its way.
    await received(s, 64 * 1024);
    reset(s);
  });

  // The process read METRICS_TOKEN from its environment.
  assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);

  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  assert.equal(signal, null, server.output());
  assert.equal(code, 0, server.output());
});
