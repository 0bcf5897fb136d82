/**
 * Wires the pieces: store + bus + core, node:http for the routes and `ws`
 * (noServer) for `/ws`, so the upgrade decision stays in our hands.
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../protocol/limits.ts';
import { openStore } from '../store/open.ts';
import type { SqliteSynchronous } from '../store/sqlite/sqlite-store.ts';
import { openBus } from '../bus/open.ts';
import { DEFAULT_DATABASE_URL } from './config.ts';
import { ChatCore } from '../core/core.ts';
import type { ChatCoreOptions } from '../core/core.ts';
import type { Clock } from '../core/clock.ts';
import type { UsageOptions } from '../core/usage.ts';
import { createRequestHandler } from './http.ts';
import { TENANT_ID, Tenants } from '../core/tenants.ts';
import { DEFAULT_PING_INTERVAL_MS, Heartbeat } from './heartbeat.ts';
import { withDemoKey } from './demo-key.ts';
import { PendingConnections } from './pending-connections.ts';
import { answerClientError, answerRaw, guard } from './raw-answer.ts';
import { EmbedTickets, ticketParam } from './embed-ticket.ts';
import type { PresenceTimings } from '../core/presence-hub.ts';

export interface ServerOptions {
  /** 0 picks a free port (default 8787). */
  port?: number;
  /** Default 127.0.0.1, so nothing is exposed by accident; main uses HOST (default 0.0.0.0). */
  host?: string;
  /** SQLite path, `file:`/`sqlite:` URL or `:memory:` (default ./data/image-chat.sqlite), or `postgres://…`. */
  databaseUrl?: string;
  /** `redis://…`: the Redis bus and cluster-wide connection counts and limits, for several nodes (default: in-process, one node). */
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
  /** Who may connect (default: only the `demo` tenant, for pages on localhost, with an API key: `demoApiKey` or one kept in the store). */
  tenants?: Tenants;
  /** DEMO_API_KEY: the demo tenant's API key, when no tenants are configured (default: a random one kept in the store). */
  demoApiKey?: string;
  /** PEM certificate chain and key: serve https and wss instead of http and ws. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Take the client's address from the last X-Forwarded-For hop (set behind a reverse proxy only). */
  trustProxy?: boolean;
  /** SQLite commit sync: `full` (default: an ack means on disk) or `normal` (faster, see SqliteStoreOptions). */
  sqliteSynchronous?: SqliteSynchronous;
  /** Core limits (tests lower them). */
  maxBufferedBytes?: number;
  drainTimeoutMs?: number;
  /** Bearer token /metrics requires (METRICS_TOKEN); without one, /metrics shows totals only, no tenant. */
  metricsToken?: string;
  /** WebSocket ping round (default 25 s): a socket that answered nothing since the last round's ping is terminated. */
  pingIntervalMs?: number;
  /** A socket that has not said `hello` this long after opening is closed with 4408 (default 10 s). */
  helloTimeoutMs?: number;
  /** node:http headersTimeout (default 10 s): a connection that sends no complete request head in time gets 408 and is closed. */
  headersTimeoutMs?: number;
  /** node:http requestTimeout (default 30 s; at least headersTimeoutMs). */
  requestTimeoutMs?: number;
  /** node:http keepAliveTimeout (default 5 s): an idle keep-alive connection is closed after it. */
  keepAliveTimeoutMs?: number;
  now?: () => number;
  /** Clock and timers of sign-in expiry and usage flushes (tests inject fake ones). */
  clock?: Clock;
  /** Presence and typing timings (tests and the bench shorten or turn off the coalescing). */
  presence?: PresenceTimings;
  /** USAGE_FLUSH_MS, USAGE_RETENTION_DAYS; `counting: false` counts nothing (the bench's baseline). */
  usage?: UsageOptions;
}

