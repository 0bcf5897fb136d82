/**
 * Which language an element speaks: its `locale` attribute; else the nearest `lang` above it (across
 * shadow roots, the element's own included); else the browser's languages in order; else English.
 * A tag the widget cannot speak (`pt-BR`) passes to the next source, so a Portuguese page read in a
 * Danish browser is Danish, not English.
 */
import { LANGUAGES, type Language } from './catalog.ts';

export interface Picked {
  /** The tag Intl formats with: the one asked for (`da-DK`), keeping its region. */
  readonly locale: string;
  readonly language: Language;
}

/** The first of `tags` the widget speaks, or English. Old tags browsers may still send (`iw`) are canonicalised (`he`). */
export function pickLocale(tags: readonly (string | null | undefined)[]): Picked {
  for (const raw of tags) {
    try {
      // The language subtag comes first and, canonical, in lower case (`HE` → `he`).
      const locale = Intl.getCanonicalLocales(raw?.trim() || [])[0];
      const language = locale?.split('-')[0] as Language;
      if (LANGUAGES.includes(language)) return { locale: locale!, language };
    } catch {
      // Not a tag: the next one.
    }
  }
  return { locale: 'en', language: 'en' };
}

/** The `lang` of the nearest element at or above `el`, crossing out of shadow roots; `lang=""` ("unknown") is passed over. */
export function nearestLang(el: Element): string | undefined {
  let node: Element | null = el;
  while (node) {
    const lang = node.getAttribute('lang')?.trim();
    if (lang) return lang;
    node = node.parentElement ?? ((node.getRootNode() as Partial<ShadowRoot>).host ?? null);
  }
  return undefined;
}

/** Where the element's language comes from, in order (see the module comment). */
export function requestedLocales(el: Element, attribute: string | null | undefined, browser: readonly string[] = globalThis.navigator?.languages ?? []): string[] {
  return [attribute ?? undefined, nearestLang(el), ...browser].filter((t): t is string => !!t);
}
