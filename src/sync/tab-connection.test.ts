// Tabs sharing one socket, in real Chromium: real BroadcastChannel and Web Locks. Several
// TabConnections in one page are separate tabs to each other (each has its own channel objects,
// id and locks); the socket is a fake the test drives, counted across all of them.
import { expect, waitUntil } from '@open-wc/testing';
import type { SeqPosition } from '../protocol/messages.ts';
import { Connection } from './connection.ts';
import { acquireConnection } from './registry.ts';
import { TabConnection } from './tab-connection.ts';
import { ActionError } from './types.ts';
import { FakeSocket, fakeSocketOptions } from '../../test/support/test-socket.ts';
import { FakePage } from '../../test/support/fake-page.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import type { ChannelLike, ConnectionOptions, ImageMessage, LocksLike } from './types.ts';
import { testServer } from '../../test/support/widget.ts';

const URL_ = 'ws://x.test/ws?tenant=t';
const USER = { id: 'g1', name: 'Zoe', kind: 'guest' };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function browser() {
  const key = `test-${crypto.randomUUID()}`;
  const store = new Map<string, string>();
  const { sockets, options } = fakeSocketOptions({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) });
  const tabs: TabConnection[] = [];
  const tab = (channels = (name: string): ChannelLike => new BroadcastChannel(name), extra: Partial<ConnectionOptions> = {}) => {
    const t = new TabConnection(URL_, 'guest-key', key, { ...options, ...extra }, channels, navigator.locks as LocksLike);
    tabs.push(t);
    return t;
  };
  const last = () => sockets[sockets.length - 1]!;
  /** Opens the newest socket and welcomes it once its hello went out. */
  const welcome = async () => {
    await waitUntil(() => sockets.length > 0, 'no socket was made');
    const s = last();
    s.open();
    s.receive({ type: 'welcome', user: USER, guest: 'tok' });
  };
  const sentOf = (s: FakeSocket, type: string) => (s.sent as { type: string }[]).filter((m) => m.type === type);
  const close = () => tabs.forEach((t) => t.close());
  return { tab, sockets, last, welcome, sentOf, close };
}

function recorder() {
  const got: ImageMessage[] = [];
  return { got, listener: (m: ImageMessage) => void got.push(m), seqs: () => got.map((m) => ('seq' in m ? m.seq : m.type)) };
}

const online = (...tabs: TabConnection[]) => waitUntil(() => tabs.every((t) => t.status === 'online'), 'not every tab went online');

