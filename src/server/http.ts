/**
 * The HTTP routes. Few enough to match by hand, which keeps every path
 * decision (decoding, traversal, CORS) visible in one place.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { MAX_IMAGE_ID_CHARS, textLength } from '../protocol/limits.ts';
import type { ErrorCode, ErrorReason } from '../protocol/messages.ts';
import type { ChatCore } from '../core/core.ts';
import type { SnapshotPage } from '../store/store.ts';
import { authorizeMetrics, authorizeRead } from './http-auth.ts';
import { DASHBOARD_CSP } from './dashboard-csp.ts';
import { isOwnOrigin } from './own-origin.ts';
import type { Denied } from './http-auth.ts';
import { processMetrics } from './process-metrics.ts';
import { TENANT_ID, originAllowed } from '../core/tenants.ts';
import type { Tenant } from '../core/tenants.ts';
import { adminRoute, serveAdmin } from './api-admin.ts';
import { sendImageActivity, sendUsage } from './api-usage.ts';
import { sendEmbed } from './embed.ts';
import { EmbedTickets, ticketParam } from './embed-ticket.ts';
import { sendOembed } from './oembed.ts';

export { TENANT_ID } from '../core/tenants.ts';

/** The widget's lazily loaded chunks, as vite.config.ts names them: `image-chat-<name>-<hash>.js`. */
const WIDGET_CHUNK = /^image-chat-[A-Za-z0-9_-]{1,80}\.js$/;
/** `/image-chat.js?…`: resolved against the request's URL, the specifier names the widget without its query. */
const REEXPORT_WIDGET = 'export * from "./image-chat.js";\n';
const DEMO_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export interface HttpOptions {
  core: ChatCore;
  /** Holds index.html, dist/image-chat.js and demo/. */
  staticRoot: string;
  /** The client's address (for the per-IP connection limit the /ws check reports). */
  clientIp?: (req: IncomingMessage) => string | undefined;
  /** METRICS_TOKEN: /metrics then needs it as a bearer and shows per-tenant series; without it, totals only. */
  metricsToken?: string;
  /** How long /healthz waits for the store and the bus round trip (default 2000 ms). */
  healthTimeoutMs?: number;
  /** Behind a reverse proxy: X-Forwarded-Proto tells the scheme /embed and /oembed name this server by. */
  trustProxy?: boolean;
}

/** How long a browser may reuse a CORS preflight answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_S = 7200;
const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'method-not-allowed',
    message: string,
    /** Where the widget reads the answer (the socket probe, a tenant's conversations): which refusal it is. */
    readonly reason?: ErrorReason,
  ) {
    super(message);
  }

  /** The JSON body: `{error: {code, message, reason?}}`. */
  get body(): { error: { code: string; message: string; reason?: ErrorReason } } {
    return { error: { code: this.code, message: this.message, ...(this.reason ? { reason: this.reason } : {}) } };
  }
}

/** Splits a raw request path into decoded segments; bad percent-encoding is a 400. */
export function pathSegments(rawUrl: string): string[] {
  const path = rawUrl.split('?', 1)[0]!;
  if (!path.startsWith('/')) throw new HttpError(400, 'invalid', 'the request path must start with /');
  return path
    .slice(1)
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, 'invalid', 'the request path has malformed percent-encoding');
      }
    });
}

