import { expect } from '@open-wc/testing';
import { MAX_IMAGE_ID_CHARS } from '../protocol/limits.ts';
import { fitImageId, imageIdFromUrl } from './image-id.ts';

describe('image-id', () => {
  it('is the absolute URL without its fragment', () => {
    expect(imageIdFromUrl('/a/b.png?v=1#part', 'https://example.com/page/')).to.equal('https://example.com/a/b.png?v=1');
    expect(imageIdFromUrl('b.png', 'https://example.com/page/x.html')).to.equal('https://example.com/page/b.png');
  });

  it('hashes long URLs down to the limit, stable and distinct', () => {
    const long = 'https://example.com/' + 'x'.repeat(2000) + '.png';
    const id = imageIdFromUrl(long, 'https://example.com/');
    expect(id.length).to.be.at.most(MAX_IMAGE_ID_CHARS);
    expect(id.startsWith('https://example.com/xxx')).to.equal(true);
    expect(imageIdFromUrl(long + '#frag', 'https://example.com/')).to.equal(id);
    const other = imageIdFromUrl(long.replace('.png', '.jpg'), 'https://example.com/');
    expect(other).to.not.equal(id);
    expect(other.length).to.be.at.most(MAX_IMAGE_ID_CHARS);
  });

  it('leaves short ids alone', () => {
    expect(fitImageId('abc')).to.equal('abc');
    expect(fitImageId('a'.repeat(MAX_IMAGE_ID_CHARS))).to.equal('a'.repeat(MAX_IMAGE_ID_CHARS));
    expect(fitImageId('a'.repeat(MAX_IMAGE_ID_CHARS + 1)).length).to.equal(MAX_IMAGE_ID_CHARS);
  });
});
