/**
 * The catalogs of languages other than English, each its own small chunk fetched the first time an
 * element speaks it (and then from the browser's cache: the chunks' names carry their content hash).
 * A chunk that fails to load (offline, blocked) leaves the element in English and is tried again
 * next time the language is asked for.
 */
import type { Catalog, Language } from './catalog.ts';

type Loader = () => Promise<{ readonly default: Catalog }>;

const LOADERS: Readonly<Record<Exclude<Language, 'en'>, Loader>> = {
  da: () => import('./locales/da.ts'),
  he: () => import('./locales/he.ts'),
  de: () => import('./locales/de.ts'),
  es: () => import('./locales/es.ts'),
  fr: () => import('./locales/fr.ts'),
  ar: () => import('./locales/ar.ts'),
  ja: () => import('./locales/ja.ts'),
};

/** The catalog of `language`; the browser keeps a loaded module for the page's life, and a failed one is asked for again. */
export const loadCatalog = (language: Exclude<Language, 'en'>): Promise<Catalog> => LOADERS[language]().then((m) => m.default);
