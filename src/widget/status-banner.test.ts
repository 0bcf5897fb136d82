import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { styles } from './image-chat.styles.ts';
import { statusBannerStyles } from './status-banner.styles.ts';
import { StatusBanner, bannerView, serverUnreachable } from './status-banner.ts';
import { NoticeController } from './notice-controller.ts';
import type { ConnectionState } from '../sync/state.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { english } from './i18n/i18n.ts';

const USER = { id: 'u', name: 'U', kind: 'guest' } as const;
const ONLINE: ConnectionState = { status: 'online', user: USER, attempt: 0, since: 0, heard: 0, pinged: null };
const NETWORK_OFF: ConnectionState = { status: 'offline', attempt: 0, reason: 'The network is offline.', retry: true, network: true, socket: false };
const unreachable = (retryAt?: number): ConnectionState =>
  retryAt === undefined
    ? { status: 'offline', attempt: 5, reason: 'The server cannot be reached.', retry: true, network: false, socket: true }
    : { status: 'offline', attempt: 5, reason: 'The server cannot be reached.', retry: true, network: false, socket: false, retryAt };

describe('bannerView', () => {
  const view = (state: ConnectionState, extra: { notice?: string; viewOnly?: string; now?: number } = {}) =>
    bannerView({ state, notice: extra.notice, viewOnly: extra.viewOnly, now: extra.now ?? 0, i18n: english });

  it('online: nothing, or why this identity may only view', () => {
    expect(view(ONLINE)).to.deep.equal({ kind: 'none' });
    expect(view(ONLINE, { viewOnly: 'Guests can view but not post here.' })).to.deep.equal({ kind: 'info', text: 'Guests can view but not post here.' });
  });

  it('"You are offline" only when the browser says so; a server that does not answer is said so, with the next try', () => {
    const offline = view(NETWORK_OFF);
    expect(offline.kind).to.equal('info');
    expect((offline as { text: string }).text).to.match(/^You are offline\./);
    expect(serverUnreachable(NETWORK_OFF)).to.equal(false);

    for (const state of [unreachable(3400), { status: 'reconnecting', attempt: 2, socket: false, retryAt: 3400 } as const]) {
      const v = view(state, { now: 1000 });
      expect(v).to.deep.equal({ kind: 'unreachable', text: 'The server cannot be reached.', retryIn: 3 });
      expect(JSON.stringify(v)).to.not.match(/offline/i);
    }
    expect(view(unreachable(), { now: 1000 })).to.include({ kind: 'unreachable', retryIn: undefined }, 'a try under way');
    expect(view(unreachable(1001), { now: 1000 })).to.include({ retryIn: 1 }, 'never "0 s"');
  });

  it('connecting, and the first quick retry after a healthy connection was lost, are not "cannot be reached" yet', () => {
    expect(view({ status: 'connecting', attempt: 0, socket: true })).to.deep.equal({ kind: 'info', text: 'Connecting…' });
    expect(view({ status: 'reconnecting', attempt: 0, socket: false, retryAt: 200 }).kind).to.equal('info');
  });

  it('a refusal stays in words; a notice comes first and is the only dismissible kind', () => {
    const refused: ConnectionState = { status: 'offline', attempt: 0, reason: 'Your sign-in has expired.', retry: false, network: false, socket: false };
    expect(view(refused)).to.deep.equal({ kind: 'refused', text: 'Your sign-in has expired.' });
    expect(view(refused, { notice: 'Too fast.' })).to.deep.equal({ kind: 'notice', text: 'Too fast.' });
  });
});

let timers = new FakeTimers();

