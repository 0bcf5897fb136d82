/**
 * `GET /oembed?url=&maxwidth=&maxheight=&format=json`: oEmbed 1.0 for this
 * server's `/embed` pages, so WordPress (and any oEmbed consumer) turns a
 * pasted embed address into its iframe. A `rich` answer whose `html` is the
 * iframe, sized within the maxima; the page posts its real height once shown.
 *
 * - `url` must be an `/embed` address on this very host (the Host the request
 *   came to) naming a tenant we serve with valid parameters; anything else is
 *   404, as oEmbed asks. Answering grants nothing: the tenant's origins still
 *   decide who may frame the page (its `frame-ancestors`).
 * - `format` other than json: 501 (oEmbed's answer for a format not offered).
 * - Readable from any page (CORS `*`): it holds nothing a visitor of the embed could not see.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCore } from '../core/core.ts';
import { DEFAULT_EMBED_SIZE, EmbedParamError, embedUrl, iframeHtml, parseEmbedParams } from '../protocol/embed.ts';
import { publicBase } from './embed.ts';
import { HttpError, headerOf, sendJson } from './http.ts';

/** How long a consumer may keep the answer, in seconds (oEmbed's `cache_age`). */
const CACHE_AGE_S = 86_400;

export function sendOembed(req: IncomingMessage, res: ServerResponse, core: ChatCore, trustProxy: boolean): void {
  res.setHeader('access-control-allow-origin', '*');
  const base = publicBase(req, trustProxy);
  const query = new URLSearchParams((req.url ?? '').split('?', 2)[1] ?? '');
  const format = query.get('format') ?? 'json';
  if (format !== 'json') throw new HttpError(501, 'invalid', `format "${format.slice(0, 20)}" is not offered: use format=json`);
  const maxWidth = dimension(query, 'maxwidth');
  const maxHeight = dimension(query, 'maxheight');
  const given = query.get('url');
  if (!given) throw new HttpError(400, 'invalid', 'the "url" parameter is required: the /embed address to embed');
  const { server, params } = ours(given, headerOf(req, 'host') ?? '');
  if (!core.tenants.get(params.tenant)) throw new HttpError(404, 'not-found', `there is no tenant "${params.tenant}" on this server`, 'unknown-tenant');
  const width = Math.min(DEFAULT_EMBED_SIZE.width, maxWidth ?? Infinity);
  const height = Math.min(Math.round((width * DEFAULT_EMBED_SIZE.height) / DEFAULT_EMBED_SIZE.width), maxHeight ?? Infinity);
  const title = params.alt || 'Image with comments';
  res.setHeader('cache-control', `public, max-age=${CACHE_AGE_S}`);
  sendJson(req, res, 200, {
    version: '1.0',
    type: 'rich',
    provider_name: 'image-chat',
    provider_url: `${base}/`,
    title,
    html: iframeHtml(embedUrl(server, params), { width, height }, title),
    width,
    height,
    cache_age: CACHE_AGE_S,
  });
}

/** A positive whole number of pixels, or absent; anything else is a 400. */
function dimension(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^[0-9]{1,6}$/.test(value) || Number(value) < 1) throw new HttpError(400, 'invalid', `"${name}" must be a positive whole number of pixels`);
  return Number(value);
}

/** The server (origin and path prefix) and parameters of one of our embed addresses; 404 for anything else. */
function ours(given: string, host: string): { server: string; params: ReturnType<typeof parseEmbedParams> } {
  const notOurs = new HttpError(404, 'not-found', 'this URL is not an image-chat embed on this server');
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw notOurs;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !sameHost(url, host) || !url.pathname.endsWith('/embed')) throw notOurs;
  try {
    return { server: url.origin + url.pathname.slice(0, -'/embed'.length), params: parseEmbedParams(url.searchParams) };
  } catch (e) {
    if (e instanceof EmbedParamError) throw notOurs;
    throw e;
  }
}

/** The Host header names the URL's host (the default port written or not). */
function sameHost(url: URL, host: string): boolean {
  try {
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}
