// Presence and typing over real sockets (issue 14): who views an image, counted once per user,
// coalesced to about one frame a second per socket (the clock is injected: nothing is timed),
// away, typing with its expiry, read-only viewers, identity, rate limits, tenant isolation and
// the tenant switch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import type { PresenceMessage, ServerMessage, TypingMessage } from '../protocol/messages.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { mintToken } from '../../test/support/test-tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-presence-'));
const clock = new FakeTimers();
clock.t = Date.now(); // tokens are minted on the real clock
let server: RunningServer;
const clients: TestClient[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(dir, 'presence.sqlite'),
    staticRoot: dir,
    clock,
    now: clock.now,
    tenants: testTenants(testTenant('quiet', { presence: false }), testTenant('tight', { limits: { ephemeralBurst: 3, ephemeralPerMinute: 6 } })),
  });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const isPresence = (image: string) => (m: ServerMessage) => m.type === 'presence' && m.image === image;
const isTyping = (image: string) => (m: ServerMessage) => m.type === 'typing' && m.image === image;

/**
 * A signed-in user (`sub`) on `tenant`, subscribed to `image`, with the first presence frame it
 * got after its snapshot (none when it is alone: a client assumes that until told otherwise).
 */
async function viewer(image: string, sub: string, options: { tenant?: string; readonly?: boolean; name?: string } = {}): Promise<{ c: TestClient; first: PresenceMessage | undefined }> {
  const tenant = options.tenant ?? 'acme';
  const c = await TestClient.open(server.url, tenant);
  clients.push(c);
  await c.hello({ token: await mintToken(tenant, { sub, name: options.name ?? sub, ...(options.readonly ? { readonly: true } : {}) }) });
  c.send({ type: 'subscribe', image });
  await c.take('snapshot');
  await c.sync();
  const first = c.inbox.find(isPresence(image)) as PresenceMessage | undefined;
  if (first) c.inbox.splice(c.inbox.indexOf(first), 1);
  return { c, first };
}

/** Everything the server sent before now has arrived; what presence frames are waiting. */
async function pending(c: TestClient, image: string): Promise<ServerMessage[]> {
  await c.sync();
  return c.inbox.filter(isPresence(image));
}

const names = (m: PresenceMessage) => m.viewers.map((v) => v.name);

