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

/** Old tags browsers may still send. */
const ALIASES: Readonly<Record<string, Language>> = { iw: 'he' };

/** The first of `tags` the widget speaks, or English. */
export function pickLocale(tags: readonly (string | null | undefined)[]): Picked {
  for (const raw of tags) {
    const tag = canonical(raw);
    if (!tag) continue;
    const base = tag.split('-')[0]!.toLowerCase();
    const language = (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : ALIASES[base];
    if (language) return { locale: tag, language };
  }
  return { locale: 'en', language: 'en' };
}

function canonical(raw: string | null | undefined): string | undefined {
  const tag = raw?.trim();
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
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
