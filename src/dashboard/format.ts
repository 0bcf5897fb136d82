/**
 * Figures and times in words. Usage buckets are UTC, so their times are shown
 * in UTC (a day bucket would otherwise start at 01:00 somewhere); comment
 * times are the viewer's own.
 */
import type { Granularity, Metric } from './api.ts';

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (1 KB = 1024 bytes). */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${formatCount(n)} ${n === 1 ? 'byte' : 'bytes'}`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatMetric(metric: Metric, n: number): string {
  return metric === 'pubSubBandwidth' ? formatBytes(n) : formatCount(n);
}

export const METRIC_LABELS: Record<Metric, string> = {
  pubSubMessageCount: 'Messages sent',
  pubSubBandwidth: 'Bandwidth',
  conversationCreateCount: 'New conversations',
  commentCount: 'Comments',
  peakConnections: 'Peak connections',
};

export const METRIC_HINTS: Record<Metric, string> = {
  pubSubMessageCount: 'messages sent to widgets',
  pubSubBandwidth: 'bytes sent to widgets',
  conversationCreateCount: 'conversations started',
  commentCount: 'comments posted, openings included',
  peakConnections: 'most connections open at once',
};

const hourFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

/** A bucket's start as the tables show it: "25 Nov, 14:00" or "25 Nov 2026" (UTC). */
export function formatBucket(start: string | number, granularity: Granularity): string {
  const date = new Date(start);
  return granularity === 'hour' ? `${hourFormat.format(date)} UTC` : dayFormat.format(date);
}

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatLocal(t: string | number): string {
  return localFormat.format(new Date(t));
}

/** The first words of a text, for labels such as "Delete conversation “Is this button…”". */
export function excerpt(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** An http(s) URL from untrusted text, or undefined (image ids and pages become links only then). */
export function httpUrl(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
