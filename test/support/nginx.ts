/**
 * Test helper (not a test): a real nginx (Debian's /usr/sbin/nginx) running
 * deploy/nginx.conf itself, with only its lines marked `# test:` rewritten: a
 * free port on 127.0.0.1, the given upstream nodes, and a temporary prefix for
 * the pid file, logs and temp paths. It runs in the foreground as our child.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killOnExit } from './cluster.ts';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const CONFIG = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** deploy/nginx.conf with its `# test:` lines rewritten; every other line is kept as it is. */
export function testNginxConfig(text: string, dir: string, port: number, upstreams: readonly number[]): string {
  const replacements: Record<string, (indent: string) => string[]> = {
    pid: (i) => [`${i}pid ${join(dir, 'nginx.pid')};`],
    error_log: (i) => [`${i}error_log ${join(dir, 'error.log')} warn;`],
    'temp paths': (i) => TEMP_PATHS.map((t) => `${i}${t}_temp_path ${join(dir, `${t}_temp`)};`),
    // All the upstream lines become the given nodes (written where the first one was).
    upstream: (i) => upstreams.map((p) => `${i}server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`),
    listen: (i) => [`${i}listen 127.0.0.1:${port};`],
  };
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const marker = /^(\s*).*#\s*test:\s*(.+?)\s*$/.exec(line);
    if (!marker) {
      out.push(line);
      continue;
    }
    const [, indent = '', what = ''] = marker;
    const replace = replacements[what];
    if (!replace) throw new Error(`deploy/nginx.conf: unknown "# test: ${what}" line`);
    if (!seen.has(what)) out.push(...replace(indent));
    seen.add(what);
  }
  const missing = Object.keys(replacements).filter((k) => !seen.has(k));
  if (missing.length) throw new Error(`deploy/nginx.conf has no "# test:" line for ${missing.join(', ')}`);
  return out.join('\n');
}

/** A port nothing listens on right now (nginx cannot be told to pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class Nginx {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    private readonly dir: string,
    /** stderr of the master process (startup errors). */
    readonly output: string[],
  ) {}

  /** Starts nginx in front of `upstreams` and resolves once a request through it reaches a node. */
  static async start(upstreams: readonly number[]): Promise<Nginx> {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-nginx-'));
    const port = await freePort();
    const config = join(dir, 'nginx.conf');
    writeFileSync(config, testNginxConfig(readFileSync(CONFIG, 'utf8'), dir, port, upstreams));
    // -e: the log for errors before the configuration is read (the default path is not ours to write).
    const child = spawn(NGINX_BIN, ['-p', dir, '-e', join(dir, 'startup.log'), '-c', config, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    killOnExit(child);
    const output: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const nginx = new Nginx(`http://127.0.0.1:${port}`, child, exited, dir, output);
    let gone = false;
    void exited.then(() => (gone = true));
    // Wait for the state: nginx says nothing when it is ready, so ask through it until a node answers
    // (the demo page: a node serves it whatever its health; nginx itself would answer 502).
    for (;;) {
      if (gone) throw new Error(`nginx exited before serving:\n${output.join('')}\n${readLog(join(dir, 'error.log'))}`);
      const answered = await fetch(`${nginx.url}/`).then((r) => r.ok, () => false);
      if (answered) return nginx;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The error log, for a failing test's message. */
  errorLog(): string {
    return readLog(join(this.dir, 'error.log'));
  }

  /** Stops nginx (SIGQUIT would wait for the WebSockets: SIGTERM is the fast shutdown) and removes its files. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
