import { expect } from '@open-wc/testing';
import { ActionError, Connection, socketUrl, type ConnectionOptions, type Timers } from './connection.ts';
import { FakeSocket } from '../../test/support/test-socket.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { FakePage } from '../../test/support/fake-page.ts';
import type { ProbeAnswer } from './probe.ts';
import type { SeqPosition, SnapshotMessage } from '../protocol/messages.ts';

function setup(extra: Partial<ConnectionOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  const conn = new Connection('ws://x/ws?tenant=t', 'guest-key', {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    now: timers.now,
    random: () => 0.5,
    storage,
    heartbeat: 0,
    online: true,
    name: 'Zoe',
    ...extra,
  });
  const last = () => sockets[sockets.length - 1]!;
  const welcome = (s: FakeSocket) => s.receive({ type: 'welcome', user: { id: 'u1', name: 'Zoe', kind: 'guest' }, guest: 'tok' });
  return { conn, sockets, timers, store, last, welcome };
}

const ACTION = { type: 'delete-image-chat', image: 'img', broadcastId: '00000000-0000-4000-8000-00000000000a', chatId: 'c1' } as const;

describe('socket URLs', () => {
  it('maps server URLs to socket URLs', () => {
    expect(socketUrl('http://a.test:8787', 'demo')).to.equal('ws://a.test:8787/ws?tenant=demo');
    expect(socketUrl('https://a.test/chat/', 'acme')).to.equal('wss://a.test/chat/ws?tenant=acme');
  });
});

