/**
 * One reader's language: the catalog of sentences and Intl formatters in their locale. Each
 * <image-chat> holds its own (two elements on one page may speak two languages), and hands it to
 * its parts; nothing here is global but the formatter caches.
 */
import { enCore } from './en-core.ts';
import { RTL_LANGUAGES, type Catalog, type Language, type Message, type PluralForms } from './catalog.ts';

export type Values = Readonly<Record<string, string | number>>;

export class I18n {
  /** The element's `dir` for this language. */
  readonly dir: 'ltr' | 'rtl';
  readonly #numbers: Intl.NumberFormat;
  readonly #plurals: Intl.PluralRules;
  readonly #lists: Intl.ListFormat;

  constructor(
    /** The BCP 47 tag the formatters use (`da-DK`, `he`): the reader's own, with its region. */
    readonly locale: string,
    /** The catalog's language. */
    readonly language: Language,
    /** The sentences, by part. */
    readonly text: Catalog,
  ) {
    this.dir = RTL_LANGUAGES.includes(language) ? 'rtl' : 'ltr';
    // The reader's tag where Intl speaks it (`da-DK`), else the catalog's language: Intl takes the first it has.
    const tag = [locale, language];
    // Grouped from five digits (12,345, not 2,000): short numbers read better whole, as most style guides print them.
    this.#numbers = new Intl.NumberFormat(tag, { maximumFractionDigits: 1, useGrouping: 'min2' } as unknown as Intl.NumberFormatOptions);
    this.#plurals = new Intl.PluralRules(tag);
    this.#lists = new Intl.ListFormat(tag, { type: 'conjunction' });
  }

  /** `format('{count} conversations', {count: 3})`: named placeholders filled, numbers in the locale's digits. */
  format(template: string, values: Values = {}): string {
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? this.number(value) : value;
    });
  }

  /** The plural form for `count` (by the locale's rules; `zero` for 0 when the catalog has it), filled. */
  plural(forms: PluralForms, count: number, values: Values = {}): string {
    const form = (count === 0 ? forms.zero : undefined) ?? forms[this.#plurals.select(count)] ?? forms.other;
    return this.format(form, { ...values, count });
  }

  number(n: number): string {
    return this.#numbers.format(n);
  }

  /** `3, 5 and 7` in the locale's words. */
  list(items: readonly (string | number)[]): string {
    return this.#lists.format(items.map((i) => (typeof i === 'number' ? this.number(i) : i)));
  }
}

/** English, built in: what every element speaks until (or unless) its own language has loaded. */
type Sections = Readonly<Record<string, Readonly<Record<string, Message>>>>;

const englishText: Record<string, Record<string, Message>> = {};

/** Adds sentences to English: en-core.ts here, en-parts.ts when the parts that say them arrive (parts.ts). */
export function addEnglish(sections: Sections): void {
  for (const [section, sentences] of Object.entries(sections)) Object.assign((englishText[section] ??= {}), sentences);
}
addEnglish(enCore);

/**
 * English, which every element speaks until its language has loaded. Its catalog holds en-core.ts's
 * sentences from the start and en-parts.ts's once the parts have arrived; only those parts read them.
 */
export const english = new I18n('en', 'en', englishText as unknown as Catalog);
