import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { PollController } from './poll-controller.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';

/** A host whose page visibility and timers the test holds. */
class PollHost extends LitElement {
  runs = 0;
  shown = true;
  readonly timers = new FakeTimers();
  readonly poll = new PollController(this, {
    task: async () => {
      this.runs++;
    },
    intervalMs: () => 5000,
    visible: () => this.shown,
    timers: this.timers,
  });
}
customElements.define('poll-test-host', PollHost);

const visibilityChange = () => document.dispatchEvent(new Event('visibilitychange'));

/** Lets the run that just fired finish and schedule its successor. */
const settled = (host: PollHost) => waitUntil(() => host.timers.due.size === 1, 'no next run was scheduled');

describe('PollController', () => {
  it('runs every interval while visible, not at all while hidden, and at once when shown again', async () => {
    const host = await fixture<PollHost>(html`<poll-test-host></poll-test-host>`);
    expect(host.runs).to.equal(0);
    host.timers.advance(5000);
    expect(host.runs).to.equal(1);
    await settled(host);
    host.timers.advance(5000);
    expect(host.runs).to.equal(2);
    await settled(host);

    host.shown = false;
    visibilityChange();
    expect(host.timers.due.size).to.equal(0);
    host.timers.advance(60_000);
    expect(host.runs).to.equal(2);

    host.shown = true;
    visibilityChange();
    expect(host.runs).to.equal(3);
    await settled(host);
    host.timers.advance(5000);
    expect(host.runs).to.equal(4);
  });

  it('a run asked for while one is under way is not doubled; leaving the page stops it', async () => {
    const host = await fixture<PollHost>(html`<poll-test-host></poll-test-host>`);
    host.poll.runNow();
    host.poll.runNow();
    expect(host.runs).to.equal(1);
    await settled(host);
    host.remove();
    expect(host.timers.due.size).to.equal(0);
  });
});
