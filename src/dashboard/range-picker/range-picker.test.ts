import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../index.ts';
import type { LabelledRange } from '../range.ts';
import type { DashboardRangePicker } from './range-picker.ts';

const NOW = Date.parse('2026-11-25T10:17:00.000Z');

async function picker(): Promise<DashboardRangePicker> {
  const el = await fixture<DashboardRangePicker>(html`<dashboard-range-picker></dashboard-range-picker>`);
  el.now = () => NOW;
  return el;
}

const radio = (el: DashboardRangePicker, value: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`input[value="${value}"]`)!;

describe('<dashboard-range-picker>', () => {
  it('starts on the last 24 hours; choosing 30 days announces a daily range', async () => {
    const el = await picker();
    expect(radio(el, '24h').checked).to.equal(true);
    expect(el.range!.granularity).to.equal('hour');
    const changed = oneEvent(el, 'dashboard-range-change');
    radio(el, '30d').click();
    const range = (await changed).detail as LabelledRange;
    expect(range.granularity).to.equal('day');
    expect(range.label).to.equal('the last 30 days');
    await expect(el).to.be.accessible();
  });

  it('custom waits for its dates; a bad pair is said, a good one announced', async () => {
    const el = await picker();
    let events = 0;
    el.addEventListener('dashboard-range-change', () => events++);
    radio(el, 'custom').click();
    await el.updateComplete;
    expect(events).to.equal(0);
    const from = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="from"]')!;
    const to = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="to"]')!;
    from.value = '2026-11-10';
    to.value = '2026-11-01';
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('The end date is before the start date.');
    expect(events).to.equal(0);
    to.value = '2026-11-12';
    const changed = oneEvent(el, 'dashboard-range-change');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const range = (await changed).detail as LabelledRange;
    expect(new Date(range.from).toISOString()).to.equal('2026-11-10T00:00:00.000Z');
    expect(new Date(range.to).toISOString()).to.equal('2026-11-13T00:00:00.000Z');
    expect(range.granularity).to.equal('hour');
    await expect(el).to.be.accessible();
  });
});
