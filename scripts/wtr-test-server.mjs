// Starts a real image-chat server (temp SQLite file, port 0) beside web-test-runner,
// so element tests talk to the real thing. Tests read its URL from /__test-server.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/** The `sso-test` tenant's secret; browser tests mint their tokens with it (test only, never a real one). */
export const WTR_SSO_SECRET = 'wtr-sso-test-secret-0123456789abcdef';

export function testServerPlugin() {
  let server;
  let dir;
  let startError;
  return {
    name: 'image-chat-test-server',
    async serverStart() {
      dir = mkdtempSync(join(tmpdir(), 'image-chat-wtr-'));
      try {
        const { startServer } = await tsImport('../src/server/app.ts', import.meta.url);
        const { Tenants, DEMO_TENANT, DEFAULT_LIMITS } = await tsImport('../src/core/tenants.ts', import.meta.url);
        // The demo tenant (any localhost origin, as npm start ships it), plus tenants for the access tests
        // (src/widget/access.test.ts): SSO with a known secret, guests view-only, and a foreign-origin-only one.
        const local = DEMO_TENANT.origins;
        const tenants = new Tenants([
          DEMO_TENANT,
          { id: 'sso-test', origins: local, ssoSecret: WTR_SSO_SECRET, guests: 'post', limits: DEFAULT_LIMITS },
          { id: 'viewers', origins: local, guests: 'read', limits: DEFAULT_LIMITS },
          { id: 'elsewhere', origins: ['https://elsewhere.example'], guests: 'post', limits: DEFAULT_LIMITS },
        ]);
        server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'test.sqlite'), tenants });
      } catch (e) {
        startError = e;
        console.error('test server did not start:', e);
      }
    },
    async serverStop() {
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    serve(context) {
      if (context.path !== '/__test-server.json') return undefined;
      if (!server) return { body: JSON.stringify({ url: null, error: String(startError ?? 'not started') }), type: 'json' };
      return { body: JSON.stringify({ url: `http://127.0.0.1:${server.port}` }), type: 'json' };
    },
  };
}
