/**
 * Wires the pieces: store + bus + core, node:http for the routes and `ws`
 * (noServer) for `/ws`, so the upgrade decision stays in our hands.
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../protocol/limits.ts';
import { openStore } from '../store/open.ts';
import { openBus } from '../bus/open.ts';
import { DEFAULT_DATABASE_URL } from './config.ts';
import { ChatCore } from '../core/core.ts';
import type { ChatCoreOptions } from '../core/core.ts';
import { createRequestHandler } from './http.ts';
import { TENANT_ID, Tenants } from '../core/tenants.ts';

export interface ServerOptions {
  /** 0 picks a free port (default 8787). */
  port?: number;
  /** Default 127.0.0.1, so nothing is exposed by accident; main uses HOST (default 0.0.0.0). */
  host?: string;
  /** SQLite path, `file:`/`sqlite:` URL or `:memory:` (default ./data/image-chat.sqlite), or `postgres://…`. */
  databaseUrl?: string;
  /** `redis://…`: the Redis bus and cluster-wide limits and usage, for several nodes (default: in-process, one node). */
  redisUrl?: string;
  /** Prefix of this deployment's Redis keys and channels (default `image-chat:`). */
  redisPrefix?: string;
  /** Folder holding index.html, dist/ and demo/ (default the repository root). */
  staticRoot?: string;
  guestSecret?: string;
  /** Events kept per image for `subscribe {since}` replays (default 10000; older gaps get a snapshot). */
  logKeep?: number;
  /** Most missed events sent as a replay (default 500); a longer gap gets a snapshot. */
  maxReplay?: number;
  /** Who may connect (default: only the `demo` tenant, for pages on localhost). */
  tenants?: Tenants;
  /** PEM certificate chain and key: serve https and wss instead of http and ws. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Take the client's address from the last X-Forwarded-For hop (set behind a reverse proxy only). */
  trustProxy?: boolean;
  /** Core limits (tests lower them). */
  maxBufferedBytes?: number;
  now?: () => number;
}

export interface RunningServer {
  port: number;
  url: string;
  core: ChatCore;
  /** Which bus this server uses, for the start-up line. */
  busDescription: string;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How long close() lets clients answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1000;

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const store = await openStore(opts.databaseUrl ?? DEFAULT_DATABASE_URL, opts.logKeep !== undefined ? { logKeep: opts.logKeep } : {});
  const cluster = openBus(opts.redisUrl, opts.redisPrefix !== undefined ? { prefix: opts.redisPrefix } : {});
  const { bus, counters } = cluster;
  const coreOptions: ChatCoreOptions = { store, bus, counters, tenants: opts.tenants ?? Tenants.demo() };
  if (opts.guestSecret !== undefined) coreOptions.guestSecret = opts.guestSecret;
  if (opts.maxBufferedBytes !== undefined) coreOptions.maxBufferedBytes = opts.maxBufferedBytes;
  if (opts.now !== undefined) coreOptions.now = opts.now;
  if (opts.maxReplay !== undefined) coreOptions.maxReplay = opts.maxReplay;
  const core = new ChatCore(coreOptions);
  const clientIp = (req: IncomingMessage) => clientAddress(req, opts.trustProxy ?? false);
  const handler = createRequestHandler({ core, staticRoot: opts.staticRoot ?? REPO_ROOT, clientIp });
  const server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(handler);
  // ws answers an oversized frame by closing with 1009 itself.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const [path = '', query = ''] = (req.url ?? '').split('?', 2);
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    const tenant = new URLSearchParams(query).get('tenant') ?? 'demo';
    if (!TENANT_ID.test(tenant)) return refuseUpgrade(socket, 400, 'Bad Request', 'the tenant id is not valid');
    // Refused before the handshake, with a status a proxy log or curl shows; the widget learns the
    // sentence by GETting the same URL (http.ts answers it with the same check).
    const ip = clientIp(req);
    // Asynchronous: with REDIS_URL the per-IP count is the cluster's.
    void core.admit(tenant, req.headers.origin, ip).then((refusal) => {
      if (refusal) return refuseUpgrade(socket, refusal.status, STATUS_TEXT[refusal.status], refusal.message);
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, tenant, ip));
    });
  });

  function accept(ws: WebSocket, tenant: string, ip: string | undefined): void {
    const conn = core.connect(ws, ip === undefined ? { tenant } : { tenant, ip });
    ws.on('message', (data, isBinary) => {
      if (isBinary) conn.receiveBinary();
      else conn.receive(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    });
    ws.on('close', () => conn.close());
    // A protocol error (bad frame, too large) is followed by 'close'; nothing else to do.
    ws.on('error', () => {});
  }

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(opts.port ?? 8787, opts.host ?? '127.0.0.1', () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (e) {
    await cluster.close();
    await store.close();
    throw e;
  }

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await core.close(); // says 1001 to every session's socket
      await waitForClients(wss, CLOSE_GRACE_MS);
      await new Promise<void>((done) => wss.close(() => done()));
      server.closeAllConnections();
      await closed;
      await cluster.close();
      await store.close();
    })();
    return closing;
  }

  return { port, url: `${opts.tls ? 'https' : 'http'}://${shown}:${port}`, core, busDescription: cluster.description, close };
}

const STATUS_TEXT = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' } as const;

function refuseUpgrade(socket: Duplex, status: number, text: string, message = text): void {
  const body = JSON.stringify({ error: { code: status === 429 ? 'rate-limited' : status === 400 ? 'invalid' : status === 403 ? 'forbidden' : 'not-found', message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The peer's address, or with `trustProxy` the last X-Forwarded-For hop (the one our proxy added). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const value = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
  const last = value?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress;
}

/** Resolves once every client socket has closed, terminating the stragglers after `graceMs`. */
async function waitForClients(wss: WebSocketServer, graceMs: number): Promise<void> {
  const open = [...wss.clients];
  if (open.length === 0) return;
  const all = Promise.all(open.map((ws) => new Promise<void>((done) => (ws.readyState === ws.CLOSED ? done() : ws.once('close', () => done())))));
  const timer = setTimeout(() => open.forEach((ws) => ws.terminate()), graceMs);
  await all;
  clearTimeout(timer);
}
