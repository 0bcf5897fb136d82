// Every locale's catalog against English (src/widget/i18n/en.ts): the same sections and keys, the same
// `{placeholders}` in every sentence, and every plural form the language's Intl.PluralRules asks for.
// Run by every build of the widget (vite.config.ts: a build with a gap fails and names it) and by
// `npm test` (test/i18n/locales.test.ts). TypeScript already refuses a locale file missing a key; this
// also catches what types cannot see.
import type { Plugin } from 'vite';
import { en } from '../src/widget/i18n/en.ts';
import type { Catalog, Language, Message } from '../src/widget/i18n/catalog.ts';
import da from '../src/widget/i18n/locales/da.ts';
import he from '../src/widget/i18n/locales/he.ts';
import de from '../src/widget/i18n/locales/de.ts';
import es from '../src/widget/i18n/locales/es.ts';
import fr from '../src/widget/i18n/locales/fr.ts';
import ar from '../src/widget/i18n/locales/ar.ts';
import ja from '../src/widget/i18n/locales/ja.ts';

/** Every shipped locale (a language added to catalog.ts's LANGUAGES but not here fails to type-check). */
const LOCALES: Readonly<Record<Exclude<Language, 'en'>, Catalog>> = { da, he, de, es, fr, ar, ja };

const placeholders = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
const forms = (m: Message): [string, string][] => (typeof m === 'string' ? [['', m]] : (Object.entries(m) as [string, string][]));

/** What is wrong with `catalog` as a translation of English into `language`; empty when nothing is. */
export function catalogProblems(language: string, catalog: Catalog): string[] {
  const problems: string[] = [];
  const source = en as unknown as Record<string, Record<string, Message>>;
  const target = catalog as unknown as Record<string, Record<string, Message> | undefined>;
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  for (const section of new Set([...Object.keys(source), ...Object.keys(target)])) {
    const s = source[section];
    const t = target[section];
    if (!s) problems.push(`${language}: ${section}: not in English`);
    if (!t) problems.push(`${language}: ${section}: missing`);
    if (!s || !t) continue;
    for (const key of new Set([...Object.keys(s), ...Object.keys(t)])) {
      const where = `${language}: ${section}.${key}`;
      const english = s[key];
      const translated = t[key];
      if (english === undefined) problems.push(`${where}: not in English`);
      if (translated === undefined || translated === '') problems.push(`${where}: missing`);
      if (english === undefined || translated === undefined) continue;
      if (typeof english !== typeof translated) {
        problems.push(`${where}: ${typeof english === 'string' ? 'a sentence' : 'plural forms'} in English`);
        continue;
      }
      const needed = new Set([...forms(english).flatMap(([, text]) => [...placeholders(text)])]);
      if (typeof translated !== 'string') {
        const asked = [...categories, ...('zero' in (english as object) ? ['zero'] : [])];
        for (const c of asked) if (!(c in translated)) problems.push(`${where}: plural form "${c}" missing`);
      }
      for (const [form, text] of forms(translated)) {
        const has = placeholders(text);
        const label = form ? `${where}.${form}` : where;
        for (const p of has) if (!needed.has(p)) problems.push(`${label}: {${p}} is not in English`);
        // A plural form may leave {count} out ("No replies", Arabic's dual "two replies" written as a word).
        for (const p of needed) if (!has.has(p) && p !== 'count') problems.push(`${label}: {${p}} missing`);
      }
    }
  }
  return problems;
}

/** Every locale the widget ships, checked. */
export function allLocaleProblems(): string[] {
  return Object.entries(LOCALES).flatMap(([language, catalog]) => catalogProblems(language, catalog));
}

/** Fails the build when a locale has a gap. */
export function checkLocales(): Plugin {
  return {
    name: 'image-chat:check-locales',
    apply: 'build',
    buildStart() {
      const problems = allLocaleProblems();
      if (problems.length) this.error(`locales do not match English:\n  ${problems.join('\n  ')}`);
    },
  };
}