class BannerHost extends LitElement {
  static override styles = [styles, statusBannerStyles];
  state: ConnectionState = ONLINE;
  retries = 0;
  readonly notice = new NoticeController(this, 8000, timers);
  readonly banner = new StatusBanner(this, {
    notice: this.notice,
    state: () => this.state,
    viewOnly: () => undefined,
    retryNow: () => this.retries++,
    i18n: () => english,
    refocus: () => this.renderRoot.querySelector<HTMLElement>('#elsewhere')?.focus(),
    now: timers.now,
    timers,
  });
  override render() {
    return html`<button id="elsewhere">Elsewhere</button>${this.banner.render()}`;
  }
}
customElements.define('test-banner-host', BannerHost);

async function host(state: ConnectionState, theme: 'light' | 'dark' = 'light'): Promise<BannerHost> {
  timers = new FakeTimers();
  const el = await fixture<BannerHost>(html`<test-banner-host data-theme=${theme} style="display:block;position:relative;height:120px"></test-banner-host>`);
  el.state = state;
  el.requestUpdate();
  await el.updateComplete;
  return el;
}
const q = <T extends Element = HTMLElement>(el: BannerHost, sel: string) => el.shadowRoot!.querySelector<T>(sel);

describe('StatusBanner', () => {
  it('counts down to the next try, one re-render per second, in an aria-hidden span (the live sentence stays put)', async () => {
    const el = await host(unreachable(3500));
    const status = q(el, '[part~="status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.getAttribute('aria-live')).to.equal('polite');
    const countdown = () => q(el, '.countdown')!.textContent!.trim();
    expect(q(el, '.countdown')!.getAttribute('aria-hidden')).to.equal('true');
    expect(q(el, '.message')!.textContent).to.equal('The server cannot be reached.');
    const seen = [countdown()];
    for (let i = 0; i < 4; i++) {
      expect(timers.due.size).to.equal(1, 'one timer, for the next number');
      timers.advance([...timers.due.values()][0]!.ms);
      await el.updateComplete;
      seen.push(countdown());
    }
    expect(seen).to.deep.equal(['Retrying in 4 s.', 'Retrying in 3 s.', 'Retrying in 2 s.', 'Retrying in 1 s.', 'Retrying now…']);
    expect(timers.t).to.equal(3500);
    expect(timers.due.size).to.equal(0, 'nothing left to count');
  });

  it('"Retry now" asks the connection to try at once', async () => {
    const el = await host(unreachable(5000));
    q<HTMLButtonElement>(el, 'button.retry')!.click();
    expect(el.retries).to.equal(1);
  });

  it('the browser offline: says so, with nothing to retry', async () => {
    const el = await host(NETWORK_OFF);
    expect(q(el, '[part~="status"]')!.textContent).to.match(/You are offline/);
    expect(q(el, 'button.retry')).to.equal(null);
    expect(timers.due.size).to.equal(0);
  });

  it('a notice can be dismissed; focus on it then goes elsewhere in the element, and it outstays its time while focused', async () => {
    const el = await host(ONLINE);
    el.notice.show('Your comment was not posted: you are sending too fast.');
    await el.updateComplete;
    const dismiss = q<HTMLButtonElement>(el, 'button.dismiss')!;
    expect(dismiss.getAttribute('aria-label')).to.equal('Dismiss this message');
    dismiss.focus();
    timers.advance(8000);
    await el.updateComplete;
    expect(q(el, '[part~="status"]')!.textContent).to.contain('sending too fast', 'kept while focus is on it');
    dismiss.click();
    await el.updateComplete;
    expect(q(el, '[part~="status"]')!.textContent!.trim()).to.equal('');
    expect(el.shadowRoot!.activeElement?.id).to.equal('elsewhere');
    expect(timers.due.size).to.equal(0);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`axe: no violations in each state (${theme})`, async () => {
      for (const state of [unreachable(4000), NETWORK_OFF, { status: 'connecting', attempt: 0, socket: true } as ConnectionState]) {
        const el = await host(state, theme);
        await expect(el).to.be.accessible();
      }
      const el = await host(ONLINE, theme);
      el.notice.show('Your change was not saved: you are sending too fast.');
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });
  }
});
