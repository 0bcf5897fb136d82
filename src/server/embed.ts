/**
 * `GET /embed?tenant=&src=&image-id=&theme=&locale=&alt=`: a page holding one
 * `<image-chat>` that fills its frame's width and tells the frame's parent its
 * height, for sites that cannot run our script (WordPress, Ghost, Notion,
 * Medium): they frame this page instead, often sandboxed.
 *
 * - Who may frame it: `Content-Security-Policy: frame-ancestors` lists the
 *   tenant's origins (design.md). A tenant origin CSP cannot express (an IPv6
 *   literal) is left out; `*` stays `*`.
 * - Its socket: a sandboxed page's has `Origin: null`, a plain frame's this
 *   server's origin; both are admitted by the ticket signed into the page
 *   (embed-ticket.ts), never cached (`no-store`), so each load has a fresh one.
 * - Height: posted to the parent on every change as giscus does,
 *   `{"image-chat": {"resizeHeight": N}}`, and as WordPress's embeds do,
 *   `{secret, message: "height", value: N}`, when the address ends in `#?secret=…`.
 * - `<link rel="alternate" type="application/json+oembed">` names its oEmbed answer.
 * - A bad tenant or parameter: 404 / 400 with a page saying which (JSON when
 *   the client does not ask for HTML).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ChatCore } from '../core/core.ts';
import type { Tenant } from '../core/tenants.ts';
import { EmbedParamError, embedUrl, escapeHtml, oembedUrl, parseEmbedParams, type EmbedParams } from '../protocol/embed.ts';
import { EmbedTickets } from './embed-ticket.ts';
import { HttpError, headerOf, send, sendJson } from './http.ts';

/** A Host header we are willing to write into a page and its CSP: a name or address, and a port. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;
/** The origin forms CSP's host-source grammar allows (no IPv6 literal); `*` stays as it is. */
const CSP_SOURCE = /^(?:\*|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::(?:[0-9]{1,5}|\*))?)$/;

/**
 * This server as the client reached it: `https` when we terminate TLS, or, behind a proxy
 * (`trustProxy`), what X-Forwarded-Proto says; the Host header names it. A Host we would not
 * write into a page is a 400.
 */
