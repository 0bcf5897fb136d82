// Heartbeats and timeouts over real sockets: a silent socket is closed with 4408, a peer that does not
// answer pings is terminated, a TCP connection that sends no request head gets 408, and one address
// cannot hold more connections that have not finished their upgrade than the per-IP limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { Tenants } from '../core/tenants.ts';
import { startServer } from './app.ts';
import type { ServerOptions } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { rawConnect, received, upgradeRequest } from '../../test/support/raw-socket.ts';

async function withServer(options: ServerOptions, body: (server: Awaited<ReturnType<typeof startServer>>) => Promise<void>): Promise<void> {
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants: testTenants(), ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Everything the server sent until it closed the connection. */
async function answerUntilClosed(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  if (!socket.destroyed) await once(socket, 'close');
  return text;
}

test('a socket that says no hello in time is closed with 4408; one that did stays open', { timeout: 30_000 }, async () => {
  await withServer({ helloTimeoutMs: 150 }, async (server) => {
    const greeted = await TestClient.open(server.url, 'acme');
    await greeted.hello({ name: 'Ada' });
    // Opened after `greeted` with the same deadline, so greeted's deadline has passed when this one closes.
    const silent = await TestClient.open(server.url, 'acme');
    const { code, reason } = await silent.closed;
    assert.equal(code, 4408);
    assert.equal(reason, 'no hello in time');
    await greeted.sync();
    assert.equal(greeted.ws.readyState, WebSocket.OPEN);
    await greeted.close();
  });
});

test('the server pings every round and terminates a peer that stops answering', { timeout: 30_000 }, async () => {
  await withServer({ pingIntervalMs: 40 }, async (server) => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws?tenant=acme`;
    const live = new WebSocket(wsUrl);
    // A peer whose pongs never come (ws answers pings itself unless told not to).
    const dead = new WebSocket(wsUrl, { autoPong: false });
    await Promise.all([once(live, 'open'), once(dead, 'open')]);
    let pings = 0;
    live.on('ping', () => pings++);
    const [code] = (await once(dead, 'close')) as [number];
    assert.equal(code, 1006, 'terminated, no close handshake');
    while (pings < 3) await once(live, 'ping');
    assert.equal(live.readyState, WebSocket.OPEN, 'a peer that answers is kept');
    live.close();
    await once(live, 'close');
  });
});

test('a TCP connection that sends no complete request head is answered 408 and closed', { timeout: 30_000 }, async () => {
  await withServer({ headersTimeoutMs: 200 }, async (server) => {
    const silent = await rawConnect(server.port);
    const partial = await rawConnect(server.port);
    partial.write(upgradeRequest('/ws?tenant=acme').slice(0, 40));
    for (const socket of [silent, partial]) {
      const answer = await answerUntilClosed(socket);
      assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code, 'invalid');
    }
  });
});

test('one address holds at most the per-IP limit of connections that have not finished their upgrade', { timeout: 30_000 }, async () => {
  const LIMIT = 5;
  const tenants = new Tenants([testTenant('solo', { limits: { connectionsPerIp: LIMIT } })]);
  await withServer({ tenants }, async (server) => {
    const upgrade = upgradeRequest('/ws?tenant=solo');
    const held: Socket[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const s = await rawConnect(server.port);
      // Half the held ones are silent, half have sent part of an upgrade request.
      if (i % 2) s.write(upgrade.slice(0, 50));
      held.push(s);
    }
    const over: Socket[] = [];
    for (let i = 0; i < 3 * LIMIT; i++) over.push(await rawConnect(server.port));
    for (const answer of await Promise.all(over.map(answerUntilClosed))) {
      assert.match(answer, /^HTTP\/1\.1 429 Too Many Requests\r\n[^]*"rate-limited"/);
    }
    // The held ones are still served: a request on a silent one, the rest of the upgrade on a half-sent one.
    for (const [i, s] of held.entries()) {
      s.write(i % 2 ? upgrade.slice(50) : 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const status = (await received(s, 12)).toString('latin1').slice(0, 12);
      assert.equal(status, i % 2 ? 'HTTP/1.1 101' : 'HTTP/1.1 200', `held connection ${i}`);
    }
    // Two of them are sessions now and count no more here: two new connections fit, the next does not.
    const more = [await rawConnect(server.port), await rawConnect(server.port)];
    assert.match(await answerUntilClosed(await rawConnect(server.port)), /^HTTP\/1\.1 429 /);
    // Closing one frees its place.
    held[0]!.end();
    await answerUntilClosed(held[0]!);
    const next = await TestClient.open(server.url, 'solo');
    await next.hello({ name: 'Next' });
    await next.close();
    for (const s of [...held, ...more]) s.destroy();
  });
});

test('under TLS the bound holds too, and a closed session gives its place back', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-tls-limit-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const ca = readFileSync(cert);
  const tenants = new Tenants([testTenant('solo', { limits: { connectionsPerIp: 2 } })]);
  try {
    await withServer({ tenants, tls: { cert: ca, key: readFileSync(key) } }, async (server) => {
      // More sessions one after another than the limit: each closed one is counted out again.
      for (let i = 0; i < 4; i++) {
        const ws = new WebSocket(`${server.url.replace('https', 'wss')}/ws?tenant=solo`, { ca });
        await once(ws, 'open');
        ws.close();
        await once(ws, 'close');
      }
      const held: TLSSocket[] = [];
      for (let i = 0; i < 2; i++) {
        const s = tlsConnect({ host: '127.0.0.1', port: server.port, ca });
        await once(s, 'secureConnect');
        held.push(s);
      }
      // The TCP socket speaks TLS: over the limit it is closed without a plain-text answer.
      assert.equal(await answerUntilClosed(await rawConnect(server.port)), '');
      for (const s of held) {
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        assert.equal((await received(s, 12)).toString('latin1').slice(0, 12), 'HTTP/1.1 200', 'a held connection is still served');
        s.destroy();
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