export function createRequestHandler(options: HttpOptions) {
  const root = resolve(options.staticRoot);
  const demoRoot = join(root, 'demo');
  const processRegistry = processMetrics();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') return preflight(req, res);
    const seg = pathSegments(req.url ?? '/');
    const admin = adminRoute(seg);
    if (admin) return serveAdmin(admin, req, res, options.core, (id) => tenantFor(req, res, id));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      throw new HttpError(405, 'method-not-allowed', `${req.method ?? 'this method'} is not allowed here`);
    }
    const path = seg.join('/');
    if (path === '') return sendFile(req, res, join(root, 'index.html'), 'text/html; charset=utf-8');
    if (path === 'healthz') return sendHealth(req, res);
    if (path === 'metrics') return sendMetrics(req, res);
    if (path === 'image-chat.js') return sendWidget(req, res);
    if (seg.length === 1 && WIDGET_CHUNK.test(path)) return sendWidgetChunk(req, res, path);
    if (path === 'dashboard') return sendDashboard(req, res, 'dashboard.html', 'text/html; charset=utf-8');
    if (path === 'dashboard.js') return sendDashboard(req, res, join('dist', 'dashboard.js'), 'text/javascript; charset=utf-8');
    if (seg[0] === 'demo' && seg.length >= 2) return sendDemo(req, res, seg.slice(1));
    if (path === 'ws') return explainSocket(req, res);
    if (path === 'embed') return sendEmbed(req, res, options.core, options.trustProxy ?? false);
    if (path === 'oembed') return sendOembed(req, res, options.core, options.trustProxy ?? false);
    if (seg.length === 5 && seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'tenants' && seg[4] === 'usage') {
      return sendUsage(req, res, tenantFor(req, res, seg[3]!), options.core);
    }
    if (seg.length === 5 && seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'tenants' && seg[4] === 'images') {
      return sendImageActivity(req, res, tenantFor(req, res, seg[3]!), options.core);
    }
    if (seg.length === 7 && seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'tenants' && seg[4] === 'images' && seg[6] === 'chats') {
      return sendChats(req, res, seg[3]!, seg[5]!);
    }
    throw new HttpError(404, 'not-found', 'nothing here');
  }

  /** Tenant ids and their traffic are for the operator: per-tenant series only with METRICS_TOKEN. */
  async function sendMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    const token = options.metricsToken;
    if (token !== undefined) refuse(res, authorizeMetrics(token, headerOf(req, 'authorization')));
    const registry = Registry.merge([processRegistry, options.core.metrics.prometheus(token !== undefined)]);
    send(req, res, 200, registry.contentType, await registry.metrics());
  }

  /**
   * CORS preflight for the REST API, so pages on the tenant's origins can send `Authorization`:
   * 204 with the allowed methods and headers for an allowed origin, 403 for another.
   */
  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const seg = pathSegments(req.url ?? '/');
    if (seg.length < 4 || seg[0] !== 'api' || seg[1] !== 'v1' || seg[2] !== 'tenants') {
      res.setHeader('allow', 'GET, HEAD');
      throw new HttpError(405, 'method-not-allowed', 'OPTIONS is answered on the REST API (/api/v1/…) only');
    }
    tenantFor(req, res, seg[3]!);
    const deletes = adminRoute(seg)?.methods.includes('DELETE') ?? false;
    res.setHeader('allow', deletes ? 'DELETE, OPTIONS' : 'GET, HEAD, OPTIONS');
    res.setHeader('access-control-allow-methods', deletes ? 'DELETE, OPTIONS' : 'GET, OPTIONS');
    res.setHeader('access-control-allow-headers', 'Authorization, Content-Type, Accept');
    res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_S));
    res.statusCode = 204;
    res.end();
  }

  async function sendWidget(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Embedding sites load the widget cross-origin, and must see a rebuild at once.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cache-control', 'no-cache');
    const file = join(root, 'dist', 'image-chat.js');
    if (!(await isFile(file))) throw new HttpError(503, 'unavailable', 'widget not built: run npm run build');
    // With a query (a CMS's `?ver=6.5`) the page would hold a module of its own, while the chunks the widget
    // loads later import `./image-chat.js` and would bind to a second one: it gets the plain URL's module.
    if (req.url?.includes('?')) return send(req, res, 200, 'text/javascript; charset=utf-8', REEXPORT_WIDGET);
    return sendFile(req, res, file, 'text/javascript; charset=utf-8');
  }

  /**
   * A part of the widget it loads when first needed (a language's sentences): its name carries a hash of
   * its content, so it may be cached for good, and it is loaded from embedding sites like the widget.
   */
  async function sendWidgetChunk(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    const file = join(root, 'dist', name);
    if (!(await isFile(file))) throw new HttpError(404, 'not-found', 'no such part of the widget (an older build\'s? reload the page)');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    return sendFile(req, res, file, 'text/javascript; charset=utf-8');
  }

  /** The site owner's page and its script (src/dashboard), under a strict CSP, never cached stale. */
  async function sendDashboard(req: IncomingMessage, res: ServerResponse, file: string, type: string): Promise<void> {
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', DASHBOARD_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    const path = join(root, file);
    if (!(await isFile(path))) throw new HttpError(503, 'unavailable', 'dashboard not built: run npm run build');
    return sendFile(req, res, path, type);
  }

  async function sendDemo(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    // Decoded segments: an encoded `..`, `/` or `\` is caught here too.
    if (!parts.every((p) => SAFE_SEGMENT.test(p))) throw new HttpError(404, 'not-found', 'no such demo file');
    const type = DEMO_TYPES[extname(parts[parts.length - 1]!).toLowerCase()];
    const file = resolve(demoRoot, ...parts);
    if (!type || !file.startsWith(demoRoot + sep)) throw new HttpError(404, 'not-found', 'no such demo file');
    if (parts.length === 1 && parts[0] === 'sw.js') {
      // The demo's service worker lives in /demo/ but serves the page at `/`; always re-checked.
      res.setHeader('service-worker-allowed', '/');
      res.setHeader('cache-control', 'no-cache');
    }
    return sendFile(req, res, file, type);
  }

  /**
   * A plain GET of the socket URL answers what the upgrade would: 200, or the
   * refusal's status and sentence. A browser cannot read why an upgrade was
   * refused, so the widget asks here after a socket fails to open.
   */
  async function explainSocket(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    const query = (req.url ?? '').split('?', 2)[1] ?? '';
    const tenant = new URLSearchParams(query).get('tenant') ?? 'demo';
    if (!TENANT_ID.test(tenant)) throw new HttpError(400, 'invalid', 'the tenant id is not valid', 'invalid-tenant');
    const { refusal } = await EmbedTickets.of(options.core).admit(tenant, {
      origin: headerOf(req, 'origin'),
      host: headerOf(req, 'host'),
      ticket: ticketParam(query),
      ip: options.clientIp?.(req) ?? req.socket.remoteAddress,
    });
    if (!refusal) return sendJson(req, res, 200, { ok: true, tenant });
    const code = refusal.status === 429 ? 'rate-limited' : refusal.status === 403 ? 'forbidden' : 'not-found';
    throw new HttpError(refusal.status, code, refusal.message, refusal.reason);
  }

  /** The tenant, or 404; and a browser page's origin must be one the tenant allows (CORS). */
  function tenantFor(req: IncomingMessage, res: ServerResponse, id: string): Tenant {
    if (!TENANT_ID.test(id)) throw new HttpError(400, 'invalid', 'the tenant id is not valid', 'invalid-tenant');
    const tenant = options.core.tenants.get(id);
    if (!tenant) throw new HttpError(404, 'not-found', `there is no tenant "${id}" on this server`, 'unknown-tenant');
    const origin = headerOf(req, 'origin');
    res.setHeader('vary', 'Origin');
    if (!originAllowed(tenant, origin) && !isOwnOrigin(origin, headerOf(req, 'host'))) throw new HttpError(403, 'forbidden', `this page's origin may not read tenant "${id}"`, 'origin-not-allowed');
    if (origin !== undefined) res.setHeader('access-control-allow-origin', origin);
    return tenant;
  }

  async function sendChats(req: IncomingMessage, res: ServerResponse, tenantId: string, image: string): Promise<void> {
    const tenant = tenantFor(req, res, tenantId);
    if (image === '' || textLength(image) > MAX_IMAGE_ID_CHARS || /[\u0000-\u001f]/.test(image)) {
      throw new HttpError(400, 'invalid', 'the image id is not valid');
    }
    refuse(res, await authorizeRead(tenant, headerOf(req, 'authorization')));
    return streamChats(req, res, image, options.core.snapshotPages(tenant.id, image), options.core.limits.drainTimeoutMs);
  }

  /** design.md: `{ok, store, bus}`, 503 when either fails; the bus check is a real round trip. */
  async function sendHealth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    const health = await options.core.health(options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
    return sendJson(req, res, health.ok ? 200 : 503, health);
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    // A client gone mid-answer is not the server's failure: never an unhandled 'error'.
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        sendJson(req, res, e.status, e.body);
        return;
      }
      options.core.log(`HTTP ${req.method} ${req.url} failed`, e);
      sendJson(req, res, 500, { error: { code: 'unavailable', message: 'the server could not answer this request', reason: 'internal-error' } });
    });
  };
}

