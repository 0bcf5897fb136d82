/**
 * Every sentence the widget shows or says to a screen reader, in English: the source the other locales
 * translate (locales/*.ts must have exactly these keys: `npm run check:locales`, run by every build).
 *
 * - A sentence is whole, with named placeholders (`{count}`), never glued from pieces, so a translation
 *   may reorder it. Numbers in placeholders are formatted with Intl in the reader's locale.
 * - An object with `one`/`other` (and `zero`, `two`, `few`, `many` where a language has them) is a
 *   plural: the form is picked by Intl.PluralRules. `zero` is used for 0 when given, whatever the rules.
 * - Sections follow the widget's parts, so a translator sees where a sentence appears.
 */
import { enCore } from './en-core.ts';
import { enParts } from './en-parts.ts';

/**
 * English, whole: en-core.ts (what an element needs from the start) and en-parts.ts (what its lazily
 * loaded parts say), in two files so that the first load carries only the first. Sections follow the
 * widget's parts; `composer`, `list`, `status` and `errors` have sentences in each file.
 */
export const en = {
  ...enCore,
  ...enParts,
  composer: { ...enCore.composer, ...enParts.composer },
  list: { ...enCore.list, ...enParts.list },
  status: { ...enCore.status, ...enParts.status },
  errors: { ...enCore.errors, ...enParts.errors },
};
