// A server a test can stop and start again ON THE SAME PORT with the same SQLite file
// (what a restart or a deploy looks like to a browser), one per test.
import { test as base } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';

type Running = Awaited<ReturnType<typeof startServer>>;

export interface RestartableServer {
  readonly url: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** The running instance (undefined while stopped). */
  readonly current: Running | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Another server on the same database file, on a free port: "another node" that clients can reach while this one is down. */
  sibling(): Promise<Running>;
}

export const test = base.extend<{ restartable: RestartableServer }>({
  restartable: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-e2e-restart-'));
    const databaseUrl = join(dir, 'e2e.sqlite');
    let current: Running | undefined = await startServer({ port: 0, host: '127.0.0.1', databaseUrl });
    const port = current.port;
    const siblings: Running[] = [];
    const server: RestartableServer = {
      url: current.url,
      port,
      databaseUrl,
      get current() {
        return current;
      },
      async stop() {
        const s = current;
        current = undefined;
        await s?.close();
      },
      async start() {
        if (current) return;
        current = await startServer({ port, host: '127.0.0.1', databaseUrl });
      },
      async sibling() {
        const s = await startServer({ port: 0, host: '127.0.0.1', databaseUrl });
        siblings.push(s);
        return s;
      },
    };
    await use(server);
    await Promise.all(siblings.map((s) => s.close()));
    await current?.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
