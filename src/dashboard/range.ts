/**
 * The ranges the dashboard offers, as the `from`/`to`/`granularity` the usage
 * API takes. Buckets are UTC hours or days (the API floors to them), so
 * ranges are whole buckets and always end with the current one: "now" is in.
 */
import type { Granularity, Range } from './api.ts';

export type Preset = '24h' | '7d' | '30d';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Up to this span the chart shows hours; beyond, days (168 hourly buckets at most). */
export const HOURLY_UP_TO_MS = 7 * DAY_MS;
/** The API's limit on buckets per answer. */
export const MAX_BUCKETS = 2000;

export const PRESETS: readonly { readonly id: Preset; readonly label: string }[] = [
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
];

export interface LabelledRange extends Range {
  /** How the range is named in sentences: "the last 24 hours", "1 Nov – 3 Nov 2026". */
  readonly label: string;
}

export function bucketMs(granularity: Granularity): number {
  return granularity === 'hour' ? HOUR_MS : DAY_MS;
}

function floorTo(t: number, granularity: Granularity): number {
  const size = bucketMs(granularity);
  return Math.floor(t / size) * size;
}

export function presetRange(preset: Preset, now: number): LabelledRange {
  const span = preset === '24h' ? DAY_MS : preset === '7d' ? 7 * DAY_MS : 30 * DAY_MS;
  const granularity: Granularity = span <= HOURLY_UP_TO_MS ? 'hour' : 'day';
  const to = floorTo(now, granularity) + bucketMs(granularity);
  const label = PRESETS.find((p) => p.id === preset)!.label.toLowerCase();
  return { from: to - span, to, granularity, label: `the ${label}` };
}

/** `YYYY-MM-DD` of a UTC instant: what a date input shows for it. */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * From and to as `YYYY-MM-DD` UTC days, both included. Hourly when the span
 * is at most seven days. An error is a sentence to show next to the inputs.
 */
export function customRange(fromDay: string, toDay: string): LabelledRange | { error: string } {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const last = Date.parse(`${toDay}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || Number.isNaN(from)) return { error: 'Choose a start date.' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(toDay) || Number.isNaN(last)) return { error: 'Choose an end date.' };
  if (last < from) return { error: 'The end date is before the start date.' };
  const to = last + DAY_MS;
  const granularity: Granularity = to - from <= HOURLY_UP_TO_MS ? 'hour' : 'day';
  if ((to - from) / bucketMs(granularity) > MAX_BUCKETS) return { error: `Choose at most ${MAX_BUCKETS} days.` };
  return { from, to, granularity, label: fromDay === toDay ? fromDay : `${fromDay} to ${toDay}` };
}
