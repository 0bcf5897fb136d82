// Sign-in lifetime over real sockets (issue 8, item 6): an open connection whose token runs out is
// told so and closed with 4401; a fresh token for the same user renews it on the same connection,
// keeping its subscriptions; a tenant may cap how long any token lasts. The clock is injected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { mintToken } from '../../test/support/test-tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-token-life-'));
const T0 = Date.UTC(2030, 0, 1);
const clock = new FakeTimers();
clock.t = T0;
const TOLERANCE_MS = 30_000;
let server: RunningServer;
const clients: TestClient[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(dir, 'tokens.sqlite'),
    staticRoot: dir,
    clock,
    tenants: testTenants(testTenant('capped', { limits: { maxTokenLifetimeSeconds: 600 } })),
  });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(tenant = 'acme'): Promise<TestClient> {
  const c = await TestClient.open(server.url, tenant);
  clients.push(c);
  return c;
}

/** A token issued at `iat` (ms, on the injected clock) that expires `lifetimeS` seconds later. */
function token(tenant: string, sub: string, iat: number, lifetimeS: number, name = 'Ada'): Promise<string> {
  const issued = Math.floor(iat / 1000);
  return mintToken(tenant, { sub, name }, { iat: issued, exp: issued + lifetimeS });
}

describe('sign-in lifetime on an open connection', () => {
  test('the connection closes with 4401, after an unauthorized error in words, when the token expires', async () => {
    const c = await client();
    await c.hello({ token: await token('acme', 'ada', clock.t, 60) });
    const image = `life-${randomUUID()}`;
    c.send({ type: 'subscribe', image });
    await c.take('snapshot');
    clock.advance(60_000 + TOLERANCE_MS - 1);
    c.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'still signed in' });
    assert.equal((await c.take((m) => m.type === 'ack' || m.type === 'error')).type, 'ack', 'accepted until the end');
    clock.advance(1);
    const error = await c.take('error');
    assert.equal(error.type === 'error' && error.code, 'unauthorized');
    assert.equal(error.type === 'error' && error.reason, 'sign-in-expired');
    assert.match(error.type === 'error' ? error.message : '', /sign-in has expired/);
    assert.equal((await c.closed).code, 4401);
  });

  test('no action is accepted past the end, even before the timer has run', async () => {
    const c = await client();
    await c.hello({ token: await token('acme', 'ada', clock.t, 60) });
    // Time moves on without the timer firing: a loaded machine runs it late.
    clock.t += 60_000 + TOLERANCE_MS;
    const broadcastId = randomUUID();
    c.send({ type: 'create-image-chat', image: `late-${randomUUID()}`, broadcastId, x: 0.5, y: 0.5, text: 'too late' });
    const error = await c.take('error');
    assert.equal(error.type === 'error' && error.code, 'unauthorized');
    assert.equal(error.type === 'error' && error.reason, 'sign-in-expired');
    assert.equal((await c.closed).code, 4401);
    clock.run(); // the late timer, now harmless
  });

  test('a fresh token for the same user renews the sign-in on the same connection; subscriptions go on', async () => {
    const watcher = await client();
    await watcher.hello({ name: 'Watcher' });
    const c = await client();
    await c.hello({ token: await token('acme', 'ada', clock.t, 60) });
    const image = `renew-${randomUUID()}`;
    c.send({ type: 'subscribe', image });
    await c.take('snapshot');
    watcher.send({ type: 'subscribe', image });
    await watcher.take('snapshot');

    clock.advance(50_000);
    const welcome = await c.hello({ token: await token('acme', 'ada', clock.t, 3600, 'Ada Lovelace') });
    assert.equal(welcome.user.id, 'u:ada');
    assert.equal(welcome.user.name, 'Ada Lovelace', 'the fresh claims apply');
    clock.advance(60_000 + TOLERANCE_MS); // past the first token's end
    watcher.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.2, y: 0.2, text: 'seen by the renewed socket' });
    const event = await c.take('new-image-chat');
    assert.equal(event.type === 'new-image-chat' && event.chat.comments[0]?.text, 'seen by the renewed socket');
    c.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'after renewal' });
    const ack = await c.take((m) => m.type === 'ack' || m.type === 'error');
    assert.equal(ack.type, 'ack');
    assert.equal(ack.type === 'ack' && ack.chat?.author.name, 'Ada Lovelace');
    clock.advance(3600_000 + TOLERANCE_MS);
    assert.equal((await c.closed).code, 4401, 'the renewed token ends too');
  });

  test('a token for another user, or an invalid one, is refused and the working sign-in stays', async () => {
    const c = await client();
    await c.hello({ token: await token('acme', 'ada', clock.t, 600) });
    c.send({ type: 'hello', token: await token('acme', 'mallory', clock.t, 600, 'Mallory') });
    const other = await c.take('error');
    assert.equal(other.type === 'error' && other.code, 'forbidden');
    assert.equal(other.type === 'error' && other.reason, 'sign-in-other-user');
    assert.match(other.type === 'error' ? other.message : '', /another user/);
    c.send({ type: 'hello', token: await mintToken('acme', { sub: 'ada' }, { secret: 'a-forged-secret-that-is-long-enough-0000' }) });
    const forged = await c.take('error');
    assert.equal(forged.type === 'error' && forged.code, 'unauthorized');
    assert.equal(forged.type === 'error' && forged.reason, 'sign-in-renewal-refused', 'the connection goes on: not a refusal for good');
    assert.match(forged.type === 'error' ? forged.message : '', /new sign-in token was not accepted/);
    c.send({ type: 'hello', name: 'Now a guest?' });
    const guest = await c.take('error');
    assert.equal(guest.type === 'error' && guest.reason, 'hello-repeated');
    const image = `kept-${randomUUID()}`;
    c.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: 'still Ada' });
    const ack = await c.take((m) => m.type === 'ack' || m.type === 'error');
    assert.equal(ack.type === 'ack' && ack.chat?.author.id, 'u:ada');
  });

  test('an invalid renewal after the old sign-in ended closes with 4401', async () => {
    const c = await client();
    await c.hello({ token: await token('acme', 'ada', clock.t, 60) });
    clock.t += 60_000 + TOLERANCE_MS; // ended, the timer not yet run
    c.send({ type: 'hello', token: await token('acme', 'ada', clock.t - 7200_000, 60) });
    const error = await c.take('error');
    assert.equal(error.type === 'error' && error.code, 'unauthorized');
    assert.equal(error.type === 'error' && error.reason, 'sign-in-expired', 'refused for good, as at a first hello');
    assert.equal((await c.closed).code, 4401);
    clock.run();
  });

  test('a guest connection cannot turn into a signed-in one', async () => {
    const c = await client();
    await c.hello({ name: 'Gus' });
    c.send({ type: 'hello', token: await token('acme', 'ada', clock.t, 600) });
    const error = await c.take('error');
    assert.equal(error.type === 'error' && error.code, 'invalid');
    assert.equal(error.type === 'error' && error.reason, 'hello-repeated');
  });
});