/** Body bytes written at a time while streaming a snapshot. */
const STREAM_CHUNK_CHARS = 64 * 1024;

/**
 * The snapshot as `{image, epoch, seq, chats}`, streamed a page at a time (each conversation
 * serialised on its own, never the whole body at once) and written only as fast as the client
 * reads; a client that stops reading for `drainTimeoutMs` is cut off, so it cannot hold the read.
 */
async function streamChats(
  req: IncomingMessage,
  res: ServerResponse,
  image: string,
  pages: AsyncIterable<SnapshotPage>,
  drainTimeoutMs: number,
): Promise<void> {
  let chunk = '';
  let started = false;
  let written = 0;
  for await (const page of pages) {
    if (!started) {
      started = true;
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-content-type-options', 'nosniff');
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      chunk = `{"image":${JSON.stringify(image)},"epoch":${JSON.stringify(page.epoch)},"seq":${page.seq},"chats":[`;
    }
    for (const chat of page.chats) {
      chunk += `${written++ === 0 ? '' : ','}${JSON.stringify(chat)}`;
      if (chunk.length >= STREAM_CHUNK_CHARS) {
        const more = res.write(chunk);
        chunk = '';
        if (!more && !(await drained(res, drainTimeoutMs))) return;
      }
    }
  }
  res.end(`${chunk}]}`);
}

/** True once the response can take more; false (and the response destroyed) if the client went or stalled. */
export function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (!ok) res.destroy();
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Throws the refusal as an HTTP error (401 with a Bearer challenge), if there is one. */
export function refuse(res: ServerResponse, denied: Denied | undefined): void {
  if (!denied) return;
  if (denied.status === 401) res.setHeader('www-authenticate', 'Bearer');
  throw new HttpError(denied.status, denied.status === 401 ? 'unauthorized' : 'forbidden', denied.message);
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, type: string): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new HttpError(404, 'not-found', 'no such file');
    throw e;
  }
  send(req, res, 200, type, body);
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(req.method === 'HEAD' ? undefined : body);
}
