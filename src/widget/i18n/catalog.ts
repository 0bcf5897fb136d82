/**
 * The shape every locale's catalog has: en.ts's sections and keys, with a string where English has a
 * string and plural forms where English has them. A locale file missing a key, or with one English
 * does not have, does not type-check; check-locales.ts checks the rest (placeholders, plural forms).
 */
import type { en } from './en.ts';

/** Plural forms: `other` always; the others a language's Intl.PluralRules asks for (`zero` optional). */
export interface PluralForms {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

export type Message = string | PluralForms;

type English = typeof en;

export type Catalog = {
  readonly [S in keyof English]: { readonly [K in keyof English[S]]: English[S][K] extends string ? string : PluralForms };
};

/** The languages the widget speaks; `en` is built in, the others load when first used. */
export const LANGUAGES = ['en', 'da', 'he', 'de', 'es', 'fr', 'ar', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Written right to left (the layout mirrors; marker positions never do). */
export const RTL_LANGUAGES: readonly Language[] = ['he', 'ar'];