describe('a tenant caps token lifetime (maxTokenLifetimeSeconds)', () => {
  test('a token lasting a day keeps a connection only for the cap, counted from iat', async () => {
    const c = await client('capped');
    await c.hello({ token: await token('capped', 'ada', clock.t - 100_000, 86_400) });
    clock.advance(500_000 + TOLERANCE_MS - 1);
    c.send({ type: 'ping' });
    await c.take('pong');
    clock.advance(1);
    assert.equal((await c.take('error')).type, 'error');
    assert.equal((await c.closed).code, 4401);
  });

  test('a token older than the cap is refused at hello', async () => {
    const c = await client('capped');
    c.send({ type: 'hello', token: await token('capped', 'ada', clock.t - 700_000, 86_400) });
    const error = await c.take('error');
    assert.match(error.type === 'error' ? error.message : '', /sign-in has expired/);
    assert.equal(error.type === 'error' && error.reason, 'sign-in-expired');
    assert.equal((await c.closed).code, 4401);
  });

  test('a token without iat is capped from when it was presented', async () => {
    const c = await client('capped');
    await c.hello({ token: await mintToken('capped', { sub: 'ada' }, { iat: null, exp: Math.floor(clock.t / 1000) + 86_400 }) });
    clock.advance(600_000 + TOLERANCE_MS);
    assert.equal((await c.closed).code, 4401);
  });
});
