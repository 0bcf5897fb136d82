import { expect } from '@open-wc/testing';
import { defineOnce, VERSION } from './define.ts';
import { ImageChat } from './image-chat.ts';

/** Captures console.warn for the duration of `body`. */
async function warnings(body: () => void | Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(' '));
  try {
    await body();
  } finally {
    console.warn = original;
  }
  return seen;
}

const copy = (version: string | undefined) =>
  class extends HTMLElement {
    static readonly version = version;
  };

// Classes are compared with ===: chai's DOM-aware `equal` never finishes on an element class.
let n = 0;
const freshTag = () => `define-test-${++n}`;

describe('defineOnce', () => {
  it('defines a free tag and returns the class', () => {
    const tag = freshTag();
    const element = copy('1.0.0');
    expect(defineOnce(tag, element) === element).to.equal(true);
    expect(customElements.get(tag) === element).to.equal(true);
  });

  it('leaves a taken tag to the first copy, silently when the versions match', async () => {
    const tag = freshTag();
    const first = copy('1.0.0');
    defineOnce(tag, first);
    const seen = await warnings(() => {
      expect(defineOnce(tag, first) === first).to.equal(true); // the same script evaluated again
      expect(defineOnce(tag, copy('1.0.0')) === first).to.equal(true); // a second copy of the same version
    });
    expect(seen).to.deep.equal([]);
    expect(customElements.get(tag) === first).to.equal(true);
  });

  it('warns, naming both versions, when a copy of another version finds the tag taken; never throws', async () => {
    const tag = freshTag();
    const first = copy('1.0.0');
    defineOnce(tag, first);
    const seen = await warnings(() => {
      expect(defineOnce(tag, copy('2.1.0')) === first).to.equal(true);
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.contain(`<${tag}>`).and.contain('1.0.0').and.contain('2.1.0');
  });

  it('warns when the tag is held by an element of no known version', async () => {
    const tag = freshTag();
    customElements.define(tag, class extends HTMLElement {});
    const seen = await warnings(() => void defineOnce(tag, copy('2.1.0')));
    expect(seen[0]).to.contain('unknown version').and.contain('2.1.0');
  });

  it('does nothing where there is no registry (server-side rendering)', () => {
    expect(defineOnce(freshTag(), copy('1.0.0'), null)).to.equal(undefined);
  });

  it('stamps the element class with this build version', () => {
    expect(ImageChat.version).to.equal(VERSION);
  });
});
