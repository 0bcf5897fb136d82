import { expect } from '@open-wc/testing';
import type { ChatView } from './chat-list.ts';
import { chatNumbers } from './numbers.ts';

const author = { id: 'g_a', name: 'A' };
function chat(id: string, number: number | undefined, unsaved = false): ChatView {
  return { id, x: 0.5, y: 0.5, author, createdAt: 1, resolved: false, comments: [], pending: unsaved, unsaved, ...(number === undefined ? {} : { number }) };
}

describe('chatNumbers', () => {
  it('shows the server\'s numbers, gaps and all', () => {
    expect([...chatNumbers([chat('a', 1), chat('c', 3), chat('d', 7)])]).to.deep.equal([['a', 1], ['c', 3], ['d', 7]]);
  });
  it('gives a conversation not stored yet the next number after the highest', () => {
    expect([...chatNumbers([chat('a', 1), chat('c', 3), chat('new', undefined, true), chat('newer', undefined, true)])]).to.deep.equal([
      ['a', 1],
      ['c', 3],
      ['new', 4],
      ['newer', 5],
    ]);
  });
  it('counts in creation order when a server (or cache) from before numbers gave none', () => {
    expect([...chatNumbers([chat('a', undefined), chat('b', undefined), chat('new', undefined, true)])]).to.deep.equal([['a', 1], ['b', 2], ['new', 3]]);
  });
});
