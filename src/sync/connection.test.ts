import { expect } from '@open-wc/testing';
import { ActionError, Connection, socketUrl, type SocketLike, type Timers } from './connection.ts';
import { INITIAL_STATE, backoffDelay, transition } from './state.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(m: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(m) }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close'));
  }
}

class FakeTimers implements Timers {
  private next = 1;
  readonly due = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.due.set(id, { fn, ms });
    return id;
  }
  clearTimeout(h: unknown) {
    this.due.delete(h as number);
  }
  /** Runs the timers whose delay is at most `ms`. */
  run(ms = Infinity) {
    for (const [id, t] of [...this.due]) {
      if (t.ms <= ms) {
        this.due.delete(id);
        t.fn();
      }
    }
  }
}

function setup() {
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
    random: () => 0.5,
    storage,
    heartbeat: 0,
    name: 'Zoe',
  });
  const last = () => sockets[sockets.length - 1]!;
  const welcome = (s: FakeSocket) => s.receive({ type: 'welcome', user: { id: 'u1', name: 'Zoe', kind: 'guest' }, guest: 'tok' });
  return { conn, sockets, timers, store, last, welcome };
}

const ACTION = { type: 'delete-image-chat', image: 'img', broadcastId: '00000000-0000-4000-8000-00000000000a', chatId: 'c1' } as const;

describe('connection state', () => {
  it('transitions: connecting → online → reconnecting → offline after repeated failures', () => {
    const o = { offlineAfter: 3 };
    let s = transition(INITIAL_STATE, { type: 'welcome', user: { id: 'u', name: 'U', kind: 'guest' } }, o);
    expect(s.status).to.equal('online');
    s = transition(s, { type: 'lost' }, o);
    expect(s).to.deep.equal({ status: 'reconnecting', attempt: 0 });
    s = transition(transition(s, { type: 'lost' }, o), { type: 'lost' }, o);
    expect(s).to.deep.equal({ status: 'reconnecting', attempt: 2 });
    s = transition(s, { type: 'lost' }, o);
    expect(s.status).to.equal('offline');
    expect(transition(s, { type: 'refused', reason: 'no' }, o)).to.deep.equal({ status: 'offline', attempt: 0, reason: 'no', retry: false });
  });

  it('backoff grows exponentially, is capped, and jittered within [half, full]', () => {
    const b = { base: 100, cap: 1000 };
    expect(backoffDelay(0, () => 0, b)).to.equal(50);
    expect(backoffDelay(0, () => 1, b)).to.equal(100);
    expect(backoffDelay(3, () => 1, b)).to.equal(800);
    expect(backoffDelay(10, () => 1, b)).to.equal(1000);
    expect(backoffDelay(10, () => 0, b)).to.equal(500);
  });

  it('maps server URLs to socket URLs', () => {
    expect(socketUrl('http://a.test:8787', 'demo')).to.equal('ws://a.test:8787/ws?tenant=demo');
    expect(socketUrl('https://a.test/chat/', 'acme')).to.equal('wss://a.test/chat/ws?tenant=acme');
  });
});

describe('Connection', () => {
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
    last().receive({ type: 'error', code: 'forbidden', message: 'not yours', broadcastId: '00000000-0000-4000-8000-00000000000b' });
    const e = await refused.then(() => null, (x: ActionError) => x);
    expect(e?.code).to.equal('forbidden');

    const lost = conn.send({ ...ACTION, broadcastId: '00000000-0000-4000-8000-00000000000c' });
    last().drop();
    const l = await lost.then(() => null, (x: ActionError) => x);
    expect(l?.code).to.equal('unavailable');
    conn.close();
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
});
