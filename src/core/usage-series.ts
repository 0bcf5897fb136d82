/**
 * The usage API's ranges and buckets (design.md): UTC hours or days, `to` exclusive, every
 * bucket of the range present (zeros filled), counters summed and peaks maxed per bucket and
 * over the range. Pure: the store's hourly rows in, the answer's numbers out.
 */
import { NO_USAGE, combineUsage } from '../store/store.ts';
import type { UsageCounts, UsageHour } from '../store/store.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type Granularity = 'hour' | 'day';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day'];
export const BUCKET_MS: Readonly<Record<Granularity, number>> = { hour: HOUR_MS, day: DAY_MS };
/** The range when no `from` is given: the last 24 hours, or the last 30 days. */
export const DEFAULT_SPAN_MS: Readonly<Record<Granularity, number>> = { hour: DAY_MS, day: 30 * DAY_MS };
/** Most buckets one answer holds. */
export const MAX_BUCKETS = 2000;

export interface UsageBucket extends UsageCounts {
  /** Start of the bucket, ms since the epoch (UTC). */
  readonly start: number;
}

export interface UsageSeries {
  readonly totals: UsageCounts;
  readonly series: UsageBucket[];
}

export interface UsageRange {
  readonly from: number;
  readonly to: number;
}

export const floorTo = (ms: number, granularity: Granularity): number => Math.floor(ms / BUCKET_MS[granularity]) * BUCKET_MS[granularity];

/**
 * The range to answer: `from` and `to` floored to the granularity's UTC boundary; `to` by
 * default the end of the bucket holding `now` (so now is included), `from` by default the
 * default span before `to`. At most `maxSpanMs` long; an empty or reversed range is refused.
 */
export function usageRange(
  from: number | undefined,
  to: number | undefined,
  granularity: Granularity,
  now: number,
  maxSpanMs = MAX_BUCKETS * BUCKET_MS[granularity],
): UsageRange | { error: string } {
  const end = to === undefined ? floorTo(now, granularity) + BUCKET_MS[granularity] : floorTo(to, granularity);
  const start = from === undefined ? end - DEFAULT_SPAN_MS[granularity] : floorTo(from, granularity);
  if (start >= end) return { error: `from must be before to once both are floored to whole ${granularity}s (UTC); to is exclusive` };
  if (end - start > maxSpanMs) {
    return { error: `the range holds more than ${maxSpanMs / BUCKET_MS[granularity]} ${granularity}s: narrow it, or use granularity=day` };
  }
  return { from: start, to: end };
}

/** The hours (ascending or not) summed into the range's buckets, every bucket present. */
export function bucketSeries(hours: readonly UsageHour[], range: UsageRange, granularity: Granularity): UsageSeries {
  const step = BUCKET_MS[granularity];
  const buckets: UsageCounts[] = Array.from({ length: Math.ceil((range.to - range.from) / step) }, () => NO_USAGE);
  let totals = NO_USAGE;
  for (const { hour, ...counts } of hours) {
    const i = Math.floor((hour - range.from) / step);
    if (i < 0 || i >= buckets.length) continue;
    buckets[i] = combineUsage(buckets[i]!, counts);
    totals = combineUsage(totals, counts);
  }
  return { totals, series: buckets.map((counts, i) => ({ start: range.from + i * step, ...counts })) };
}
