import { expect } from '@open-wc/testing';
import { excerpt, formatBucket, formatBytes, formatCount, httpUrl } from './format.ts';

describe('dashboard formatting', () => {
  it('counts get thousands separators; bytes a binary unit', () => {
    expect(formatCount(1234567)).to.equal('1,234,567');
    expect(formatBytes(0)).to.equal('0 bytes');
    expect(formatBytes(1)).to.equal('1 byte');
    expect(formatBytes(1536)).to.equal('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).to.equal('250 MB');
  });

  it('buckets are shown in UTC', () => {
    expect(formatBucket('2026-11-25T14:00:00.000Z', 'hour')).to.equal('25 Nov, 14:00 UTC');
    expect(formatBucket('2026-11-25T00:00:00.000Z', 'day')).to.equal('25 Nov 2026');
  });

  it('only http(s) text becomes a link', () => {
    expect(httpUrl('https://a.example/x.png')).to.equal('https://a.example/x.png');
    expect(httpUrl('javascript:alert(1)')).to.equal(undefined);
    expect(httpUrl('data:image/png;base64,AAAA')).to.equal(undefined);
    expect(httpUrl('mockup-7')).to.equal(undefined);
    expect(httpUrl(null)).to.equal(undefined);
  });

  it('excerpts cut at a word budget with an ellipsis', () => {
    expect(excerpt('short')).to.equal('short');
    expect(excerpt('a'.repeat(60), 10)).to.equal(`${'a'.repeat(9)}…`);
    expect(excerpt('  two\n lines  ')).to.equal('two lines');
  });
});
