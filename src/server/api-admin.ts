/**
 * The site owner's routes (design.md HTTP, issue 10): the tenant's latest
 * conversations and moderation, for its API key; the W3C Web Annotations
 * export, for whoever may read the image's conversations. http.ts hands the
 * matching requests here with the tenant check (404, CORS) it does for every
 * API route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ErrorCode } from '../protocol/messages.ts';
import { imageIdProblem } from '../protocol/parse.ts';
import type { ChatCore } from '../core/core.ts';
import { moderate } from '../core/moderation.ts';
import type { Tenant } from '../core/tenants.ts';
import { StoreError } from '../store/store.ts';
import type { SnapshotPage } from '../store/store.ts';
import { ANNOTATION_MEDIA_TYPE, collectionParts } from './annotations.ts';
import { authorizeApi, authorizeRead } from './http-auth.ts';
import { HttpError, headerOf, refuse, sendJson } from './http.ts';
import { streamJsonList } from './stream-json.ts';

/** The tenant named in the path, checked as every API route checks it (400, 404, the page's origin). */
export type TenantOf = (id: string) => Tenant;

type Serve = (req: IncomingMessage, res: ServerResponse, core: ChatCore, tenantOf: TenantOf) => Promise<void>;

export interface AdminRoute {
  /** What the route answers (the 405's `allow`, and the CORS preflight's). */
  readonly methods: readonly string[];
  readonly serve: Serve;
}

/** Conversations listed by default, and at most, per request. */
export const RECENT_DEFAULT_LIMIT = 20;
export const RECENT_MAX_LIMIT = 100;

/** The HTTP status of each refusal the store or the core gives. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'too-large': 413,
  'rate-limited': 429,
  unavailable: 503,
};

const READ = ['GET', 'HEAD'];
const DELETE = ['DELETE'];

/**
 * The route at these decoded path segments, or undefined when it is none of
 * ours. An image id is one segment, so a `/` in it arrives encoded (%2F), as on `/chats`.
 */
export function adminRoute(seg: readonly string[]): AdminRoute | undefined {
  if (seg[0] !== 'api' || seg[1] !== 'v1' || seg[2] !== 'tenants') return undefined;
  const [tenant, section, image, sub, chatId, leaf, commentId] = seg.slice(3) as (string | undefined)[];
  if (seg.length === 5 && section === 'chats') return { methods: READ, serve: (req, res, core, of) => sendRecent(req, res, core, of(tenant!)) };
  if (section !== 'images') return undefined;
  if (seg.length === 7 && sub === 'annotations') {
    return { methods: READ, serve: (req, res, core, of) => sendAnnotations(req, res, core, of(tenant!), image!) };
  }
  if (sub !== 'chats') return undefined;
  if (seg.length === 8) return { methods: DELETE, serve: (req, res, core, of) => remove(req, res, core, of(tenant!), image!, { chatId: chatId! }) };
  if (seg.length === 10 && leaf === 'comments') {
    return { methods: DELETE, serve: (req, res, core, of) => remove(req, res, core, of(tenant!), image!, { chatId: chatId!, commentId: commentId! }) };
  }
  return undefined;
}

/** The route's handler, once the method is one it answers (else 405 saying which are). */
export function serveAdmin(route: AdminRoute, req: IncomingMessage, res: ServerResponse, core: ChatCore, tenantOf: TenantOf): Promise<void> {
  if (!route.methods.includes(req.method ?? '')) {
    res.setHeader('allow', route.methods.join(', '));
    throw new HttpError(405, 'method-not-allowed', `${req.method ?? 'this method'} is not allowed here: ${route.methods.join(' or ')} is`);
  }
  return route.serve(req, res, core, tenantOf);
}

/** design.md 3: the tenant's conversations over all its images, newest activity first. */
async function sendRecent(req: IncomingMessage, res: ServerResponse, core: ChatCore, tenant: Tenant): Promise<void> {
  refuse(res, authorizeApi(tenant, headerOf(req, 'authorization')));
  const query = new URLSearchParams((req.url ?? '').split('?', 2)[1] ?? '');
  const sort = query.get('sort') ?? 'recent';
  if (sort !== 'recent') throw new HttpError(400, 'invalid', `sort must be "recent", not "${sort.slice(0, 40)}"`);
  const limit = wholeNumber(query.get('limit'), RECENT_DEFAULT_LIMIT);
  if (limit === undefined || limit < 1 || limit > RECENT_MAX_LIMIT) {
    throw new HttpError(400, 'invalid', `limit must be a whole number from 1 to ${RECENT_MAX_LIMIT}`);
  }
  const chats = await core.store.recentChats(tenant.id, limit);
  res.setHeader('cache-control', 'no-store');
  sendJson(req, res, 200, { tenant: tenant.id, chats });
}

/** design.md 4: a moderator's deletion, by the tenant's API key, live for everyone watching. */
async function remove(req: IncomingMessage, res: ServerResponse, core: ChatCore, tenant: Tenant, image: string, what: { chatId: string; commentId?: string }): Promise<void> {
  refuse(res, authorizeApi(tenant, headerOf(req, 'authorization')));
  res.setHeader('cache-control', 'no-store');
  try {
    sendJson(req, res, 200, await moderate(core, tenant.id, image, what));
  } catch (e) {
    if (e instanceof StoreError) throw new HttpError(STATUS_OF[e.code], e.code, e.message, e.facts.reason);
    throw e;
  }
}

/** design.md 5: the image's conversations as a W3C AnnotationCollection, streamed a page at a time. */
async function sendAnnotations(req: IncomingMessage, res: ServerResponse, core: ChatCore, tenant: Tenant, image: string): Promise<void> {
  const problem = imageIdProblem(image);
  if (problem) throw new HttpError(400, 'invalid', problem);
  refuse(res, await authorizeRead(tenant, headerOf(req, 'authorization')));
  const parts = collectionParts(collectionUrl(req, tenant.id, image), tenant.id, image);
  return streamJsonList(req, res, ANNOTATION_MEDIA_TYPE, chatsOf(core.snapshotPages(tenant.id, image)), parts, core.limits.drainTimeoutMs);
}

async function* chatsOf(pages: AsyncIterable<SnapshotPage>) {
  for await (const page of pages) yield page.chats;
}

/**
 * The export's own URL, its collection id: as this server was asked for it
 * (Host; https when it serves TLS itself). A Host that is no host name falls back to localhost.
 */
function collectionUrl(req: IncomingMessage, tenant: string, image: string): string {
  const host = headerOf(req, 'host');
  const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const authority = host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : 'localhost';
  return `${scheme}://${authority}/api/v1/tenants/${tenant}/images/${encodeURIComponent(image)}/annotations`;
}

/** A query value as a whole number: `fallback` when absent, undefined when not one. */
function wholeNumber(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}
