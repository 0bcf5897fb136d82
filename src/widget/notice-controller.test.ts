import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { NoticeController } from './notice-controller.ts';

/** The smallest host: counts update requests, lets the test connect and disconnect. */
function host() {
  const controllers: ReactiveController[] = [];
  const h = {
    updates: 0,
    addController: (c: ReactiveController) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => h.updates++,
    updateComplete: Promise.resolve(true),
    disconnect: () => controllers.forEach((c) => c.hostDisconnected?.()),
  };
  return h as typeof h & ReactiveControllerHost;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('NoticeController', () => {
  it('shows a message, then clears it after its time and asks for a render each time', async () => {
    const h = host();
    const notice = new NoticeController(h, 40);
    notice.show('Your comment was not posted: too long');
    expect(notice.message).to.equal('Your comment was not posted: too long');
    expect(h.updates).to.equal(1);
    await sleep(80);
    expect(notice.message).to.equal(undefined);
    expect(h.updates).to.equal(2);
  });

  it('a newer message restarts the time', async () => {
    const h = host();
    const notice = new NoticeController(h, 60);
    notice.show('first');
    await sleep(40);
    notice.show('second');
    await sleep(40);
    expect(notice.message).to.equal('second', 'still within the second message’s time');
  });

  it('leaving the page clears the message and its timer', async () => {
    const h = host();
    const notice = new NoticeController(h, 30);
    notice.show('gone soon');
    h.disconnect();
    expect(notice.message).to.equal(undefined);
    await sleep(50);
    expect(h.updates).to.equal(1, 'no timer fired after disconnect');
  });
});
