import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { DashboardUsageChart } from './usage-chart.ts';
import { usageOf } from '../../../test/support/usage-fixture.ts';

const part = (el: DashboardUsageChart, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)!;

describe('<dashboard-usage-chart>', () => {
  it('draws the series with uPlot and says it in a sentence', async () => {
    const usage = usageOf(24, (i) => ({ commentCount: i === 5 ? 7 : 1 }));
    const el = await fixture<DashboardUsageChart>(
      html`<dashboard-usage-chart metric="commentCount" granularity="hour" label="the last 24 hours" .series=${usage.series} style="width:500px"></dashboard-usage-chart>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.uplot canvas'), 'uPlot drew no canvas');
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    expect(canvas.getBoundingClientRect().width).to.be.greaterThan(300);
    // uPlot's own stylesheet reached the shadow root: its overlay is positioned by it.
    expect(getComputedStyle(el.shadowRoot!.querySelector('.u-over')!).position).to.equal('absolute');
    expect(part(el, 'plot').getAttribute('aria-hidden')).to.equal('true');
    expect(el.shadowRoot!.querySelector('#summary')!.textContent).to.equal(
      '30 in total over the last 24 hours; the busiest hour was 24 Nov, 16:00 UTC with 7.',
    );
    await expect(el).to.be.accessible();
  });

  it('a button shows the data table, one row per bucket', async () => {
    const usage = usageOf(6, (i) => ({ pubSubBandwidth: i * 1024 }));
    const el = await fixture<DashboardUsageChart>(
      html`<dashboard-usage-chart metric="pubSubBandwidth" granularity="hour" .series=${usage.series}></dashboard-usage-chart>`,
    );
    const toggle = part(el, 'toggle');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(el.shadowRoot!.querySelector('table')).to.equal(null);
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const rows = el.shadowRoot!.querySelectorAll('tbody tr');
    expect(rows.length).to.equal(6);
    expect(rows[2]!.textContent).to.contain('24 Nov, 13:00 UTC');
    expect(rows[2]!.textContent).to.contain('2.0 KB');
    await expect(el).to.be.accessible();
  });

  it('peaks are a maximum, not a sum; new data redraws in place', async () => {
    const el = await fixture<DashboardUsageChart>(
      html`<dashboard-usage-chart metric="peakConnections" granularity="hour" .series=${usageOf(4, (i) => ({ peakConnections: i })).series}></dashboard-usage-chart>`,
    );
    expect(el.summary()).to.equal('At most 3 connections at once, in the hour of 24 Nov, 14:00 UTC.');
    await waitUntil(() => el.shadowRoot!.querySelector('canvas'));
    const canvas = el.shadowRoot!.querySelector('canvas');
    el.series = usageOf(4, () => ({})).series;
    await el.updateComplete;
    expect(el.summary()).to.equal('No connections.');
    expect(el.shadowRoot!.querySelector('canvas')).to.equal(canvas);
  });
});
