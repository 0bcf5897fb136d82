/**
 * The checks a text passes before it is sent, the same for the element's API (`createChat`, `reply`)
 * and its text boxes; the server applies the same limits (protocol/limits.ts).
 */
import { MAX_TEXT_CHARS, textLength } from '../protocol/limits.ts';
import type { I18n } from './i18n/i18n.ts';

/** Why a text cannot be sent, in words, or undefined when it can. */
export function validateText(i18n: I18n, text: string): string | undefined {
  if (text.trim() === '') return i18n.text.composer.empty;
  const length = textLength(text);
  if (length > MAX_TEXT_CHARS) return i18n.format(i18n.text.composer.tooLong, { length, limit: MAX_TEXT_CHARS });
  return undefined;
}
