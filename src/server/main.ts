/**
 * `node --import tsx src/server/main.ts` (what `npm start` execs): read the
 * environment, serve, close cleanly on SIGINT/SIGTERM. Operator mistakes print one sentence and exit 1.
 */
import { startServer } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';

function fail(message: string): never {
  console.error(`image-chat: ${message}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fail(e.message);
  throw e;
}

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({
    port: config.port,
    host: config.host,
    databaseUrl: config.databaseUrl,
    ...(config.redisUrl !== undefined ? { redisUrl: config.redisUrl } : {}),
    ...(config.redisPrefix !== undefined ? { redisPrefix: config.redisPrefix } : {}),
    tenants: config.tenants,
    trustProxy: config.trustProxy,
    sqliteSynchronous: config.sqliteSynchronous,
    ...(config.tls ? { tls: config.tls } : {}),
    ...(config.guestSecret !== undefined ? { guestSecret: config.guestSecret } : {}),
    ...(config.logKeep !== undefined ? { logKeep: config.logKeep } : {}),
    ...(config.maxReplay !== undefined ? { maxReplay: config.maxReplay } : {}),
    ...(config.metricsToken !== undefined ? { metricsToken: config.metricsToken } : {}),
    ...(config.demoApiKey !== undefined ? { demoApiKey: config.demoApiKey } : {}),
    usage: { flushMs: config.usageFlushMs, retentionDays: config.usageRetentionDays },
  });
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') fail(`port ${config.port} is already in use: set PORT to another one`);
  if (err.code === 'EACCES') fail(`not allowed to listen on ${config.host}:${config.port}: set PORT above 1023`);
  if (err.code === 'SQLITE_CANTOPEN') fail(`cannot open the database "${config.databaseUrl}": ${err.message}`);
  fail(`could not start: ${err.message ?? String(e)}`);
}

const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
console.log(
  `image-chat listening on ${config.tls ? 'https' : 'http'}://${shownHost}:${server.port} ` +
    `(store: ${server.core.store.description}; bus: ${server.busDescription}; tenants: ${config.tenants.ids.join(', ')})`,
);
// The demo's dashboard is one click away: the key is this machine's own (localhost pages only, DEMO_API_KEY or kept in the store).
if (server.demoApiKey !== undefined) {
  console.log(`dashboard: ${config.tls ? 'https' : 'http'}://${shownHost}:${server.port}/dashboard (tenant demo, key ${server.demoApiKey})`);
}

/**
 * SIGTERM/SIGINT: stop taking connections and messages, let the actions in
 * flight finish and get their acks, close every socket with 1012, exit 0.
 * A signal sent to the whole process group (Ctrl-C, a service manager) reaches
 * us twice, directly and forwarded by npm: a repeat must not cut the drain
 * short, so it is only noted; the deadline bounds the drain instead.
 */
let stopping = false;
function stop(signal: string): void {
  if (stopping) {
    console.log(`image-chat: ${signal} received again: still finishing (at most ${config.shutdownTimeoutMs} ms in all)`);
    return;
  }
  stopping = true;
  console.log(`image-chat: ${signal} received: finishing the actions in flight, then closing…`);
  const deadline = setTimeout(() => {
    console.error(`image-chat: still not closed ${config.shutdownTimeoutMs} ms after ${signal} (SHUTDOWN_TIMEOUT_MS): exiting anyway`);
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  server.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error('image-chat: closing failed', e);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
