import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { NoticeController } from './notice-controller.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';

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

describe('NoticeController', () => {
  it('shows a message, then clears it after its time and asks for a render each time', () => {
    const h = host();
    const timers = new FakeTimers();
    const notice = new NoticeController(h, 40, timers);
    notice.show('Your comment was not posted: too long');
    expect(notice.message).to.equal('Your comment was not posted: too long');
    expect(h.updates).to.equal(1);
    timers.advance(39);
    expect(notice.message).to.equal('Your comment was not posted: too long', 'still within its time');
    timers.advance(1);
    expect(notice.message).to.equal(undefined);
    expect(h.updates).to.equal(2);
  });

  it('a newer message restarts the time', () => {
    const h = host();
    const timers = new FakeTimers();
    const notice = new NoticeController(h, 60, timers);
    notice.show('first');
    timers.advance(40);
    notice.show('second');
    timers.advance(40);
    expect(notice.message).to.equal('second', 'still within the second message’s time');
    timers.advance(20);
    expect(notice.message).to.equal(undefined, 'gone 60 ms after the second');
  });

  it('leaving the page clears the message and its timer', () => {
    const h = host();
    const timers = new FakeTimers();
    const notice = new NoticeController(h, 30, timers);
    notice.show('gone soon');
    h.disconnect();
    expect(notice.message).to.equal(undefined);
    expect(timers.due.size).to.equal(0, 'its timer was cleared');
    timers.advance(50);
    expect(h.updates).to.equal(1, 'no timer fired after disconnect');
  });

  it('dismiss clears the message and its timer at once', () => {
    const h = host();
    const timers = new FakeTimers();
    const notice = new NoticeController(h, 40, timers);
    notice.show('rate-limited');
    notice.dismiss();
    expect(notice.message).to.equal(undefined);
    expect(h.updates).to.equal(2);
    expect(timers.due.size).to.equal(0);
    notice.dismiss();
    expect(h.updates).to.equal(2, 'nothing to dismiss: no render');
  });

  it('outstays its time while `keep` says so (focus is on it), then goes', () => {
    const h = host();
    const timers = new FakeTimers();
    const notice = new NoticeController(h, 40, timers);
    let focused = true;
    notice.keep = () => focused;
    notice.show('rate-limited');
    timers.advance(200);
    expect(notice.message).to.equal('rate-limited');
    focused = false;
    timers.advance(40);
    expect(notice.message).to.equal(undefined);
  });
});