export function publicBase(req: IncomingMessage, trustProxy: boolean): string {
  const host = headerOf(req, 'host') ?? '';
  if (!HOST.test(host)) throw new HttpError(400, 'invalid', 'the Host header is missing or not a host name');
  const forwarded = trustProxy ? headerOf(req, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  const tls = (req.socket as TLSSocket).encrypted === true;
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : tls ? 'https' : 'http';
  return `${scheme}://${host.toLowerCase()}`;
}

/** The `frame-ancestors` sources of a tenant: its origins CSP can express, or `'none'` when none is left. */
export function frameAncestors(tenant: Tenant | undefined): string {
  if (!tenant) return '*';
  const sources = tenant.origins.map((o) => o.toLowerCase().replace(/\/+$/, '')).filter((o) => CSP_SOURCE.test(o));
  return sources.length ? sources.join(' ') : "'none'";
}

function policy(base: string, nonce: string, ancestors: string): string {
  const socket = base.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    // 'self' is spelt out too: a sandboxed page's own origin is opaque.
    `script-src 'self' ${base} 'nonce-${nonce}'`,
    // The widget positions markers with style attributes; a nonce would switch 'unsafe-inline' off for those.
    "style-src 'unsafe-inline'",
    'img-src * data: blob:',
    `connect-src 'self' ${base} ${socket}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

const PAGE_STYLE = 'html,body{margin:0;padding:0;background:transparent}image-chat{display:block;width:100%}';

export async function sendEmbed(req: IncomingMessage, res: ServerResponse, core: ChatCore, trustProxy: boolean): Promise<void> {
  res.setHeader('cache-control', 'no-store');
  const base = publicBase(req, trustProxy);
  const query = new URLSearchParams((req.url ?? '').split('?', 2)[1] ?? '');
  const nonce = randomBytes(16).toString('base64');
  const tenantId = query.get('tenant') ?? '';
  const tenant = core.tenants.get(tenantId);
  let params: EmbedParams;
  try {
    params = parseEmbedParams(query);
  } catch (e) {
    if (!(e instanceof EmbedParamError)) throw e;
    return refuse(req, res, base, nonce, tenant, 400, e.message);
  }
  if (!tenant) return refuse(req, res, base, nonce, undefined, 404, `There is no tenant "${tenantId}" on this server: check the "tenant" parameter.`);
  const ticket = await EmbedTickets.of(core).issue(tenant.id);
  res.setHeader('content-security-policy', policy(base, nonce, frameAncestors(tenant)));
  send(req, res, 200, 'text/html; charset=utf-8', page(base, nonce, params, ticket));
}

function page(base: string, nonce: string, p: EmbedParams, ticket: string): string {
  const self = embedUrl(base, p);
  const title = p.alt || 'Image with comments';
  // What the page's script needs; `<` is escaped so no value can close the script element.
  const config = JSON.stringify({ tenant: p.tenant, src: p.src, imageId: p.imageId, theme: p.theme, locale: p.locale, alt: p.alt, ticket }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${escapeHtml(p.locale ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<link rel="alternate" type="application/json+oembed" href="${escapeHtml(oembedUrl(base, self))}" title="${escapeHtml(title)}">
<style>${PAGE_STYLE}</style>
<script type="module" nonce="${nonce}">${EMBED_SCRIPT.replace('CONFIG', () => config)}</script>
</head>
<body></body>
</html>
`;
}

/**
 * The page's script. The connection is acquired with the ticket before the
 * element exists, so the element finds it (the registry shares a connection
 * per server and tenant, the first caller's options winning) and its socket
 * carries the ticket. Paths are relative: behind a proxy under a prefix the
 * page still finds its widget and its server.
 */
const EMBED_SCRIPT = `import { acquireConnection } from './image-chat.js';
const c = CONFIG;
const server = new URL('.', location.href).href.replace(/\\/$/, '');
acquireConnection(server, c.tenant, { ticket: c.ticket });
const el = document.createElement('image-chat');
const attrs = { server, tenant: c.tenant, src: c.src, 'image-id': c.imageId, theme: c.theme, locale: c.locale, alt: c.alt };
for (const [k, v] of Object.entries(attrs)) if (v) el.setAttribute(k, v);
document.body.append(el);
const secret = /[#&?]secret=([A-Za-z0-9]{1,64})/.exec(location.hash)?.[1];
let last = -1;
const post = () => {
  const h = Math.ceil(el.getBoundingClientRect().height);
  if (h <= 0 || parent === window) return;
  parent.postMessage({ 'image-chat': { resizeHeight: h } }, '*');
  if (secret) parent.postMessage({ secret, message: 'height', value: h }, '*');
};
new ResizeObserver(() => {
  const h = Math.ceil(el.getBoundingClientRect().height);
  if (h !== last) { last = h; post(); }
}).observe(el);
addEventListener('message', (e) => { if (secret && e.source === parent && e.data?.message === 'ready' && e.data.secret === secret) post(); });
`;

/** The error page (or JSON for a client that does not ask for HTML): framable where the page would be, so the author sees why. */
function refuse(req: IncomingMessage, res: ServerResponse, base: string, nonce: string, tenant: Tenant | undefined, status: 400 | 404, message: string): void {
  res.setHeader('vary', 'Accept');
  if (!(headerOf(req, 'accept') ?? '').includes('text/html')) {
    return sendJson(req, res, status, { error: { code: status === 404 ? 'not-found' : 'invalid', message } });
  }
  res.setHeader('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors(tenant)}`);
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Cannot show this image</title>
<style nonce="${nonce}">body{margin:0;padding:16px;font:15px/1.5 system-ui,sans-serif;color:#7f1d1d;background:#fef2f2;border:1px solid #fca5a5}</style></head>
<body><p role="alert" data-error="${status === 404 ? 'not-found' : 'invalid'}"><strong>This image with comments cannot be shown.</strong> ${escapeHtml(message)}</p>
<p>See <a href="${escapeHtml(base)}/" target="_blank" rel="noopener">${escapeHtml(base)}</a> for how to embed an image.</p></body>
</html>
`;
  send(req, res, status, 'text/html; charset=utf-8', body);
}
