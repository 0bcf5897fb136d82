import { expect } from '@open-wc/testing';
import { format, listOf, plural } from './text.ts';

describe('text', () => {
  it('fills named placeholders, in any order, leaving unknown ones as written', () => {
    expect(format('{b} then {a}, {a} again; {c}', { a: 1, b: 'two' })).to.equal('two then 1, 1 again; {c}');
  });
  it('picks the plural form by the locale\'s rules', () => {
    const forms = { one: '{count} reply from {who}', other: '{count} replies from {who}' };
    expect(plural('en', forms, 1, { who: 'Ada' })).to.equal('1 reply from Ada');
    expect(plural('en', forms, 3, { who: 'Ada' })).to.equal('3 replies from Ada');
    expect(plural('not a locale!', forms, 2, { who: 'Bo' })).to.equal('2 replies from Bo');
  });
  it('joins a list in the locale\'s words', () => {
    expect(listOf('en', [3, 5, 7])).to.equal('3, 5, and 7');
    expect(listOf('da', [3, 5])).to.equal('3 og 5');
  });
});