describe('presence', () => {
  test('each viewer is sent who views the image at once; one user with two sockets counts once', async () => {
    const image = `p-${randomUUID()}`;
    const ana = await viewer(image, 'ana');
    assert.equal(ana.first, undefined, 'alone: nothing to say');
    const ben = await viewer(image, 'ben');
    assert.deepEqual(ben.first, { type: 'presence', image, count: 2, viewers: [{ id: 'u:ana', name: 'ana' }, { id: 'u:ben', name: 'ben' }] }, 'in the order they came');
    const benAgain = await viewer(image, 'ben');
    assert.equal(benAgain.first?.count, 2, 'a second socket (another tab or device) of ben is still one viewer');
    // Ana's arrival was flushed at once: the next change waits for the interval to end.
    assert.deepEqual(await pending(ana.c, image), [], 'nothing within the interval');
    clock.advance(1000);
    const update = (await ana.c.take(isPresence(image))) as PresenceMessage;
    assert.equal(update.count, 2);
    assert.deepEqual(names(update), ['ana', 'ben']);
    assert.deepEqual(await pending(ana.c, image), [], 'one frame for the whole burst');
    assert.deepEqual(await pending(benAgain.c, image), [], 'a socket already holding the list is not sent it again');
  });

  test('a burst of arrivals and departures costs each socket one frame per interval, with the state at its end', async () => {
    const image = `p-${randomUUID()}`;
    const watcher = await viewer(image, 'watcher');
    clock.advance(1000);
    const crowd = [];
    for (let i = 0; i < 8; i++) crowd.push(await viewer(image, `guest-${i}`));
    await crowd[0]!.c.close();
    await crowd[1]!.c.close();
    // The first arrival went out at once (the interval had passed); the rest wait for the next one.
    const first = (await watcher.c.take(isPresence(image))) as PresenceMessage;
    assert.equal(first.count, 2);
    assert.deepEqual(await pending(watcher.c, image), []);
    clock.advance(1000);
    const last = (await watcher.c.take(isPresence(image))) as PresenceMessage;
    assert.equal(last.count, 7, 'watcher and the six still there');
    assert.ok(!names(last).includes('guest-0') && !names(last).includes('guest-1'));
    assert.deepEqual(await pending(watcher.c, image), []);
  });

  test('a newcomer is sent its list on arrival, and the next one no sooner than an interval later', async () => {
    const image = `p-${randomUUID()}`;
    const watcher = await viewer(image, 'watcher');
    clock.advance(1000);
    const first = await viewer(image, 'first');
    await watcher.c.take(isPresence(image)); // the round the first arrival started at once
    clock.advance(500);
    const second = await viewer(image, 'second');
    assert.equal(second.first?.count, 3);
    clock.advance(400);
    const third = await viewer(image, 'third');
    assert.equal(third.first?.count, 4);
    clock.advance(100);
    assert.equal(((await watcher.c.take(isPresence(image))) as PresenceMessage).count, 4, 'the next round, an interval after the last');
    assert.equal(((await first.c.take(isPresence(image))) as PresenceMessage).count, 4, 'the first arrival got its list an interval ago');
    assert.deepEqual(await pending(second.c, image), [], 'the second got its list 500 ms ago: it waits');
    assert.deepEqual(await pending(third.c, image), [], 'the third already has this list');
    clock.advance(1000);
    assert.equal(((await second.c.take(isPresence(image))) as PresenceMessage).count, 4);
  });

  test('a viewer that says it is away is not counted until it says it is here again; closing a socket leaves', async () => {
    const image = `p-${randomUUID()}`;
    const ana = await viewer(image, 'ana');
    const ben = await viewer(image, 'ben');
    clock.advance(1000);
    await ana.c.take(isPresence(image));
    ben.c.send({ type: 'presence', image, here: false });
    clock.advance(1000);
    assert.deepEqual(names((await ana.c.take(isPresence(image))) as PresenceMessage), ['ana']);
    ben.c.send({ type: 'presence', image, here: true });
    clock.advance(1000);
    assert.deepEqual(names((await ana.c.take(isPresence(image))) as PresenceMessage), ['ana', 'ben']);
    await ben.c.close();
    clock.advance(1000);
    assert.deepEqual(await ana.c.take(isPresence(image)), { type: 'presence', image, count: 1, viewers: [{ id: 'u:ana', name: 'ana' }] }, 'alone again is said');
  });

  test('guests appear by their display name, marked as guests; read-only viewers are counted', async () => {
    const image = `p-${randomUUID()}`;
    const guest = await TestClient.open(server.url, 'acme');
    clients.push(guest);
    const welcome = await guest.hello({ name: 'Visitor Vera' });
    guest.send({ type: 'subscribe', image });
    await guest.take('snapshot');
    const reader = await viewer(image, 'rita', { readonly: true });
    assert.deepEqual(reader.first?.viewers, [{ id: welcome.user.id, name: 'Visitor Vera', guest: true }, { id: 'u:rita', name: 'rita' }]);
  });

  test('the same image id on two tenants: neither sees the other', async () => {
    const image = `p-${randomUUID()}`;
    const acme = await viewer(image, 'ana', { tenant: 'acme' });
    const globex = await viewer(image, 'gus', { tenant: 'globex' });
    assert.equal(globex.first, undefined, 'alone on its tenant');
    clock.advance(1000);
    assert.deepEqual(await pending(acme.c, image), []);
    globex.c.send({ type: 'typing', image, chatId: 'c1' });
    await globex.c.take(isTyping(image));
    assert.equal(acme.c.inbox.filter(isTyping(image)).length, 0);
    await acme.c.sync();
    assert.equal(acme.c.inbox.filter(isTyping(image)).length, 0, 'typing stays in its tenant');
  });

  test('a tenant with presence off sends none, and ignores presence and typing frames', async () => {
    const image = `p-${randomUUID()}`;
    const c = await TestClient.open(server.url, 'quiet');
    clients.push(c);
    await c.hello({ token: await mintToken('quiet', { sub: 'q', name: 'Q' }) });
    c.send({ type: 'subscribe', image });
    await c.take('snapshot');
    c.send({ type: 'presence', image, here: false });
    c.send({ type: 'typing', image, chatId: 'c1' });
    await c.sync();
    assert.deepEqual(c.inbox.map((m) => m.type), [], 'no presence, no typing, no error');
  });
});

