import { expect, fixture, html } from '@open-wc/testing';
import '../index.ts';
import { METRICS } from '../api.ts';
import type { DashboardUsageTotals } from './usage-totals.ts';
import { usageOf } from '../../../test/support/usage-fixture.ts';

describe('<dashboard-usage-totals>', () => {
  it('puts each total, exactly, in [data-metric="<name>"]; groups big counts and sizes bandwidth beside it', async () => {
    const usage = usageOf(3, (i) => ({ pubSubMessageCount: 4000 * (i + 1), pubSubBandwidth: 1536 * (i + 1), commentCount: i, peakConnections: i * 2 }));
    const el = await fixture<DashboardUsageTotals>(html`<dashboard-usage-totals .totals=${usage.totals} label="the last 24 hours"></dashboard-usage-totals>`);
    for (const metric of METRICS) {
      const figure = el.shadowRoot!.querySelector(`[data-metric="${metric}"]`)!;
      expect(figure.textContent, metric).to.equal(String(usage.totals[metric]));
      expect(Number.parseInt(figure.textContent!, 10)).to.equal(usage.totals[metric]);
    }
    expect(el.shadowRoot!.textContent).to.contain('24,000');
    expect(el.shadowRoot!.textContent).to.contain('9.0 KB');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain('for the last 24 hours');
    await expect(el).to.be.accessible();
  });

  it('shows nothing without totals', async () => {
    const el = await fixture<DashboardUsageTotals>(html`<dashboard-usage-totals></dashboard-usage-totals>`);
    expect(el.shadowRoot!.querySelectorAll('[data-metric]').length).to.equal(0);
  });
});
