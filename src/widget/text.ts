/**
 * Filling whole sentences: every visible string is one template with named
 * placeholders (`{count}`), never pieces glued together, so a translation can
 * reorder them. Plurals pick a template by Intl.PluralRules.
 */

/** `format('{count} conversations', {count: 3})` → `3 conversations`; an unknown name stays as written. */
export function format(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A sentence in its singular and plural forms (more forms may be added per language). */
export interface Plural {
  readonly one: string;
  readonly other: string;
  readonly [form: string]: string;
}

function rules(locale: string | undefined): Intl.PluralRules {
  try {
    return new Intl.PluralRules(locale);
  } catch {
    return new Intl.PluralRules();
  }
}

/** The form for `count`, filled with `count` and the other values. */
export function plural(locale: string | undefined, forms: Plural, count: number, values: Readonly<Record<string, string | number>> = {}): string {
  const form = forms[rules(locale).select(count)] ?? forms.other;
  return format(form, { ...values, count });
}

/** `3, 5 and 7` in the locale's words. */
export function listOf(locale: string | undefined, items: readonly (string | number)[]): string {
  const strings = items.map(String);
  try {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(strings);
  } catch {
    return new Intl.ListFormat(undefined, { type: 'conjunction' }).format(strings);
  }
}
