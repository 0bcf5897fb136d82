import { expect } from '@open-wc/testing';
import { DraftStore, draftKey } from './draft-store.ts';
import { imageScope } from './image-id.ts';

/** A Storage whose every call throws, as in a sandboxed frame or with storage blocked. */
const throwing = {
  getItem() {
    throw new DOMException('blocked', 'SecurityError');
  },
  setItem() {
    throw new DOMException('blocked', 'SecurityError');
  },
  removeItem() {
    throw new DOMException('blocked', 'SecurityError');
  },
} as unknown as Storage;

describe('DraftStore', () => {
  const scope = imageScope('http://s', 'demo', `img-${crypto.randomUUID()}`);
  const one = draftKey(scope, 'chat-1');
  const two = draftKey(scope, 'chat-2');

  it('keeps one draft per conversation in sessionStorage, and blank means none', () => {
    const store = new DraftStore();
    store.set(one, 'first thread');
    store.set(two, 'second thread');
    expect(store.get(one)).to.equal('first thread');
    expect(store.get(two)).to.equal('second thread');
    // Another store on the same page (a reload reads it the same way) sees them.
    expect(new DraftStore().get(one)).to.equal('first thread');
    store.set(one, '   ');
    expect(store.get(one)).to.equal('');
    store.clear(two);
    expect(new DraftStore().get(two)).to.equal('');
  });

  it('falls back to memory when sessionStorage throws', () => {
    const store = new DraftStore(() => throwing);
    store.set(one, 'kept in memory');
    expect(store.get(one)).to.equal('kept in memory');
    store.clear(one);
    expect(store.get(one)).to.equal('');
    // Even reaching sessionStorage may throw (an opaque origin).
    const none = new DraftStore(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    none.set(two, 'still here');
    expect(none.get(two)).to.equal('still here');
  });

  it('puts a refused text back before what was typed since, with the reason, and tells its watchers', () => {
    const store = new DraftStore();
    const told: string[] = [];
    const off = store.watch((key) => told.push(key));
    store.restore(one, 'sent text', 'Too many actions: wait 5 s and try again.');
    expect(store.get(one)).to.equal('sent text');
    expect(store.refusal(one)).to.match(/Too many actions/);
    store.set(two, 'typed since');
    store.restore(two, 'sent before', 'The connection was closed.');
    expect(store.get(two)).to.equal('sent before\ntyped since');
    expect(told).to.deep.equal([one, two]);
    off();
    store.restore(one, 'again', 'x');
    expect(told).to.have.length(2);
    store.clear(one);
    store.clear(two);
    expect(store.refusal(one)).to.equal(undefined);
  });
});
