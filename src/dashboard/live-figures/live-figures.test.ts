import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../index.ts';
import { DashboardApi, DashboardError, type Usage } from '../api.ts';
import type { DashboardLiveFigures } from './live-figures.ts';
import { DASHBOARD_KEY, DASHBOARD_TENANT, apiGet, testServer } from '../../../test/support/dashboard.ts';

const figure = (el: DashboardLiveFigures, name: string) => el.shadowRoot!.querySelector(`[data-metric="${name}"]`)?.textContent;

describe('<dashboard-live-figures> against the real server', () => {
  it('shows the connections open now, and follows them', async () => {
    const url = await testServer();
    const api = new DashboardApi(url, { tenant: DASHBOARD_TENANT, key: DASHBOARD_KEY });
    const el = await fixture<DashboardLiveFigures>(html`<dashboard-live-figures .api=${api} .connections=${0} .conversations=${0}></dashboard-live-figures>`);
    expect(figure(el, 'connections')).to.equal('0');
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?tenant=${DASHBOARD_TENANT}`);
    await new Promise((resolve) => (ws.onopen = resolve));
    try {
      const now = await apiGet<Usage>(url, 'usage');
      expect(now.connections).to.be.at.least(1);
      el.refreshNow();
      await waitUntil(() => figure(el, 'connections') === String(now.connections), 'the live figure did not follow');
      expect(figure(el, 'conversations')).to.equal(String(now.conversations));
      await expect(el).to.be.accessible();
    } finally {
      ws.close();
    }
  });

  it('a refused key is reported for the app to sign out', async () => {
    const api = new DashboardApi(await testServer(), { tenant: DASHBOARD_TENANT, key: 'wrong' });
    const el = await fixture<DashboardLiveFigures>(html`<dashboard-live-figures .api=${api}></dashboard-live-figures>`);
    const reported = oneEvent(el, 'dashboard-error');
    el.refreshNow();
    const { error } = (await reported).detail as { error: DashboardError };
    expect(error.kind).to.equal('wrong-key');
    expect(error.signsOut).to.equal(true);
    expect(el.shadowRoot!.textContent).to.contain('Live figures not refreshed: The key was refused');
  });
});