describe('TabConnection: tabs sharing one socket', () => {
  it('three tabs hold one socket; images are counted across tabs; events reach the tabs that follow the image', async () => {
    const b = browser();
    try {
      const [t1, t2, t3] = [b.tab(), b.tab(), b.tab()];
      await b.welcome();
      await online(t1, t2, t3);
      expect(b.sockets).to.have.length(1);
      expect(t2.user?.id).to.equal('g1');

      const [r1, r2, r3] = [recorder(), recorder(), recorder()];
      const off1 = t1.subscribe('img', r1.listener);
      const off2 = t2.subscribe('img', r2.listener);
      const off3 = t3.subscribe('other', r3.listener);
      const s = b.last();
      await waitUntil(() => b.sentOf(s, 'subscribe').length === 3, 'subscribes did not reach the socket');
      // The socket answers each subscribe in order.
      for (const m of s.sent as { type: string; image?: string }[]) {
        if (m.type === 'subscribe') s.receive({ type: 'snapshot', image: m.image, epoch: 'e', seq: 4, chats: [] });
      }
      s.receive({ type: 'deleted-image-chat', image: 'img', seq: 5, broadcastId: uuid(1), chatId: 'c' });
      await waitUntil(() => r1.seqs().includes(5) && r2.seqs().includes(5), 'the event did not reach both tabs on the image');
      expect(r3.got.map((m) => m.type)).to.deep.equal(['snapshot'], 'the tab on the other image hears only its own');

      // The second tab on 'img' was a new subscription for the socket: unsubscribe, then subscribe.
      expect(b.sentOf(s, 'unsubscribe')).to.deep.equal([{ type: 'unsubscribe', image: 'img' }]);
      off1();
      await new Promise((r) => setTimeout(r, 50));
      expect(b.sentOf(s, 'unsubscribe')).to.have.length(1, 'another tab still follows the image');
      off2();
      await waitUntil(() => b.sentOf(s, 'unsubscribe').length === 2, 'the last tab left and the socket did not unsubscribe');
      expect(b.sentOf(s, 'unsubscribe')[1]).to.deep.equal({ type: 'unsubscribe', image: 'img' });
      off3();
      expect(b.sockets).to.have.length(1);
    } finally {
      b.close();
    }
  });

  it('a tab joining a followed image gets a start from the lowest position; it passes over answers that do not cover it', async () => {
    const b = browser();
    try {
      const [t1, t2] = [b.tab(), b.tab()];
      await b.welcome();
      await online(t1, t2);
      const s = b.last();
      const r1 = recorder();
      t1.subscribe('img', r1.listener, () => ({ epoch: 'e', seq: 10 }));
      await waitUntil(() => b.sentOf(s, 'subscribe').length === 1);
      expect(b.sentOf(s, 'subscribe')[0]).to.deep.equal({ type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 10 } });
      const r2 = recorder();
      const p2: SeqPosition = { epoch: 'e', seq: 3 };
      t2.subscribe('img', r2.listener, () => p2);
      await waitUntil(() => b.sentOf(s, 'subscribe').length === 2);
      expect(b.sentOf(s, 'subscribe')[1]).to.deep.equal({ type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 3 } }, 'again, from the lowest');
      s.receive({ type: 'replay', image: 'img', events: [] }); // the answer to t1's (from 10)
      s.receive({ type: 'deleted-image-chat', image: 'img', seq: 11, broadcastId: uuid(2), chatId: 'c' });
      s.receive({ type: 'replay', image: 'img', events: [4, 5, 6, 7, 8, 9, 10, 11].map((seq) => ({ type: 'deleted-image-chat', image: 'img', seq, broadcastId: uuid(seq), chatId: 'c' })) });
      await waitUntil(() => r2.got.length > 0 && r1.got.length >= 3, 'answers did not arrive');
      expect(r2.got.map((m) => m.type)).to.deep.equal(['replay'], 'the joining tab waited for the answer from its own position');
      expect(r1.got.map((m) => m.type)).to.deep.equal(['replay', 'deleted-image-chat', 'replay'], 'the first tab skips what it has (chat-list does)');
    } finally {
      b.close();
    }
  });

  it("the leader's own tab hears each leader message once, in-process; another tab hears each once too", async () => {
    const b = browser();
    try {
      let opened = 0;
      const t1 = b.tab((name) => {
        opened++;
        return new BroadcastChannel(name);
      });
      await b.welcome();
      await online(t1);
      const t2 = b.tab();
      await online(t2);
      expect(t1.leaderRole, 'the first tab leads').to.not.equal(undefined);
      expect(opened).to.equal(1, "the leader uses its tab's one channel object, no second one to hear itself through");
      const [r1, r2] = [recorder(), recorder()];
      const notices: string[][] = [[], []];
      t1.onNotice((e) => notices[0]!.push(e.message));
      t2.onNotice((e) => notices[1]!.push(e.message));
      t1.subscribe('img', r1.listener);
      t2.subscribe('img', r2.listener);
      const s = b.last();
      await waitUntil(() => b.sentOf(s, 'subscribe').length === 2, 'subscribes did not reach the socket');
      s.receive({ type: 'snapshot', image: 'img', epoch: 'e', seq: 4, chats: [] }); // covers both tabs' asks
      for (const seq of [5, 6, 7]) s.receive({ type: 'deleted-image-chat', image: 'img', seq, broadcastId: uuid(seq), chatId: 'c' });
      s.receive({ type: 'error', code: 'rate-limited', message: 'belongs to no action' });
      await waitUntil(() => r1.got.length >= 4 && r2.got.length >= 4 && notices.every((n) => n.length >= 1), 'the messages did not reach both tabs');
      await new Promise((r) => setTimeout(r, 50)); // room for a late second copy
      expect(r1.got[0]?.type).to.equal('snapshot');
      expect(r1.seqs()).to.deep.equal([4, 5, 6, 7], "the leader's tab, once each, in order");
      expect(r2.seqs()).to.deep.equal([4, 5, 6, 7], 'the other tab, once each, in order');
      expect(notices).to.deep.equal([['belongs to no action'], ['belongs to no action']]);
    } finally {
      b.close();
    }
  });

  it("an action's ack goes back to the tab that sent it, an error too; not online refuses at once", async () => {
    const b = browser();
    try {
      const [t1, t2] = [b.tab(), b.tab()];
      expect(() => t2.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(9), chatId: 'c' })).to.throw(/not connected/);
      await b.welcome();
      await online(t1, t2);
      const s = b.last();
      const ok = t2.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(1), chatId: 'c' });
      // Caught from the start: a rejection with no handler yet is logged by the browser as uncaught.
      const refused = t1.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(2), chatId: 'c' }).then(() => null, (x: ActionError) => x);
      const limited = t2.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(4), chatId: 'c' }).then(() => null, (x: ActionError) => x);
      await waitUntil(() => b.sentOf(s, 'delete-image-chat').length === 3, 'actions did not reach the socket');
      s.receive({ type: 'ack', broadcastId: uuid(1), seq: 7 });
      s.receive({ type: 'error', code: 'forbidden', reason: 'not-author', message: 'not yours', broadcastId: uuid(2) });
      s.receive({ type: 'error', code: 'rate-limited', reason: 'too-many-actions', retryAfter: 12_000, message: 'wait 12 s', broadcastId: uuid(4) });
      expect((await ok).seq).to.equal(7);
      const e = await refused;
      expect(e?.code).to.equal('forbidden');
      expect(e?.facts, "the leader's own tab").to.deep.equal({ code: 'forbidden', reason: 'not-author' });
      // Over the BroadcastChannel: the facts, not only the code and the English sentence.
      const l = await limited;
      expect(l).to.be.instanceOf(ActionError);
      expect([l?.facts, l?.message], 'another tab').to.deep.equal([{ code: 'rate-limited', reason: 'too-many-actions', retryAfter: 12_000 }, 'wait 12 s']);
    } finally {
      b.close();
    }
  });

  it('an action whose leader closed twice before its answer fails as tab-closed; the refusal for good reaches every tab with its facts', async () => {
    const b = browser();
    try {
      const t1 = b.tab();
      await b.welcome();
      await online(t1);
      // t3 signs in with a token: its hello as leader carries no guest token (a refused guest token is retried without).
      const [t2, t3] = [b.tab(), b.tab(undefined, { token: 'signed.in.token' })];
      await online(t2, t3);
      const sent = t3.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(5), chatId: 'c' }).then(() => null, (x: ActionError) => x);
      await waitUntil(() => b.sentOf(b.last(), 'delete-image-chat').length === 1, 'the action did not reach the socket');
      t1.close(); // the lock goes to t2, asked for before t3: t3 resends its action there, its one retry
      await waitUntil(() => t3.status === 'reconnecting', 't3 did not hear of the new leader');
      t2.close(); // and that leader goes too, before any answer
      const e = await sent;
      expect([e?.facts, e?.message]).to.deep.equal([
        { code: 'unavailable', reason: 'tab-closed' },
        'The tab holding the connection closed twice before the server confirmed this.',
      ]);
      const t4 = b.tab();
      await waitUntil(() => b.sockets.length === 3, 't3 did not take over the socket');
      b.last().open();
      b.last().receive({ type: 'error', code: 'unauthorized', reason: 'sign-in-required', message: 'This site requires you to sign in.' });
      for (const t of [t3, t4]) {
        await waitUntil(() => t.state.status === 'offline', 'a tab did not hear of the refusal');
        expect(t.state).to.deep.include({ reason: 'This site requires you to sign in.', refusal: { code: 'unauthorized', reason: 'sign-in-required' } });
      }
    } finally {
      b.close();
    }
  });

  it('failover: the leader goes, another tab reconnects, resubscribes from each position and resends an unanswered action once', async () => {
    const b = browser();
    try {
      const t1 = b.tab();
      await b.welcome();
      await online(t1);
      const [t2, t3] = [b.tab(), b.tab()];
      await online(t2, t3);
      expect(t1.leaderRole, 'the first tab leads').to.not.equal(undefined);
      t2.subscribe('img', () => {}, () => ({ epoch: 'e', seq: 5 }));
      t3.subscribe('img', () => {}, () => ({ epoch: 'e', seq: 7 }));
      t3.subscribe('two', () => {}, () => ({ epoch: 'e', seq: 1 }));
      const first = b.last();
      await waitUntil(() => b.sentOf(first, 'subscribe').length === 3);
      const action = { type: 'create-image-chat', image: 'img', broadcastId: uuid(3), x: 0.5, y: 0.5, text: 'hi' } as const;
      const sent = t2.send(action);
      await waitUntil(() => b.sentOf(first, 'create-image-chat').length === 1);
      const statuses: string[] = [];
      t3.onStatus((s) => statuses.push(s.status));

      t1.close(); // the leader goes before the ack came
      await waitUntil(() => b.sockets.length === 2, 'no tab took over the socket', { timeout: 1000 });
      expect(first.readyState).to.equal(3, 'the old socket is closed');
      await waitUntil(() => t2.status === 'reconnecting' && t3.status === 'reconnecting', 'followers did not show reconnecting');
      // The tabs' subscribes travel over the channel: welcome the socket only once the new leader has
      // them all, or a late one would rightly subscribe its image again (a tab joining a followed image).
      const follows = (tab: TabConnection, image: string) => {
        const leader = (t2.leaderRole ?? t3.leaderRole) as unknown as { tabs: Map<string, { images: Map<string, unknown> }> } | undefined;
        return leader?.tabs.get(tab.id)?.images.has(image) === true;
      };
      await waitUntil(() => follows(t2, 'img') && follows(t3, 'img') && follows(t3, 'two'), 'the new leader did not get every subscription');
      await b.welcome();
      await online(t2, t3);
      const second = b.last();
      await waitUntil(() => b.sentOf(second, 'create-image-chat').length === 1, 'the action was not sent again');
      expect(b.sentOf(second, 'subscribe')).to.deep.include.members([
        { type: 'subscribe', image: 'img', since: { epoch: 'e', seq: 5 } },
        { type: 'subscribe', image: 'two', since: { epoch: 'e', seq: 1 } },
      ]);
      expect(b.sentOf(second, 'subscribe')).to.have.length(2, 'one subscribe per image');
      expect(b.sentOf(second, 'create-image-chat')[0]).to.deep.equal(action, 'the same broadcastId');
      second.receive({ type: 'ack', broadcastId: uuid(3), seq: 8 });
      expect((await sent).seq).to.equal(8);
      expect(statuses).to.deep.equal(['reconnecting', 'online']);
      expect(b.sentOf(second, 'create-image-chat')).to.have.length(1, 'sent once more, not twice');
    } finally {
      b.close();
    }
  });

  it('the server down: a hidden leader tab retries at the visible pace while another tab is visible, and that tab shown again makes it try at once', async () => {
    const b = browser();
    const timers = new FakeTimers();
    const [leaderPage, otherPage] = [new FakePage(false), new FakePage(false)];
    try {
      const t1 = b.tab(undefined, { page: leaderPage, timers, now: timers.now });
      await b.welcome();
      await online(t1);
      const t2 = b.tab(undefined, { page: otherPage, timers, now: timers.now });
      await online(t2);
      const connection = t1.leaderRole!.connection;
      const wait = () => (connection.state as { retryAt?: number }).retryAt! - timers.t;
      b.last().drop();
      for (let i = 0; i < 6; i++) {
        timers.run();
        b.last().drop(); // never opened
      }
      expect(wait()).to.equal(7500, 'nobody looking: the full backoff');
      await waitUntil(() => t2.state.status === 'offline', 'the other tab did not hear of it');
      const made = b.sockets.length;
      otherPage.emit('visible');
      await waitUntil(() => b.sockets.length === made + 1, 'the tab shown again did not make the leader try at once');
      b.last().drop();
      expect(wait()).to.equal(750, 'someone looking at another tab: at most a second');
      otherPage.emit('hidden');
      await waitUntil(() => {
        timers.run();
        b.last().drop();
        return wait() === 7500;
      }, 'hidden again: back to the full backoff');
      t2.retryNow();
      await waitUntil(() => b.last().readyState === 0 && connection.state.status === 'offline' && !('retryAt' in connection.state), '"Retry now" in a follower did not reach the leader');
    } finally {
      b.close();
    }
  });

  it('a leader in another browsing context that vanishes (its locks go as a crashed tab\'s do): this tab takes over on the real server', async () => {
    const server = await testServer();
    const key = `iframe-${crypto.randomUUID()}`;
    const url = `${server.replace('http', 'ws')}/ws?tenant=demo`;
    const frame = document.createElement('iframe');
    frame.srcdoc = `<script type="module">
      import { TabConnection } from '/src/sync/tab-connection.ts';
      window.tab = new TabConnection(${JSON.stringify(url)}, 'image-chat:guest:${url}', ${JSON.stringify(key)}, {}, (n) => new BroadcastChannel(n), navigator.locks);
    </script>`;
    document.body.append(frame);
    const inFrame = () => (frame.contentWindow as unknown as { tab?: TabConnection }).tab;
    await waitUntil(() => inFrame()?.status === 'online', 'the frame did not get online', { timeout: 4000 });
    expect(inFrame()?.leaderRole, 'the frame leads').to.not.equal(undefined);
    const here = new TabConnection(url, `image-chat:guest:${url}`, key, {}, (n) => new BroadcastChannel(n), navigator.locks as LocksLike);
    try {
      await online(here);
      expect(here.leaderRole).to.equal(undefined);
      const statuses: string[] = [];
      here.onStatus((s) => statuses.push(s.status));
      const t0 = performance.now();
      frame.remove();
      await waitUntil(() => here.leaderRole !== undefined, 'this tab did not take the lock', { timeout: 1000 });
      await online(here);
      expect(performance.now() - t0).to.be.below(1000, 'took over within a second');
      expect(statuses).to.deep.equal(['reconnecting', 'online']);
    } finally {
      here.close();
      frame.remove();
    }
  });

  it('where Web Locks or BroadcastChannel are missing, a page keeps a socket of its own', async () => {
    const server = await testServer();
    const fallback = acquireConnection(server, 'demo', { locks: null });
    const noChannel = acquireConnection(server, 'demo', { channels: null, readonly: true });
    const shared = acquireConnection(server, 'demo', { token: 'not-a-real-token' });
    try {
      expect(fallback).to.be.instanceOf(Connection);
      expect(noChannel).to.be.instanceOf(Connection);
      expect(shared).to.be.instanceOf(TabConnection);
      await waitUntil(() => fallback.status === 'online', 'the fallback did not get online');
    } finally {
      fallback.release();
      noChannel.release();
      shared.release();
    }
  });
});
