/**
 * `tsx src/server/main.ts`: read the environment, serve, close cleanly on
 * SIGINT/SIGTERM. Operator mistakes print one sentence and exit 1.
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
    ...(config.tls ? { tls: config.tls } : {}),
    ...(config.guestSecret !== undefined ? { guestSecret: config.guestSecret } : {}),
    ...(config.logKeep !== undefined ? { logKeep: config.logKeep } : {}),
    ...(config.maxReplay !== undefined ? { maxReplay: config.maxReplay } : {}),
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

let stopping = false;
function stop(signal: string): void {
  if (stopping) {
    // A second Ctrl-C means "now".
    process.exit(130);
  }
  stopping = true;
  console.log(`image-chat: ${signal} received, closing…`);
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
