// Starts a real image-chat server (temp SQLite file, port 0) beside web-test-runner,
// so element tests talk to the real thing. Tests read its URL from /__test-server.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

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
        server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'test.sqlite') });
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