describe('Connection', () => {
  it('renew: a fresh token goes as a second hello on the same socket; subscriptions and actions in flight stay', async () => {
    const { conn, last, sockets } = setup({ token: 'first.token', name: undefined });
    conn.subscribe('img', () => undefined);
    last().open();
    last().receive({ type: 'welcome', user: { id: 'u:ada', name: 'Ada', kind: 'user' } });
    const acked = conn.send(ACTION);
    const before = last().sent.length;
    conn.renew('second.token');
    expect(sockets).to.have.length(1);
    expect(last().sent.slice(before)).to.deep.equal([{ type: 'hello', token: 'second.token' }]);
    last().receive({ type: 'welcome', user: { id: 'u:ada', name: 'Ada L.', kind: 'user' } });
    expect(conn.status).to.equal('online');
    expect(conn.user?.name).to.equal('Ada L.');
    expect(last().sent.filter((m) => (m as { type: string }).type === 'subscribe')).to.have.length(1, 'not subscribed again');
    last().receive({ type: 'ack', broadcastId: ACTION.broadcastId, seq: 1 });
    expect((await acked).seq).to.equal(1);
    conn.renew('second.token');
    expect(last().sent.slice(before)).to.have.length(1, 'the same token is not sent twice');
    conn.close();
  });

  it('renew: later hellos carry the fresh token; a connection refused for its old one tries again with it', () => {
    const { conn, last, sockets } = setup({ token: 'old.token', name: undefined });
    last().open();
    last().receive({ type: 'error', code: 'unauthorized', reason: 'sign-in-expired', message: 'your sign-in has expired: reload the page to sign in again' });
    expect(conn.state).to.include({ status: 'offline', retry: false });
    expect(conn.state).to.deep.include({ refusal: { code: 'unauthorized', reason: 'sign-in-expired' } }, 'the facts to word it, beside the English reason');
    conn.renew('fresh.token');
    expect(conn.status).to.equal('connecting');
    expect(sockets).to.have.length(2);
    last().open();
    expect(last().sent).to.deep.equal([{ type: 'hello', token: 'fresh.token' }]);
    conn.close();
  });

  it('says hello, goes online on welcome, keeps the guest token and sends it next time', () => {
    const { conn, last, welcome, store, timers } = setup();
    expect(conn.status).to.equal('connecting');
    last().open();
    expect(last().sent).to.deep.equal([{ type: 'hello', name: 'Zoe' }]);
    welcome(last());
    expect(conn.status).to.equal('online');
    expect(store.get('guest-key')).to.equal('tok');
    last().drop();
    expect(conn.status).to.equal('reconnecting');
    timers.run();
    last().open();
    expect(last().sent[0]).to.deep.equal({ type: 'hello', guest: 'tok', name: 'Zoe' });
    conn.close();
  });

  it('subscribes images, and re-subscribes them after a reconnect', () => {
    const { conn, last, welcome, timers, sockets } = setup();
    const got: unknown[] = [];
    conn.subscribe('img', (m) => got.push(m));
    last().open();
    welcome(last());
    expect(last().sent).to.deep.include({ type: 'subscribe', image: 'img' });
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 0, chats: [] });
    last().receive({ type: 'snapshot', image: 'other', epoch: 'e', seq: 0, chats: [] });
    expect(got).to.have.length(1);
    last().drop();
    timers.run();
    expect(sockets).to.have.length(2);
    last().open();
    welcome(last());
    expect(last().sent).to.deep.equal([{ type: 'hello', guest: 'tok', name: 'Zoe' }, { type: 'subscribe', image: 'img' }]);
    conn.close();
  });

  it('refuses to send at once when not online (nothing queued)', () => {
    const { conn, last } = setup();
    expect(() => conn.send(ACTION)).to.throw(ActionError, /not connected/);
    try {
      conn.send(ACTION);
    } catch (e) {
      expect((e as ActionError).facts).to.deep.equal({ code: 'unavailable', reason: 'not-online' });
    }
    last().open();
    expect(last().sent.filter((m) => (m as { type: string }).type === 'delete-image-chat')).to.have.length(0);
    conn.close();
  });

  it('routes ack and error by broadcastId, and fails in-flight actions when the socket drops', async () => {
    const { conn, last, welcome } = setup();
    last().open();
    welcome(last());
    const ok = conn.send(ACTION);
    last().receive({ type: 'ack', broadcastId: ACTION.broadcastId, seq: 4 });
    expect((await ok).seq).to.equal(4);

    const refused = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000b' });
    last().receive({ type: 'error', code: 'forbidden', reason: 'not-author', message: 'not yours', broadcastId: '00000000-0000-4000-8000-00000000000b' });
    const e = await refused.then(() => null, (x: ActionError) => x);
    expect(e?.code).to.equal('forbidden');
    expect(e?.facts).to.deep.equal({ code: 'forbidden', reason: 'not-author' });
    expect(e?.report).to.deep.equal({ code: 'forbidden', reason: 'not-author', message: 'not yours' });

    const limited = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000e' }).then(() => null, (x: ActionError) => x);
    last().receive({ type: 'error', code: 'rate-limited', reason: 'too-many-actions', retryAfter: 30_000, message: 'Too many actions: wait 30 s and try again.', broadcastId: '00000000-0000-4000-8000-00000000000e' });
    const r = await limited;
    expect(r?.facts).to.deep.equal({ code: 'rate-limited', reason: 'too-many-actions', retryAfter: 30_000 });
    expect(r?.message).to.equal('Too many actions: wait 30 s and try again.', 'the English message stays');

    const full = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000f' }).then(() => null, (x: ActionError) => x);
    last().receive({ type: 'error', code: 'too-large', reason: 'too-many-comments', limit: 500, message: 'full', broadcastId: '00000000-0000-4000-8000-00000000000f' });
    expect((await full)?.facts).to.deep.equal({ code: 'too-large', reason: 'too-many-comments', limit: 500 });

    const lost = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000c' });
    last().drop();
    const l = await lost.then(() => null, (x: ActionError) => x);
    expect(l?.code).to.equal('unavailable');
    expect(l?.facts).to.deep.equal({ code: 'unavailable', reason: 'connection-lost' });
    conn.close();
  });

  it('failures the client makes itself say which: no answer in time (ack-timeout), the connection closed (connection-closed)', async () => {
    const { conn, last, welcome, timers } = setup({ ackTimeout: 1000 });
    last().open();
    welcome(last());
    const late = conn.send(ACTION).then(() => null, (x: ActionError) => x);
    timers.advance(1000);
    const t = await late;
    expect([t?.facts, t?.message]).to.deep.equal([{ code: 'unavailable', reason: 'ack-timeout' }, 'The server did not confirm this in time.']);
    const unanswered = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-000000000010' }).then(() => null, (x: ActionError) => x);
    conn.close();
    const c = await unanswered;
    expect([c?.facts, c?.message]).to.deep.equal([{ code: 'unavailable', reason: 'connection-closed' }, 'The connection was closed.']);
  });

  it('reports status changes and backs off longer after each failure', () => {
    const { conn, last, timers } = setup();
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s.status));
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      last().drop();
      delays.push([...timers.due.values()][0]!.ms);
      timers.run();
    }
    expect(delays).to.deep.equal([...delays].sort((a, b) => a - b));
    expect(delays[4]).to.be.greaterThan(delays[0]!);
    expect(statuses).to.include('reconnecting');
    expect(statuses[statuses.length - 1]).to.equal('offline');
    conn.close();
    expect(timers.due.size).to.equal(0);
  });

  it('subscribes with since the listeners\' position, after every reconnect, and catches up on request', () => {
    const { conn, last, welcome, timers } = setup();
    let position: SeqPosition | undefined;
    const got: { type: string }[] = [];
    conn.subscribe('img', (m) => got.push(m), () => position);
    last().open();
    welcome(last());
    expect(last().sent).to.deep.include({ type: 'subscribe', image: 'img' }); // nothing held yet: a snapshot
    // A live event before the answer is covered by the answer: not passed on.
    last().receive({ type: 'deleted-image-chat', image: 'img', seq: 1, broadcastId: 'b', chatId: 'c' });
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: [] });
    position = { epoch: 'e', seq: 4 };
    last().receive({ type: 'deleted-image-chat', image: 'img', seq: 5, broadcastId: 'b', chatId: 'c' });
    expect(got.map((m) => m.type)).to.deep.equal(['snapshot', 'deleted-image-chat']);

    position = { epoch: 'e', seq: 5 };
    last().drop();
    timers.advance(60_000);
    last().open();
    welcome(last());
    expect(last().sent).to.deep.include({ type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 5 } });
    last().receive({ type: 'replay', image: 'img', events: [] });

    // A gap seen by the listener: one resync, however many times it is asked before the answer.
    conn.resync('img');
    conn.resync('img');
    const subs = last().sent.filter((m) => (m as { type: string }).type === 'subscribe');
    expect(subs).to.have.length(2);
    expect(subs[1]).to.deep.equal({ type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 5 } });
    conn.close();
  });

  it('with two listeners on one image, since is the lower position; one without a position asks for a snapshot', () => {
    const { conn, last, welcome } = setup();
    let a: SeqPosition | undefined = { epoch: 'e', seq: 9 };
    const b: SeqPosition | undefined = { epoch: 'e', seq: 7 };
    conn.subscribe('img', () => {}, () => a);
    conn.subscribe('img', () => {}, () => b);
    last().open();
    welcome(last());
    expect(last().sent).to.deep.include({ type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 7 } });
    a = undefined;
    last().receive({ type: 'replay', image: 'img', events: [] });
    conn.resync('img');
    expect(last().sent.at(-1)).to.deep.equal({ type: 'subscribe', image: 'img' });
    conn.close();
  });

  it('subscribing again an image the socket follows is a new subscription: unsubscribe, then subscribe', () => {
    const { conn, last, welcome } = setup();
    conn.subscribe('img', () => {}, () => ({ epoch: 'e', seq: 9 }));
    last().open();
    welcome(last());
    last().receive({ type: 'replay', image: 'img', events: [] });
    const before = last().sent.length;
    conn.subscribe('img', () => {}); // a second element with nothing yet: it needs a snapshot
    expect(last().sent.slice(before)).to.deep.equal([{ type: 'unsubscribe', image: 'img' }, { type: 'subscribe', image: 'img' }]);
    conn.close();
  });

  it('a snapshot sent in pages reaches the listeners once, whole, when its last page has come', () => {
    const { conn, last, welcome, timers } = setup();
    const got: SnapshotMessage[] = [];
    conn.subscribe('img', (m) => m.type === 'snapshot' && got.push(m));
    last().open();
    welcome(last());
    const chat = (id: string) => ({ id, x: 0.5, y: 0.5, author: { id: 'a', name: 'A' }, createdAt: 1, resolved: false, comments: [] });
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: [chat('a'), chat('b')], more: true });
    last().receive({ type: 'deleted-image-chat', image: 'img', seq: 5, broadcastId: 'b', chatId: 'a' }); // held by the answer under way
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: [chat('c')], more: true });
    expect(got).to.have.length(0);
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: [chat('d')] });
    expect(got).to.deep.equal([{ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: ['a', 'b', 'c', 'd'].map(chat) }]);

    // Pages cut off by a lost socket are forgotten: the next socket's snapshot starts afresh.
    conn.resync('img');
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 6, chats: [chat('x')], more: true });
    last().drop();
    timers.advance(60_000);
    last().open();
    welcome(last());
    last().receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 6, chats: [chat('y')] });
    expect(got.at(-1)?.chats.map((c) => c.id)).to.deep.equal(['y']);
    conn.close();
  });

  it('the browser\'s offline event shows offline at once, drops the socket and refuses actions; online reconnects without waiting', () => {
    const { conn, last, welcome, sockets, timers } = setup();
    last().open();
    welcome(last());
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s.status));
    const inFlight = conn.send(ACTION);
    window.dispatchEvent(new Event('offline'));
    expect(conn.status).to.equal('offline');
    expect(statuses).to.deep.equal(['offline']);
    expect(last().readyState).to.equal(3);
    expect(() => conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000d' })).to.throw(ActionError);
    timers.advance(120_000);
    expect(sockets).to.have.length(1); // nothing tried while the browser says offline
    window.dispatchEvent(new Event('online'));
    expect(sockets).to.have.length(2); // at once, no backoff wait
    last().open();
    welcome(last());
    expect(conn.status).to.equal('online');
    const sent = sockets.flatMap((s) => s.sent as { type: string }[]).filter((m) => m.type === 'delete-image-chat');
    expect(sent).to.have.length(1, 'only the action sent while online went out; none was replayed');
    conn.close();
    return inFlight.then(
      () => expect.fail('the in-flight action should have failed'),
      (e: ActionError) => expect(e.code).to.equal('unavailable'),
    );
  });

  it('heartbeat: pings a quiet connection and drops it when the ping goes unanswered', () => {
    const { conn, last, welcome, sockets, timers } = setup({ heartbeat: { every: 1000, pingAfter: 2000, pongTimeout: 3000 } });
    last().open();
    welcome(last());
    timers.advance(2000);
    expect(last().sent.at(-1)).to.deep.equal({ type: 'ping' });
    last().receive({ type: 'pong' });
    timers.advance(2000);
    expect(conn.status).to.equal('online');
    timers.advance(3000); // pinged again, never answered
    expect(conn.status).to.equal('reconnecting');
    expect(sockets[0]!.readyState).to.equal(3);
    timers.advance(1000);
    expect(sockets).to.have.length(2);
    conn.close();
  });

  it('the server down: a visible page waits at most a second between tries, a hidden one backs off; shown or focused, it tries at once', () => {
    const page = new FakePage(false);
    const { conn, last, sockets, timers } = setup({ page });
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().drop(); // never opened: the server cannot be reached
      const armed = conn.state as { retryAt?: number };
      waits.push(armed.retryAt! - timers.t);
      timers.run();
    }
    expect(waits.at(-1)).to.equal(7500, 'hidden: the full backoff (10 s cap, jittered)');
    last().drop();
    const opened = sockets.length;
    page.emit('visible');
    expect(sockets).to.have.length(opened + 1, 'shown again: a try at once, not at the end of the wait');
    last().drop();
    expect((conn.state as { retryAt?: number }).retryAt! - timers.t).to.equal(750, 'visible: at most a second');
    page.emit('focus');
    expect(sockets).to.have.length(opened + 2, 'focused: a try at once');
    conn.retryNow();
    expect(sockets).to.have.length(opened + 2, 'a try already under way: nothing more');
    last().drop();
    conn.retryNow();
    expect(sockets).to.have.length(opened + 3, '"Retry now"');
    last().open();
    last().receive({ type: 'welcome', user: { id: 'u1', name: 'Zoe', kind: 'guest' } });
    expect(conn.status).to.equal('online');
    page.emit('focus');
    expect(sockets).to.have.length(opened + 3, 'online: focus changes nothing');
    conn.close();
    expect(page.listening).to.equal(0, 'closing stops listening to the page');
  });

  it('the page going offline and online again goes through the injected page too', () => {
    const page = new FakePage(true);
    const { conn, last, sockets, welcome } = setup({ page });
    last().open();
    welcome(last());
    page.emit('offline');
    expect(conn.state).to.include({ status: 'offline', network: true });
    page.emit('focus');
    expect(sockets).to.have.length(1, 'no network: focus tries nothing');
    page.emit('online');
    expect(sockets).to.have.length(2);
    conn.close();
  });

  it('while the server cannot be reached it is asked over HTTP, not with sockets; its "ok" opens one at once, its refusal is final', async () => {
    const answers: ((a: ProbeAnswer) => void)[] = [];
    const asked: string[] = [];
    const probe = (url: string) => {
      asked.push(url);
      return new Promise<ProbeAnswer>((resolve) => answers.push(resolve));
    };
    const { conn, last, sockets, timers, welcome } = setup({ probe, page: new FakePage(true) });
    last().drop(); // the first socket never opened
    timers.run();
    expect(sockets).to.have.length(1, 'a probe, not a socket');
    expect(asked).to.deep.equal(['ws://x/ws?tenant=t']);
    answers.shift()!({ kind: 'down' });
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.state).to.include({ status: 'reconnecting', attempt: 2 });
    timers.run();
    expect(sockets).to.have.length(1);
    answers.shift()!({ kind: 'ok' });
    await Promise.resolve();
    await Promise.resolve();
    expect(sockets).to.have.length(2, 'the server is back: a socket at once');
    last().open();
    welcome(last());
    expect(conn.status).to.equal('online');

    last().drop();
    timers.run(); // attempt 0 after a healthy connection: straight to a socket
    last().drop();
    timers.run();
    answers.shift()!({ kind: 'refused', reason: 'There is no tenant "t" on this server.', refusal: { code: 'not-found', reason: 'unknown-tenant' } });
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.state).to.deep.include({
      status: 'offline',
      retry: false,
      reason: 'There is no tenant "t" on this server.',
      refusal: { code: 'not-found', reason: 'unknown-tenant' },
    });
    conn.close();
  });

  it('a probe that never answers is given up after a while and counts as a failed try', async () => {
    const signals: AbortSignal[] = [];
    const probe = (_url: string, signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<ProbeAnswer>((resolve) => signal.addEventListener('abort', () => resolve({ kind: 'down' })));
    };
    const { conn, last, timers } = setup({ probe, page: new FakePage(true) });
    last().drop();
    timers.run();
    expect(signals).to.have.length(1);
    timers.advance(5000);
    expect(signals[0]!.aborted).to.equal(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.state).to.include({ attempt: 2, socket: false });
    conn.close();
  });
});

