// The sharing code loads only when a second tab exists (tab-connection.ts), in real Chromium: real
// BroadcastChannel and Web Locks, the relay and the follower side loaded through an importer the test
// holds (it counts the loads, and can hold one back or fail it). Several TabConnections in one page are
// separate tabs to each other; the socket is a fake the test drives, counted across all of them.
import { expect, waitUntil } from '@open-wc/testing';
import type { ChatEvent, SeqPosition } from '../protocol/messages.ts';
import { Leader } from './leader.ts';
import { TabConnection } from './tab-connection.ts';
import { FakeSocket, fakeSocketOptions } from '../../test/support/test-socket.ts';
import type { ImageMessage, LocksLike, TabCode } from './types.ts';

const URL_ = 'ws://x.test/ws?tenant=t';
const USER = { id: 'g1', name: 'Zoe', kind: 'guest' };
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (seq: number, broadcastId = uuid(100 + seq)): ChatEvent => ({ type: 'deleted-image-chat', image: 'img', seq, broadcastId, chatId: 'c' });

/** An importer that records each load; `hold` keeps the relay back until released, `fail` refuses a part. */
function importer(loads: string[], name: string, how: { hold?: Promise<void>; fail?: keyof TabCode } = {}): TabCode {
  const load = async <T>(part: keyof TabCode, real: () => Promise<T>): Promise<T> => {
    loads.push(`${name}:${part}`);
    if (how.fail === part) throw new TypeError('Failed to fetch dynamically imported module');
    if (part === 'relay') await how.hold;
    return real();
  };
  return { relay: () => load('relay', () => import('./leader.ts')), follower: () => load('follower', () => import('./follower.ts')) };
}

/** One browser: its tabs, the sockets they made, and a server for image 'img' that answers subscribes. */
function browser() {
  const key = `handoff-${crypto.randomUUID()}`;
  const { sockets, options } = fakeSocketOptions();
  const loads: string[] = [];
  const tabs: TabConnection[] = [];
  const tab = (name: string, how?: Parameters<typeof importer>[2]) => {
    const t = new TabConnection(URL_, 'guest-key', key, { ...options, tabCode: importer(loads, name, how) }, (n) => new BroadcastChannel(n), navigator.locks as LocksLike);
    tabs.push(t);
    return t;
  };
  const welcome = async (n: number) => {
    await waitUntil(() => sockets.length > n, `socket ${n} was not made`);
    sockets[n]!.open();
    sockets[n]!.receive({ type: 'welcome', user: USER });
  };
  const sentOf = (s: FakeSocket, type: string) => (s.sent as { type: string }[]).filter((m) => m.type === type);

  // The server's log of 'img' from seq 4 on: a subscribe is answered with a replay from its `since`, or a snapshot.
  const log: ChatEvent[] = [];
  let answered = 0;
  const answerSubscribes = (s: FakeSocket) => {
    const asks = sentOf(s, 'subscribe') as { since?: SeqPosition }[];
    for (; answered < asks.length; answered++) {
      const since = asks[answered]!.since;
      const seq = log.at(-1)?.seq ?? 4;
      s.receive(since ? { type: 'replay', image: 'img', events: log.filter((e) => e.seq > since.seq) } : { type: 'snapshot', image: 'img', epoch: 'e', seq, chats: [] });
    }
  };
  const emit = (s: FakeSocket, e: ChatEvent) => {
    log.push(e);
    s.receive(e);
  };
  const close = () => tabs.forEach((t) => t.close());
  return { tab, sockets, loads, welcome, sentOf, answerSubscribes, emit, close };
}

/** An element's view of 'img': every message heard, and the position it reaches applying them as chat-list does. */
function viewer() {
  const heard: ImageMessage[] = [];
  let position: SeqPosition | undefined;
  const step = (seq: number) => {
    if (position && seq === position.seq + 1) position = { epoch: position.epoch, seq };
  };
  const listener = (m: ImageMessage) => {
    heard.push(m);
    if (m.type === 'snapshot') position = { epoch: m.epoch, seq: m.seq };
    else if (m.type === 'replay') m.events.forEach((e) => step(e.seq));
    else step(m.seq);
  };
  /** The live events heard (not answers to a subscribe), by seq. */
  const live = () => heard.flatMap((m) => (m.type === 'snapshot' || m.type === 'replay' ? [] : [m.seq]));
  return { listener, position: () => position, live };
}