export interface RunningServer {
  port: number;
  url: string;
  core: ChatCore;
  /** Which bus this server uses, for the start-up line. */
  busDescription: string;
  /** The demo tenant's API key, when it is the one served (no tenants configured), for the start-up line. */
  demoApiKey?: string;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How long close() lets clients answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1000;

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const store = await openStore(opts.databaseUrl ?? DEFAULT_DATABASE_URL, {
    ...(opts.logKeep !== undefined ? { logKeep: opts.logKeep } : {}),
    ...(opts.sqliteSynchronous !== undefined ? { synchronous: opts.sqliteSynchronous } : {}),
  });
  let demo: Awaited<ReturnType<typeof withDemoKey>>;
  try {
    demo = await withDemoKey(opts.tenants ?? Tenants.demo(), store, opts.demoApiKey);
  } catch (e) {
    await store.close();
    throw e;
  }
  const cluster = openBus(opts.redisUrl, opts.redisPrefix !== undefined ? { prefix: opts.redisPrefix } : {});
  const { bus, counters } = cluster;
  const coreOptions: ChatCoreOptions = { store, bus, counters, tenants: demo.tenants };
  if (opts.guestSecret !== undefined) coreOptions.guestSecret = opts.guestSecret;
  if (opts.maxBufferedBytes !== undefined) coreOptions.maxBufferedBytes = opts.maxBufferedBytes;
  if (opts.drainTimeoutMs !== undefined) coreOptions.drainTimeoutMs = opts.drainTimeoutMs;
  if (opts.now !== undefined) coreOptions.now = opts.now;
  if (opts.clock !== undefined) coreOptions.clock = opts.clock;
  if (opts.maxReplay !== undefined) coreOptions.maxReplay = opts.maxReplay;
  if (opts.helloTimeoutMs !== undefined) coreOptions.helloTimeoutMs = opts.helloTimeoutMs;
  if (opts.usage !== undefined) coreOptions.usage = opts.usage;
  if (opts.presence !== undefined) coreOptions.presence = opts.presence;
  const core = new ChatCore(coreOptions);
  const clientIp = (req: IncomingMessage) => clientAddress(req, opts.trustProxy ?? false);
  const handler = createRequestHandler({
    core,
    staticRoot: opts.staticRoot ?? REPO_ROOT,
    clientIp,
    trustProxy: opts.trustProxy ?? false,
    ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
  });
  const headersTimeout = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const httpOptions = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // How often node:http looks for connections past those timeouts (its default, 30 s, would triple them).
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  const server = opts.tls
    ? createTlsServer({ ...httpOptions, cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: headersTimeout }, handler)
    : createServer(httpOptions, handler);
  // ws answers an oversized frame by closing with 1009 itself.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const heartbeat = new Heartbeat(opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
  // Behind a proxy every TCP connection comes from the proxy: the proxy bounds its clients' connections.
  const pending = opts.trustProxy ? undefined : PendingConnections.forTenants(core.tenants);

  server.on('connection', (socket: Socket) => {
    guard(socket);
    if (pending && !pending.opened(socket)) {
      // Under TLS the socket speaks TLS only: no plain-text answer can be read there.
      if (opts.tls) socket.destroy();
      else answerRaw(socket, 429, 'Too many connections from your address: close some tabs or try again later.', 'too-many-connections');
    }
  });
  server.on('clientError', answerClientError);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node:http has let go of the socket: from here its errors are ours.
    guard(socket);
    const [path = '', query = ''] = (req.url ?? '').split('?', 2);
    if (path !== '/ws') return answerRaw(socket, 404, 'Not Found');
    const tenant = new URLSearchParams(query).get('tenant') ?? 'demo';
    if (!TENANT_ID.test(tenant)) return answerRaw(socket, 400, 'the tenant id is not valid', 'invalid-tenant');
    // Refused before the handshake, with a status a proxy log or curl shows; the widget learns the
    // sentence by GETting the same URL (http.ts answers it with the same check).
    const ip = clientIp(req);
    // Asynchronous: with REDIS_URL the per-IP count is the cluster's. A sandboxed /embed page (Origin: null) needs its ticket.
    const tickets = EmbedTickets.of(core);
    tickets.admit(tenant, { origin: req.headers.origin, host: req.headers.host, ticket: ticketParam(query), ip }).then(
      ({ refusal, ticketed }) => {
        if (refusal) return answerRaw(socket, refusal.status, refusal.message, refusal.reason);
        wss.handleUpgrade(req, socket, head, (ws) => {
          accept(ws, tenant, ip, req.socket.remoteAddress);
          if (ticketed) tickets.renewOn(ws, tenant);
        });
      },
      (e: unknown) => {
        core.log('admitting a connection failed', e);
        answerRaw(socket, 503, 'the server could not admit this connection; try again', 'internal-error');
      },
    );
  });

  function accept(ws: WebSocket, tenant: string, ip: string | undefined, peer: string | undefined): void {
    pending?.sessionOpened(peer);
    ws.once('close', () => pending?.sessionClosed(peer));
    heartbeat.watch(ws);
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
    heartbeat.stop();
    await cluster.close();
    await store.close();
    throw e;
  }
  // Once listening, an error is one failed accept (EMFILE under a flood): logged, never fatal.
  server.on('error', (e) => core.log('the HTTP server reported an error', e));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      heartbeat.stop();
      server.closeIdleConnections();
      await core.close(); // actions in flight finish and are acked, then 1012 to every socket
      await waitForClients(wss, CLOSE_GRACE_MS);
      await new Promise<void>((done) => wss.close(() => done()));
      server.closeAllConnections();
      await closed;
      await cluster.close();
      await store.close();
    })();
    return closing;
  }

  const url = `${opts.tls ? 'https' : 'http'}://${shown}:${port}`;
  return { port, url, core, busDescription: cluster.description, ...(demo.demoApiKey !== undefined ? { demoApiKey: demo.demoApiKey } : {}), close };
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
