/**
 * Test helper (not a test): the real server as a child process
 * (`node --import tsx src/server/main.ts`), for defects about the process
 * itself (crashes, signals). Listens on port 0; the port is read from its
 * start-up line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr), for assertion messages. */
  output(): string;
  /** Still running? */
  alive(): boolean;
}

/** The environment a test's server starts from: the runner's, minus what points at shared services (CI exports both) or sets the demo's key. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, REDIS_URL: _redis, REDIS_PREFIX: _prefix, DEMO_API_KEY: _demoKey, ...rest } = process.env;
  return rest;
}

/** `env` names everything the test wants; DATABASE_URL and REDIS_URL are not inherited from the runner. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...isolatedEnv(), HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on https?:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    void exited.then(({ code, signal }) => reject(new Error(`the server exited (${code ?? signal}) before listening:\n${out}`)));
  });
  return { port, url: `http://127.0.0.1:${port}`, child, exited, output: () => out, alive: () => running };
}