const online = (...tabs: TabConnection[]) => waitUntil(() => tabs.every((t) => t.status === 'online'), 'not every tab went online');

describe('TabConnection: the sharing code loads when a second tab exists', () => {
  it('a tab alone loads neither the relay nor the follower side, whatever it does; a second tab makes both load', async () => {
    const b = browser();
    try {
      const first = b.tab('first');
      await b.welcome(0);
      await online(first);
      const v = viewer();
      first.subscribe('img', v.listener, v.position);
      first.onEphemeral('img', () => {});
      b.answerSubscribes(b.sockets[0]!);
      const sent = first.send({ type: 'delete-image-chat', image: 'img', broadcastId: uuid(1), chatId: 'c' });
      b.sockets[0]!.receive({ type: 'ack', broadcastId: uuid(1), seq: 5 });
      expect((await sent).seq).to.equal(5);
      first.here('img', false);
      first.typing('img', 'c', false);
      first.renew('a.fresh.token');
      first.retryNow();
      expect(b.sentOf(b.sockets[0]!, 'presence')).to.deep.equal([{ type: 'presence', image: 'img', here: false }]);
      expect(b.loads).to.deep.equal([], 'the single-tab path imports nothing');
      expect(first.leaderRole?.connection.status).to.equal('online', 'the socket is its own');

      const second = b.tab('second');
      await online(second);
      expect(b.loads).to.deep.equal(['second:follower', 'first:relay'], 'nothing loaded before the second tab');
      expect(first.leaderRole).to.be.instanceOf(Leader);
      expect(b.sockets).to.have.length(1);
    } finally {
      b.close();
    }
  });

  it('handoff: the first tab hands its live socket to the relay; events during the load and an action in flight reach it once; one socket', async () => {
    const b = browser();
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    try {
      const first = b.tab('first', { hold });
      await b.welcome(0);
      await online(first);
      const s = b.sockets[0]!;
      const v1 = viewer();
      first.subscribe('img', v1.listener, v1.position);
      b.answerSubscribes(s);
      const statuses: string[] = [];
      first.onStatus((st) => statuses.push(st.status));
      const action = { type: 'delete-image-chat', image: 'img', broadcastId: uuid(8), chatId: 'c' } as const;
      const sent = first.send(action);
      expect(b.sentOf(s, 'delete-image-chat')).to.deep.equal([action], 'in flight before the second tab comes');

      const second = b.tab('second');
      const v2 = viewer();
      second.subscribe('img', v2.listener, v2.position);
      await waitUntil(() => b.loads.includes('first:relay'), "the second tab's hello did not make the first load the relay");
      b.emit(s, event(5));
      b.emit(s, event(6));
      expect(v1.live()).to.deep.equal([5, 6], 'heard at once while the relay loads');
      expect(second.status).to.equal('connecting', 'no leader serves it yet');

      release();
      await online(second);
      // A fence: the second tab's messages reach the relay in order, so its subscribes are all on the socket now.
      second.typing('img', 'c', false);
      await waitUntil(() => b.sentOf(s, 'typing').length === 1, "the second tab's typing did not reach the socket");
      b.answerSubscribes(s);
      await waitUntil(() => v2.position()?.seq === 6, 'the second tab did not get its start');
      b.emit(s, event(7));
      b.emit(s, event(8, action.broadcastId));
      s.receive({ type: 'ack', broadcastId: action.broadcastId, seq: 8 });
      expect((await sent).seq).to.equal(8, 'the ack of the action sent before the handoff');
      await waitUntil(() => v2.position()?.seq === 8, 'the second tab did not hear the events after its start');

      expect(v1.live()).to.deep.equal([5, 6, 7, 8], 'the first tab: every event once, in order');
      expect(v1.position()?.seq).to.equal(8);
      expect(v2.live()).to.deep.equal([7, 8], 'the second tab: the events after its start, once');
      expect(statuses).to.deep.equal([], 'the first tab stayed online throughout');
      expect(b.sockets).to.have.length(1);
      expect(b.sentOf(s, 'hello')).to.have.length(1, 'one hello: the same socket');
      expect((first.leaderRole as Leader).tabCount).to.equal(1, 'the relay serves the other tab');
      expect(second.leaderRole).to.equal(undefined);
    } finally {
      release();
      b.close();
    }
  });

  it('presence after the handoff: the socket is away only when the first tab and every other tab on the image are', async () => {
    const b = browser();
    try {
      const first = b.tab('first');
      await b.welcome(0);
      await online(first);
      const s = b.sockets[0]!;
      const presence = () => (b.sentOf(s, 'presence') as { here?: boolean }[]).at(-1)?.here;
      first.subscribe('img', () => {});
      first.here('img', false);
      expect(presence()).to.equal(false, 'alone and away');
      const second = b.tab('second');
      const off = second.subscribe('img', () => {});
      await online(second);
      /** The second tab's messages reach the relay in order: once its typing is on the socket, so is the rest. */
      const fence = async () => {
        const typed = b.sentOf(s, 'typing').length;
        second.typing('img', 'c', true);
        await waitUntil(() => b.sentOf(s, 'typing').length > typed, "the second tab's typing did not reach the socket");
      };
      await fence();
      expect(presence()).to.equal(true, 'the second tab views it');
      second.here('img', false);
      await fence();
      expect(presence()).to.equal(false, 'both away');
      first.here('img', true);
      expect(presence()).to.equal(true, 'the first tab back');
      first.here('img', false);
      expect(presence()).to.equal(false);
      const unsubscribes = b.sentOf(s, 'unsubscribe').length;
      off();
      const relay = first.leaderRole as unknown as { followed: Map<string, unknown> };
      await waitUntil(() => !relay.followed.has('img'), 'the relay did not stop following the image');
      first.here('img', true);
      expect(presence()).to.equal(true, "the first tab's word alone again");
      expect(b.sentOf(s, 'unsubscribe')).to.have.length(unsubscribes, 'the socket still follows it for the first tab');
    } finally {
      b.close();
    }
  });

  it("the relay will not load: the first tab keeps its socket, the second takes the lock and a socket of its own", async () => {
    const b = browser();
    try {
      const first = b.tab('first', { fail: 'relay' });
      await b.welcome(0);
      await online(first);
      const second = b.tab('second');
      await b.welcome(1);
      await online(second);
      expect(b.loads).to.deep.equal(['second:follower', 'first:relay']);
      expect(second.leaderRole, 'the second tab leads').to.be.instanceOf(Leader);
      expect(first.leaderRole?.connection).to.not.equal(undefined);
      expect(b.sockets.map((s) => s.readyState)).to.deep.equal([1, 1], 'two sockets, both open');
      const third = b.tab('third');
      await online(third);
      expect(b.sockets).to.have.length(2, 'a third tab follows the second');
      expect((second.leaderRole as Leader).tabCount).to.equal(2, 'the second tab itself and the third');
    } finally {
      b.close();
    }
  });

  it('the follower side will not load: that tab keeps a socket of its own; the first never loads the relay', async () => {
    const b = browser();
    try {
      const first = b.tab('first');
      await b.welcome(0);
      await online(first);
      const second = b.tab('second', { fail: 'follower' });
      await b.welcome(1);
      await online(second);
      expect(second.leaderRole?.connection.status).to.equal('online', 'its own socket');
      // A third tab that loads it: the first tab's relay serves that one, never having heard of the second.
      const third = b.tab('third');
      await online(third);
      expect(b.loads).to.deep.equal(['second:follower', 'third:follower', 'first:relay']);
      expect((first.leaderRole as Leader).tabCount).to.equal(1);
      expect(b.sockets).to.have.length(2);
    } finally {
      b.close();
    }
  });
});
