/**
 * The error words an element needs before its lazily loaded parts arrive: why this identity may only
 * view (shown in the banner from the start). The rest of the error wording comes with the parts
 * (error-reason.ts).
 */
import type { ReadonlyReason } from '../../protocol/messages.ts';
import type { I18n } from './i18n.ts';

/** The sentence of each reason an identity is read-only (en-core.ts's `errors`). */
export const READONLY = {
  'readonly-token': 'readonlyToken',
  'readonly-view': 'readonlyView',
  'readonly-guests': 'readonlyGuests',
} as const satisfies Record<ReadonlyReason, keyof I18n['text']['errors']>;

/** Why this identity may only view, in words (the element's own `readonly` says "This image is read-only."). */
export function readonlyText(i18n: I18n, why: ReadonlyReason | undefined): string {
  return why ? i18n.text.errors[READONLY[why]] : i18n.text.status.viewOnly;
}
