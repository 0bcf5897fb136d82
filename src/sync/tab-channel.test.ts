// TabChannel without a browser channel: a fake stands for the BroadcastChannel to other tabs.
import { expect } from '@open-wc/testing';
import { TabChannel } from './tab-channel.ts';
import type { ChannelLike } from './types.ts';

function fakeChannel() {
  const posted: unknown[] = [];
  const channel: ChannelLike & { closed: boolean } = {
    onmessage: null,
    closed: false,
    postMessage: (m) => void posted.push(m),
    close: () => void (channel.closed = true),
  };
  return { channel, posted, fromOtherTab: (data: unknown) => channel.onmessage?.(new MessageEvent('message', { data })) };
}

const heard = (end: ChannelLike) => {
  const got: unknown[] = [];
  end.onmessage = (ev) => void got.push(ev.data);
  return got;
};
const nextTask = () => new Promise((r) => setTimeout(r));

describe('TabChannel: the ends of one tab, as channel objects of their own', () => {
  it('what one end posts reaches the other tabs once and the other ends once, in order, later, never itself', async () => {
    const f = fakeChannel();
    const hub = new TabChannel(f.channel);
    const [tab, leader] = [hub.end(), hub.end()];
    const [toTab, toLeader] = [heard(tab), heard(leader)];
    leader.postMessage(1);
    leader.postMessage(2);
    tab.postMessage('a');
    expect(toTab, 'asynchronous, as the channel is').to.deep.equal([]);
    expect(f.posted).to.deep.equal([1, 2, 'a'], 'each to the other tabs at once, once');
    await nextTask();
    expect(toTab).to.deep.equal([1, 2]);
    expect(toLeader).to.deep.equal(['a']);
  });

  it('what other tabs post reaches every end; a closed end hears nothing more; the last close closes the channel', async () => {
    const f = fakeChannel();
    const hub = new TabChannel(f.channel);
    const [tab, leader] = [hub.end(), hub.end()];
    const [toTab, toLeader] = [heard(tab), heard(leader)];
    f.fromOtherTab('x');
    expect(toTab).to.deep.equal(['x']);
    expect(toLeader).to.deep.equal(['x']);
    tab.postMessage('late');
    leader.close(); // before its copy was delivered
    await nextTask();
    expect(toLeader).to.deep.equal(['x'], 'a closed end hears nothing');
    leader.postMessage('gone');
    expect(f.posted).to.deep.equal(['late'], 'a closed end posts nothing');
    expect(f.channel.closed).to.equal(false, 'the tab still has an end');
    tab.close();
    expect(f.channel.closed).to.equal(true);
  });
});
