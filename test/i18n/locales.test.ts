// The shipped locales match English, and the check would see it if one did not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allLocaleProblems, catalogProblems } from '../../scripts/check-locales.ts';
import { en } from '../../src/widget/i18n/en.ts';
import type { Catalog } from '../../src/widget/i18n/catalog.ts';

test('every shipped locale has every key, placeholder and plural form of English', () => {
  assert.deepEqual(allLocaleProblems(), []);
});

test('a missing key, a lost placeholder, an unknown one and a missing plural form are each reported', () => {
  const broken = structuredClone(en) as unknown as Record<string, Record<string, unknown>>;
  delete broken.composer!.send;
  broken.status!.gone = 'Samtalen blev slettet.';
  broken.move!.position = '{x} % henne, {z} % nede.';
  broken.list!.toggle = { other: '{count} samtaler' };
  const problems = catalogProblems('da', broken as unknown as Catalog);
  assert.deepEqual(problems.sort(), [
    'da: composer.send: missing',
    'da: list.toggle: plural form "one" missing',
    'da: move.position: {y} missing',
    'da: move.position: {z} is not in English',
    'da: status.gone: {number} missing',
  ]);
});

test('Arabic needs all six plural forms, Japanese only "other"', () => {
  const withOnlyOther = structuredClone(en) as unknown as Record<string, Record<string, unknown>>;
  for (const section of Object.values(withOnlyOther))
    for (const [key, value] of Object.entries(section)) {
      if (typeof value === 'string') continue;
      const { other, zero } = value as { other: string; zero?: string };
      section[key] = zero === undefined ? { other } : { other, zero };
    }
  assert.deepEqual(catalogProblems('ja', withOnlyOther as unknown as Catalog), []);
  const arabic = catalogProblems('ar', withOnlyOther as unknown as Catalog);
  for (const form of ['zero', 'one', 'two', 'few', 'many']) assert.ok(arabic.some((p) => p.endsWith(`plural form "${form}" missing`)), form);
});
