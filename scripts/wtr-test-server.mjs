// Starts a real image-chat server (temp SQLite file, port 0) beside web-test-runner,
// so element tests talk to the real thing. Tests read its URL from /__test-server.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/** The `sso-test` tenant's secret; browser tests mint their tokens with it (test only, never a real one). */
export const WTR_SSO_SECRET = 'wtr-sso-test-secret-0123456789abcdef';
/** The `owner` tenant's API key; browser tests read its admin API with it (src/widget/page.test.ts). */
export const WTR_API_KEY = 'wtr-owner-api-key-0123456789';
/** The `dash-test` tenant's API key, which the dashboard's tests sign in with (test only). */
export const WTR_DASHBOARD_KEY = 'wtr-dashboard-key-0123456789abcdef';

/** A local port nothing listens on (bound, then released), for "the server cannot be reached". */
function closedPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The clock of the second server: real time plus a skew a test moves forward
 * (`/__test-server/advance?ms=`), firing at once the timers that fall due, so
 * a sign-in can expire without the test waiting for it.
 */
export function skewableClock() {
  let skew = 0;
  const due = new Set();
  const now = () => Date.now() + skew;
  return {
    now,
    setTimeout(fn, ms) {
      const entry = { fn, at: now() + ms };
      entry.timer = setTimeout(() => {
        due.delete(entry);
        fn();
      }, ms);
      due.add(entry);
      return entry;
    },
    clearTimeout(entry) {
      if (!entry) return;
      clearTimeout(entry.timer);
      due.delete(entry);
    },
    advance(ms) {
      skew += ms;
      for (const entry of [...due].sort((a, b) => a.at - b.at)) {
        if (entry.at > now()) continue;
        clearTimeout(entry.timer);
        due.delete(entry);
        entry.fn();
      }
    },
  };
}

export function testServerPlugin() {
  let server;
  /** A second server on a clock tests may move (src/widget/sign-in-renewal.test.ts), counting the sockets it accepts. */
  let clocked;
  const clock = skewableClock();
  const opened = new Map();
  let dir;
  let startError;
  let closed;
  return {
    name: 'image-chat-test-server',
    async serverStart() {
      dir = mkdtempSync(join(tmpdir(), 'image-chat-wtr-'));
      try {
        const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
        const { Tenants, DEMO_TENANT, DEFAULT_LIMITS } = await tsImport('../src/core/tenants.ts', import.meta.url);
        // The demo tenant (any localhost origin, as npm start ships it), plus tenants for the access tests
        // (src/widget/access.test.ts): SSO with a known secret, guests view-only, and a foreign-origin-only one;
        // and one with an API key for the dashboard (src/dashboard), whose figures no other test moves.
        const local = DEMO_TENANT.origins;
        const tenants = new Tenants([
          DEMO_TENANT,
          { id: 'sso-test', origins: local, ssoSecret: WTR_SSO_SECRET, guests: 'post', limits: DEFAULT_LIMITS },
          { id: 'viewers', origins: local, guests: 'read', limits: DEFAULT_LIMITS },
          { id: 'elsewhere', origins: ['https://elsewhere.example'], guests: 'post', limits: DEFAULT_LIMITS },
          { id: 'dash-test', origins: local, apiKey: WTR_DASHBOARD_KEY, guests: 'post', limits: DEFAULT_LIMITS },
          { id: 'owner', origins: local, apiKey: WTR_API_KEY, guests: 'post', limits: DEFAULT_LIMITS },
        ]);
        server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'test.sqlite'), tenants });
        clocked = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'clocked.sqlite'), tenants, clock });
        const connect = clocked.core.connect.bind(clocked.core);
        clocked.core.connect = (socket, info) => {
          opened.set(info.tenant, (opened.get(info.tenant) ?? 0) + 1);
          return connect(socket, info);
        };
        // Taken last, so neither server above is given the port just released.
        closed = await closedPort();
      } catch (e) {
        startError = e;
        console.error('test server did not start:', e);
      }
    },
    async serverStop() {
      await server?.close();
      await clocked?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    serve(context) {
      const json = (value) => ({ body: JSON.stringify(value), type: 'json' });
      if (context.path === '/__test-server/clock') return json({ now: clock.now() });
      if (context.path === '/__test-server/advance') {
        clock.advance(Number(context.query.ms));
        return json({ now: clock.now() });
      }
      if (context.path === '/__test-server/sockets') {
        const tenant = String(context.query.tenant);
        return json({ opened: opened.get(tenant) ?? 0, open: clocked?.core.metrics.tenant(tenant).connections ?? 0 });
      }
      if (context.path !== '/__test-server.json') return undefined;
      if (!server) return json({ url: null, error: String(startError ?? 'not started') });
      return json({ url: `http://127.0.0.1:${server.port}`, clockedUrl: `http://127.0.0.1:${clocked.port}`, closedUrl: `http://127.0.0.1:${closed}` });
    },
  };
}
