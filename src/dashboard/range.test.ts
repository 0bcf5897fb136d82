import { expect } from '@open-wc/testing';
import { DAY_MS, HOUR_MS, customRange, presetRange } from './range.ts';

const NOW = Date.parse('2026-11-25T10:17:42.123Z');

describe('dashboard ranges', () => {
  it('last 24 hours: 24 hourly buckets ending with the current hour', () => {
    const r = presetRange('24h', NOW);
    expect(r.granularity).to.equal('hour');
    expect(new Date(r.to).toISOString()).to.equal('2026-11-25T11:00:00.000Z');
    expect((r.to - r.from) / HOUR_MS).to.equal(24);
    expect(r.label).to.equal('the last 24 hours');
  });

  it('last 7 days is still hourly (168 buckets); last 30 days is daily, today included', () => {
    const week = presetRange('7d', NOW);
    expect(week.granularity).to.equal('hour');
    expect((week.to - week.from) / HOUR_MS).to.equal(168);
    const month = presetRange('30d', NOW);
    expect(month.granularity).to.equal('day');
    expect(new Date(month.to).toISOString()).to.equal('2026-11-26T00:00:00.000Z');
    expect((month.to - month.from) / DAY_MS).to.equal(30);
  });

  it('custom: whole UTC days, both ends included; hourly up to seven days, daily beyond', () => {
    const week = customRange('2026-11-01', '2026-11-07');
    if ('error' in week) throw new Error(week.error);
    expect(new Date(week.from).toISOString()).to.equal('2026-11-01T00:00:00.000Z');
    expect(new Date(week.to).toISOString()).to.equal('2026-11-08T00:00:00.000Z');
    expect(week.granularity).to.equal('hour');
    const longer = customRange('2026-11-01', '2026-11-08');
    if ('error' in longer) throw new Error(longer.error);
    expect(longer.granularity).to.equal('day');
    const one = customRange('2026-11-01', '2026-11-01');
    if ('error' in one) throw new Error(one.error);
    expect(one.to - one.from).to.equal(DAY_MS);
  });

  it('custom: a sentence for what cannot be asked', () => {
    expect(customRange('2026-11-08', '2026-11-01')).to.deep.equal({ error: 'The end date is before the start date.' });
    expect(customRange('', '2026-11-01')).to.deep.equal({ error: 'Choose a start date.' });
    expect(customRange('2026-11-01', 'soon')).to.deep.equal({ error: 'Choose an end date.' });
    expect(customRange('2000-01-01', '2026-11-01')).to.deep.equal({ error: 'Choose at most 2000 days.' });
  });
});
