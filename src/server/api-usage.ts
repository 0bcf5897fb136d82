/**
 * The usage routes of the tenant's API (design.md, for the tenant's API key):
 *   GET /api/v1/tenants/:tenant/usage?from=&to=&granularity=hour|day   JSON, or CSV with Accept: text/csv
 *   GET /api/v1/tenants/:tenant/images?sort=activity&from=&to=&limit=  the most active images
 * Only the query parsing lives here; ranges, buckets and counting are the core's (usage.ts,
 * usage-series.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCore } from '../core/core.ts';
import type { Tenant } from '../core/tenants.ts';
import { BUCKET_MS, DAY_MS, GRANULARITIES, MAX_BUCKETS, usageRange } from '../core/usage-series.ts';
import type { Granularity, UsageBucket, UsageRange } from '../core/usage-series.ts';
import { authorizeApi } from './http-auth.ts';
import { HttpError, headerOf, refuse, send, sendJson } from './http.ts';

export const CSV_COLUMNS = ['start', 'pubSubMessageCount', 'pubSubBandwidth', 'conversationCreateCount', 'commentCount', 'peakConnections'] as const;
export const DEFAULT_IMAGES_LIMIT = 20;
export const MAX_IMAGES_LIMIT = 100;
/** The images route ranks over whole hours, over any range the usage route accepts (up to 2,000 days). */
const MAX_IMAGES_SPAN_MS = MAX_BUCKETS * DAY_MS;

export async function sendUsage(req: IncomingMessage, res: ServerResponse, tenant: Tenant, core: ChatCore): Promise<void> {
  refuse(res, authorizeApi(tenant, headerOf(req, 'authorization')));
  const query = queryOf(req);
  const granularity = one(query, 'granularity') || 'hour';
  if (!(GRANULARITIES as readonly string[]).includes(granularity)) throw invalid(`granularity must be ${GRANULARITIES.join(' or ')}, not "${granularity.slice(0, 20)}"`);
  const g = granularity as Granularity;
  const range = rangeOf(query, g, core.clock.now(), MAX_BUCKETS * BUCKET_MS[g]);
  const [usage, connections, conversations] = await Promise.all([
    core.usage.series(tenant.id, range, g),
    core.counters.tenantConnections(tenant.id),
    core.store.conversationCount(tenant.id),
  ]);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('vary', 'Origin, Accept');
  if (wantsCsv(headerOf(req, 'accept'))) return send(req, res, 200, 'text/csv; charset=utf-8', csv(usage.series));
  return sendJson(req, res, 200, {
    tenant: tenant.id,
    from: iso(range.from),
    to: iso(range.to),
    granularity: g,
    totals: usage.totals,
    series: usage.series.map(({ start, ...counts }) => ({ start: iso(start), ...counts })),
    connections,
    conversations,
  });
}

export async function sendImageActivity(req: IncomingMessage, res: ServerResponse, tenant: Tenant, core: ChatCore): Promise<void> {
  refuse(res, authorizeApi(tenant, headerOf(req, 'authorization')));
  const query = queryOf(req);
  const sort = one(query, 'sort') || 'activity';
  if (sort !== 'activity') throw invalid(`sort must be activity, not "${sort.slice(0, 20)}"`);
  const limit = limitOf(one(query, 'limit'));
  const range = rangeOf(query, 'hour', core.clock.now(), MAX_IMAGES_SPAN_MS);
  const images = await core.usage.images(tenant.id, range, limit);
  res.setHeader('cache-control', 'no-store');
  return sendJson(req, res, 200, { tenant: tenant.id, from: iso(range.from), to: iso(range.to), images });
}

const invalid = (message: string) => new HttpError(400, 'invalid', message);
const iso = (ms: number) => new Date(ms).toISOString();

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URLSearchParams((req.url ?? '').split('?', 2)[1] ?? '');
}

/** A parameter given at most once; empty reads as not given. */
function one(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw invalid(`${name} is given ${all.length} times: give it once`);
  return all[0]?.trim() || undefined;
}

function rangeOf(query: URLSearchParams, granularity: Granularity, now: number, maxSpanMs: number): UsageRange {
  const range = usageRange(instant(query, 'from'), instant(query, 'to'), granularity, now, maxSpanMs);
  if ('error' in range) throw invalid(range.error);
  return range;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_IMAGES_LIMIT;
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value) || n < 1 || n > MAX_IMAGES_LIMIT) throw invalid(`limit must be a whole number from 1 to ${MAX_IMAGES_LIMIT}, not "${value.slice(0, 20)}"`);
  return n;
}

/** Instants from 1970 to the end of 9999. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** ISO 8601: a date, or a date and time with an optional offset (none means UTC; a `+` left unencoded in a query reads as a space). */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+\- ])(\d{2}):?(\d{2}))?)?$/i;

/** `from` or `to`: ISO 8601 or milliseconds since 1970 (UTC); undefined when not given. */
function instant(query: URLSearchParams, name: string): number | undefined {
  const value = one(query, name);
  if (value === undefined) return undefined;
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : parseIso(value);
  if (ms === undefined || ms > LAST_INSTANT) {
    throw invalid(`${name} must be an ISO 8601 time (e.g. 2026-11-24T10:00:00Z) or milliseconds since 1970, not "${value.slice(0, 40)}"`);
  }
  return ms;
}

function parseIso(value: string): number | undefined {
  const m = ISO_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) => (p === undefined ? undefined : Number(p)));
  const fraction = Number(`0.${m[7] ?? '0'}`);
  const offset = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000;
  const local = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  // Date.UTC rolls 30 February over into March: a date that does not exist is refused instead.
  const check = new Date(local);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) {
    return undefined;
  }
  const ms = local + Math.floor(fraction * 1000) - offset;
  return ms >= 0 ? ms : undefined;
}

/** CSV when the client asks for text/csv at least as much as for JSON (JSON by default). */
function wantsCsv(accept: string | undefined): boolean {
  let csvQ = 0;
  let jsonQ = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2)) || 0;
    if (type === 'text/csv') csvQ = Math.max(csvQ, q);
    else if (type === 'application/json' || type === 'application/*' || type === '*/*') jsonQ = Math.max(jsonQ, q);
  }
  return csvQ > 0 && csvQ >= jsonQ;
}

/** RFC 4180: a header line, one record per bucket, CRLF line ends, fields quoted where they must be. */
function csv(series: readonly UsageBucket[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const b of series) lines.push([iso(b.start), b.pubSubMessageCount, b.pubSubBandwidth, b.conversationCreateCount, b.commentCount, b.peakConnections].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