describe('typing', () => {
  test('others see who types in a conversation; it ends on stop, or 5 s after the last refresh', async () => {
    const image = `t-${randomUUID()}`;
    const ana = await viewer(image, 'ana', { name: 'Ana' });
    const ben = await viewer(image, 'ben', { name: 'Ben' });
    ana.c.send({ type: 'typing', image, chatId: 'c1' });
    const started = (await ben.c.take(isTyping(image))) as TypingMessage;
    assert.deepEqual(started, { type: 'typing', image, chatId: 'c1', users: [{ id: 'u:ana', name: 'Ana' }] });
    clock.advance(1000);
    ana.c.send({ type: 'typing', image, chatId: 'c1', stop: true });
    assert.deepEqual(((await ben.c.take(isTyping(image))) as TypingMessage).users, []);

    clock.advance(1000);
    ana.c.send({ type: 'typing', image, chatId: 'c1' });
    await ben.c.take(isTyping(image));
    clock.advance(3000);
    ana.c.send({ type: 'typing', image, chatId: 'c1' }); // a refresh: no frame, a later expiry
    await ana.c.sync();
    clock.advance(4999);
    assert.deepEqual(ben.c.inbox.filter(isTyping(image)), [], 'still typing 4.999 s after the refresh');
    clock.advance(1);
    assert.deepEqual(((await ben.c.take(isTyping(image))) as TypingMessage).users, []);
  });

  test('a typist who leaves the image stops typing; a newcomer is told who types', async () => {
    const image = `t-${randomUUID()}`;
    const ana = await viewer(image, 'ana', { name: 'Ana' });
    const ben = await viewer(image, 'ben', { name: 'Ben' });
    ana.c.send({ type: 'typing', image, chatId: 'c1' });
    await ben.c.take(isTyping(image));
    const cleo = await TestClient.open(server.url, 'acme');
    clients.push(cleo);
    await cleo.hello({ token: await mintToken('acme', { sub: 'cleo', name: 'Cleo' }) });
    cleo.send({ type: 'subscribe', image });
    assert.deepEqual(((await cleo.take(isTyping(image))) as TypingMessage).users, [{ id: 'u:ana', name: 'Ana' }]);
    await ana.c.close();
    clock.advance(1000);
    assert.deepEqual(((await ben.c.take(isTyping(image))) as TypingMessage).users, []);
  });

  test('a read-only viewer may not type (forbidden); identity is the session’s, never the frame’s', async () => {
    const image = `t-${randomUUID()}`;
    const reader = await viewer(image, 'rita', { readonly: true });
    const ana = await viewer(image, 'ana', { name: 'Ana' });
    reader.c.send({ type: 'typing', image, chatId: 'c1' });
    const refused = await reader.c.take('error');
    assert.equal(refused.type === 'error' && refused.code, 'forbidden');
    ana.c.send({ type: 'typing', image, chatId: 'c1', user: { id: 'rita', name: 'Rita' } });
    const invalid = await ana.c.take('error');
    assert.equal(invalid.type === 'error' && invalid.code, 'invalid');
    ana.c.send({ type: 'presence', image, here: true, name: 'Someone else' });
    assert.equal((await ana.c.take('error')).type, 'error');
    await reader.c.sync();
    assert.deepEqual(reader.c.inbox.filter(isTyping(image)), [], 'nobody was shown typing');
  });

  test('presence and typing for an image the socket does not follow are refused', async () => {
    const image = `t-${randomUUID()}`;
    const ana = await viewer(image, 'ana');
    ana.c.send({ type: 'typing', image: 'elsewhere', chatId: 'c1' });
    const e = await ana.c.take('error');
    assert.equal(e.type === 'error' && e.code, 'invalid');
  });

  test('presence and typing frames are rate-limited per user, with the wait in ms', async () => {
    const image = `t-${randomUUID()}`;
    const { c } = await viewer(image, 'fast', { tenant: 'tight' });
    for (let i = 0; i < 4; i++) c.send({ type: 'typing', image, chatId: 'c1' });
    const e = await c.take('error');
    assert.equal(e.type === 'error' && e.code, 'rate-limited');
    assert.equal(e.type === 'error' && e.retryAfter, 10_000, 'one token back in 10 s at 6 a minute');
    clock.advance(10_000);
    c.send({ type: 'presence', image, here: false });
    await c.sync();
    assert.deepEqual(c.inbox.filter((m) => m.type === 'error'), [], 'accepted again once a token is back');
  });
});
