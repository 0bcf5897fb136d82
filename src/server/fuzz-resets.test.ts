// The fuzz idea at the transport level, against the real server process: seeded random
// connections (upgrades accepted and refused, plain HTTP, garbage), random frames (valid and
// mutated messages, binary, control, fragmented, unmasked, oversized, cut short), each ended at a
// random point by a TCP reset, a close or a FIN. The process must stay up, answer /healthz, log no
// fault, and exit 0 on SIGTERM. FUZZ_SEED=n replays a run (the seed is printed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { spawnServer } from '../../test/support/server-process.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { clientFrame, rawConnect, rawWebSocket, received, upgradeRequest } from '../../test/support/raw-socket.ts';
import { prng } from '../../test/support/prng.ts';
import { seedImage } from '../../test/support/seed.ts';

const CONNECTIONS = 1000;
const AT_ONCE = 15;
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const dir = mkdtempSync(join(tmpdir(), 'image-chat-fuzz-resets-'));
const file = join(dir, 'fuzz-resets.sqlite');
let server: ServerProcess;

before(async () => {
  await seedImage(file, 'demo', 'big.png', 200, 2000);
  server = await spawnServer({ DATABASE_URL: file });
});
after(async () => {
  if (server?.alive()) server.child.kill('SIGKILL');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test(`fuzz: ${CONNECTIONS} random connections, frames and resets against the server process`, { timeout: 120_000 }, async () => {
  console.log(`fuzz-resets seed ${seed} (FUZZ_SEED=${seed} replays this run)`);
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const tally = new Map<string, number>();
  const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);

  const message = (): string => {
    const image = pick(['big.png', 'small.png']);
    const m = pick<Record<string, unknown>>([
      { type: 'hello', name: 'Fuzz' },
      { type: 'subscribe', image },
      { type: 'subscribe', image, since: { epoch: 'e', seq: int(3) } },
      { type: 'unsubscribe', image },
      { type: 'create-image-chat', image, broadcastId: randomUUID(), x: rand(), y: rand(), text: 'reset fuzz' },
      { type: 'ping' },
    ]);
    if (rand() < 0.3) m[pick(['type', 'image', 'x', 'name'])] = pick([null, 1e308, '', '\u0000', [], {}]);
    return rand() < 0.2 ? JSON.stringify([m, { type: 'subscribe', image: 'big.png' }]) : JSON.stringify(m);
  };
  const frame = (): Buffer => {
    const kind = int(10);
    count(`frame ${kind}`);
    switch (kind) {
      case 0: return clientFrame(Buffer.from(Array.from({ length: int(300) }, () => int(256))), 1); // not UTF-8, not JSON
      case 1: return clientFrame(Buffer.from(message()), 2); // binary
      case 2: return clientFrame('', 9); // ping
      case 3: return clientFrame(Buffer.from([0x03, 0xe8]), 8); // close 1000
      case 4: return Buffer.concat([clientFrame(message().slice(0, 5), 1, false), clientFrame(message().slice(5), 0)]); // fragmented
      case 5: return Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]); // unmasked: a protocol error
      case 6: return Buffer.concat([Buffer.from([0x81, 0xff]), Buffer.alloc(8, 0x7f), Buffer.alloc(4)]); // absurd length
      case 7: return Buffer.from(Array.from({ length: 1 + int(20) }, () => int(256))); // raw garbage
      default: return clientFrame(message());
    }
  };
  /**
   * How the connection ends: a reset (now, or once `answered` bytes of the answer arrived, when an
   * answer is sure to come), a close, or a FIN.
   */
  const finish = async (s: Socket, answered?: number): Promise<void> => {
    const how = int(answered === undefined ? 3 : 4);
    count(`end ${['reset', 'destroy', 'fin', 'reset while reading'][how]}`);
    // Resolves on those bytes, or on the server closing first (a protocol error it refused).
    if (how === 3) await received(s, answered!).catch(() => {});
    if (how === 0 || how === 3) s.resetAndDestroy();
    else if (how === 1) s.destroy();
    else s.end();
  };

  const one = async (): Promise<void> => {
    const kind = int(10);
    if (kind < 6) {
      count('websocket');
      const s = await rawWebSocket(server.port, '/ws?tenant=demo');
      // Half the connections read the big snapshot first, so it is streaming when the end comes.
      const snapshot = rand() < 0.5;
      if (snapshot) s.write(clientFrame(JSON.stringify([{ type: 'hello', name: 'Reader' }, { type: 'subscribe', image: 'big.png' }])));
      const frames = Array.from({ length: int(8) }, frame);
      const last = frames.pop();
      for (const f of frames) s.write(f);
      // The last frame is often cut short: the reset lands mid-frame.
      if (last) s.write(rand() < 0.5 ? last.subarray(0, int(last.length)) : last);
      return finish(s, snapshot ? 1 + int(300_000) : undefined);
    }
    const s = await rawConnect(server.port);
    let request: string;
    if (kind === 6) {
      count('refused upgrade');
      request = upgradeRequest(pick(['/nope', '/ws?tenant=nobody', '/ws?tenant=NO!']), pick<Record<string, string>>([{}, { Origin: 'https://evil.example' }]));
    } else if (kind === 7) {
      count('http');
      const path = pick(['/healthz', '/metrics', '/api/v1/tenants/demo/images/big.png/chats', '/ws?tenant=demo', '/%zz', '/demo/../secret']);
      request = `${pick(['GET', 'HEAD', 'OPTIONS', 'POST'])} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nOrigin: ${pick(['http://localhost:1', 'https://evil.example'])}\r\n\r\n`;
    } else {
      count('garbage');
      request = Array.from({ length: int(400) }, () => String.fromCharCode(int(256))).join('');
    }
    const whole = kind !== 8 && rand() < 0.5;
    s.write(whole ? request : request.slice(0, int(request.length)), 'latin1');
    return finish(s, whole ? 1 + int(200) : undefined);
  };

  for (let done = 0; done < CONNECTIONS; done += AT_ONCE) {
    const results = await Promise.allSettled(Array.from({ length: Math.min(AT_ONCE, CONNECTIONS - done) }, one));
    assert.ok(server.alive(), `the server died (FUZZ_SEED=${seed}):\n${server.output()}`);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }
  console.log(`fuzz-resets: ${[...tally].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);

  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  assert.equal(code, 0, server.output());
  // Resets are the peer's business: nothing about them is logged as a server fault.
  assert.doesNotMatch(server.output(), /unexpected failure|failed|Error/, server.output());
});
