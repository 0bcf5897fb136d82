// A real image-chat server per test file: port 0, a temp SQLite file, closed afterwards.
import { test as base } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

export const test = base.extend<object, { server: Server }>({
  server: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'image-chat-e2e-'));
      const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'e2e.sqlite') });
      await use(server);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
