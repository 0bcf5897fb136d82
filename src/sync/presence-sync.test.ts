// Presence and typing through the sync layer, in real Chromium (BroadcastChannel, Web Locks):
// frames reach every tab's listeners for the image, a follower's typing goes out on the leader's
// socket, and the socket says it is away only when every tab on the image is.
import { expect, waitUntil } from '@open-wc/testing';
import { Connection } from './connection.ts';
import { TabConnection } from './tab-connection.ts';
import { fakeSocketOptions } from '../../test/support/test-socket.ts';
import type { ChannelLike, EphemeralImageMessage, LocksLike } from './types.ts';

const URL_ = 'ws://x.test/ws?tenant=t';
const USER = { id: 'g1', name: 'Zoe', kind: 'guest' };
const PRESENCE = { type: 'presence', image: 'img', count: 2, viewers: [{ id: 'g1', name: 'Zoe', guest: true }, { id: 'u:ana', name: 'Ana' }] };

function sockets() {
  const { sockets: made, options } = fakeSocketOptions();
  const last = () => made[made.length - 1]!;
  const welcome = async () => {
    await waitUntil(() => made.length > 0 && made[made.length - 1]!.readyState === 0, 'no socket was made');
    last().open();
    last().receive({ type: 'welcome', user: USER });
  };
  const sent = (type: string) => (last().sent as { type: string }[]).filter((m) => m.type === type);
  return { made, options, last, welcome, sent };
}

function heard() {
  const got: EphemeralImageMessage[] = [];
  return { got, listener: (m: EphemeralImageMessage) => void got.push(m) };
}

describe('presence and typing on one socket (Connection)', () => {
  it('presence reaches the image’s listeners even before its snapshot; typing and away go out only on a subscribed socket, away again after a reconnect', async () => {
    const s = sockets();
    const c = new Connection(URL_, 'guest-key', s.options);
    try {
      await s.welcome();
      const h = heard();
      c.here('img', false);
      c.typing('img', 'c1', false);
      expect(s.sent('presence').concat(s.sent('typing'))).to.deep.equal([], 'nothing before the image is subscribed');
      const off = c.subscribe('img', () => {});
      c.onEphemeral('img', h.listener);
      expect(s.sent('presence')).to.deep.equal([{ type: 'presence', image: 'img', here: false }], 'away follows the subscribe, which implies here');
      s.last().receive(PRESENCE);
      expect(h.got).to.deep.equal([PRESENCE], 'not held back by the snapshot on its way');
      c.typing('img', 'c1', false);
      c.typing('img', 'c1', true);
      expect(s.sent('typing')).to.deep.equal([{ type: 'typing', image: 'img', chatId: 'c1' }, { type: 'typing', image: 'img', chatId: 'c1', stop: true }]);
      c.here('img', false);
      expect(s.sent('presence')).to.have.length(1, 'no change, nothing sent');

      s.last().drop();
      await waitUntil(() => s.made.length === 2, 'no reconnect', { timeout: 5000 });
      await s.welcome();
      expect((s.last().sent as { type: string }[]).map((m) => m.type)).to.deep.equal(['hello', 'subscribe', 'presence'], 'away said again after the new subscribe');
      c.here('img', true);
      expect(s.sent('presence')[1]).to.deep.equal({ type: 'presence', image: 'img', here: true });
      off();
      s.last().receive(PRESENCE);
      expect(h.got).to.have.length(1, 'an image no longer followed hears nothing');
    } finally {
      c.close();
    }
  });
});

describe('presence and typing across tabs (TabConnection)', () => {
  it('every tab on the image hears presence; a follower’s typing goes out on the leader’s socket; away only when every tab is', async () => {
    const s = sockets();
    const key = `test-${crypto.randomUUID()}`;
    const tabs = [0, 1, 2].map(() => new TabConnection(URL_, 'guest-key', key, s.options, (name): ChannelLike => new BroadcastChannel(name), navigator.locks as LocksLike));
    try {
      await s.welcome();
      await waitUntil(() => tabs.every((t) => t.status === 'online'), 'not every tab went online');
      const hs = tabs.map(() => heard());
      tabs.forEach((t, i) => {
        t.subscribe('img', () => {});
        t.onEphemeral('img', hs[i]!.listener);
      });
      await waitUntil(() => s.sent('subscribe').length === 3, 'subscribes did not reach the socket');
      s.last().receive(PRESENCE);
      await waitUntil(() => hs.every((h) => h.got.length === 1), 'presence did not reach every tab');
      expect(hs[2]!.got[0]).to.deep.equal(PRESENCE);
      expect(s.made).to.have.length(1, 'one socket for the three tabs: one viewer');

      const follower = tabs.find((t) => !t.leaderRole)!;
      follower.typing('img', 'c1', false);
      await waitUntil(() => s.sent('typing').length === 1, 'the follower’s typing did not reach the socket');
      expect(s.sent('typing')[0]).to.deep.equal({ type: 'typing', image: 'img', chatId: 'c1' });

      tabs[0]!.here('img', false);
      tabs[1]!.here('img', false);
      follower.typing('img', 'c1', true); // a fence: the tabs' messages reach the leader in order
      await waitUntil(() => s.sent('typing').length === 2);
      expect(s.sent('presence')).to.deep.equal([], 'one tab still looks at the image');
      tabs[2]!.here('img', false);
      await waitUntil(() => s.sent('presence').length === 1, 'every tab is away and the socket did not say so');
      expect(s.sent('presence')[0]).to.deep.equal({ type: 'presence', image: 'img', here: false });
      tabs[1]!.here('img', true);
      await waitUntil(() => s.sent('presence').length === 2);
      expect(s.sent('presence')[1]).to.deep.equal({ type: 'presence', image: 'img', here: true });
    } finally {
      tabs.forEach((t) => t.close());
    }
  });
});
