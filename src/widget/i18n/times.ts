/**
 * Times in the reader's words: how long ago (`5 minutes ago`) and a date in full. Only the thread and
 * the list say times, so this comes with the lazily loaded parts rather than with I18n.
 */
import type { I18n } from './i18n.ts';

interface TimeFormats {
  readonly relative: Intl.RelativeTimeFormat;
  readonly dates: Intl.DateTimeFormat;
}

const formats = new WeakMap<I18n, TimeFormats>();

function formatsOf(i18n: I18n): TimeFormats {
  let f = formats.get(i18n);
  if (!f) {
    // The reader's tag where Intl speaks it, else the catalog's language (as I18n's numbers).
    const tags = [i18n.locale, i18n.language];
    f = {
      relative: new Intl.RelativeTimeFormat(tags, { numeric: 'auto' }),
      dates: new Intl.DateTimeFormat(tags, { dateStyle: 'medium', timeStyle: 'short' }),
    };
    formats.set(i18n, f);
  }
  return f;
}

/** `5 minutes ago`, `yesterday`: how long before (or after) `now` the time `ms` is. */
export function relativeTime(i18n: I18n, ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  const fmt = formatsOf(i18n).relative;
  if (abs < 45) return fmt.format(0, 'second');
  if (abs < 3600) return fmt.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return fmt.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return fmt.format(Math.round(seconds / 86400), 'day');
  if (abs < 86400 * 365) return fmt.format(Math.round(seconds / (86400 * 30)), 'month');
  return fmt.format(Math.round(seconds / (86400 * 365)), 'year');
}

/** A date and time in full, for a title. */
export function dateTime(i18n: I18n, ms: number): string {
  return formatsOf(i18n).dates.format(ms);
}
