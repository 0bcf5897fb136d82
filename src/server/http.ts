/**
 * The HTTP routes. Few enough to match by hand, which keeps every path
 * decision (decoding, traversal, CORS) visible in one place.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_IMAGE_ID_CHARS, textLength } from '../protocol/limits.ts';
import type { ErrorCode } from '../protocol/messages.ts';
import type { ChatCore } from './core.ts';

export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

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
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'method-not-allowed',
    message: string,
  ) {
    super(message);
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

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      throw new HttpError(405, 'method-not-allowed', `${req.method ?? 'this method'} is not allowed here`);
    }
    const seg = pathSegments(req.url ?? '/');
    const path = seg.join('/');
    if (path === '') return sendFile(req, res, join(root, 'index.html'), 'text/html; charset=utf-8');
    if (path === 'healthz') return sendJson(req, res, 200, { ok: true });
    if (path === 'metrics') return send(req, res, 200, 'text/plain; version=0.0.4; charset=utf-8', options.core.metrics.toPrometheus());
    if (path === 'image-chat.js') return sendWidget(req, res);
    if (seg[0] === 'demo' && seg.length >= 2) return sendDemo(req, res, seg.slice(1));
    if (seg.length === 7 && seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'tenants' && seg[4] === 'images' && seg[6] === 'chats') {
      return sendChats(req, res, seg[3]!, seg[5]!);
    }
    throw new HttpError(404, 'not-found', 'nothing here');
  }

  async function sendWidget(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Embedding sites load the widget cross-origin, and must see a rebuild at once.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('cache-control', 'no-cache');
    const file = join(root, 'dist', 'image-chat.js');
    if (!(await isFile(file))) throw new HttpError(503, 'unavailable', 'widget not built: run npm run build');
    return sendFile(req, res, file, 'text/javascript; charset=utf-8');
  }

  async function sendDemo(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    // Decoded segments: an encoded `..`, `/` or `\` is caught here too.
    if (!parts.every((p) => SAFE_SEGMENT.test(p))) throw new HttpError(404, 'not-found', 'no such demo file');
    const type = DEMO_TYPES[extname(parts[parts.length - 1]!).toLowerCase()];
    const file = resolve(demoRoot, ...parts);
    if (!type || !file.startsWith(demoRoot + sep)) throw new HttpError(404, 'not-found', 'no such demo file');
    return sendFile(req, res, file, type);
  }

  async function sendChats(req: IncomingMessage, res: ServerResponse, tenant: string, image: string): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    if (!TENANT_ID.test(tenant)) throw new HttpError(400, 'invalid', 'the tenant id is not valid');
    if (image === '' || textLength(image) > MAX_IMAGE_ID_CHARS || /[\u0000-\u001f]/.test(image)) {
      throw new HttpError(400, 'invalid', 'the image id is not valid');
    }
    const snap = await options.core.store.snapshot(tenant, image);
    return sendJson(req, res, 200, { image, epoch: snap.epoch, seq: snap.seq, chats: snap.chats });
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        sendJson(req, res, e.status, { error: { code: e.code, message: e.message } });
        return;
      }
      options.core.log(`HTTP ${req.method} ${req.url} failed`, e);
      sendJson(req, res, 500, { error: { code: 'unavailable', message: 'the server could not answer this request' } });
    });
  };
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

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  send(req, res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(req.method === 'HEAD' ? undefined : body);
}
