/**
 * Test helper (not a test): `npm start` as an operator runs it, in a process
 * group of its own so a test can signal npm alone or the whole group, and see
 * every process of the tree gone afterwards.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { decodeServerFrame } from '../../src/protocol/decode.ts';
import { TestClient } from './test-client.ts';
import { isolatedEnv } from './server-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NpmStartProcess {
  /** The npm process (also the process group's id). */
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly databasePath: string;
  /** Everything the tree printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with npm's exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pids of the processes still in the group (npm, sh, node…). */
  groupPids(): number[];
  /** Kills whatever is left of the group and removes the temporary folder. */
  dispose(): Promise<void>;
}

/** Starts `npm start` (cwd: `root`, default this repository) on a free port with a fresh SQLite file. */
export async function startServerProcess(options: { root?: string; env?: NodeJS.ProcessEnv; command?: string[] } = {}): Promise<NpmStartProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-process-'));
  const databasePath = join(dir, 'chat.sqlite');
  const [cmd, ...args] = options.command ?? ['npm', 'start', '--silent'];
  const child = spawn(cmd!, args, {
    cwd: options.root ?? REPO_ROOT,
    // PORT=0: the server picks a free port and prints it.
    env: { ...isolatedEnv(), PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databasePath, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const port = /listening on https?:\/\/[^\s:]+:(\d+)/.exec(text)?.[1];
      if (port) resolve(Number(port));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => reject(new Error(`npm start exited (${code ?? signal}) before listening:\n${text}`)));
  });
  const groupPids = () => pidsInGroup(child.pid!);
  const dispose = async () => {
    if (groupPids().length) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (child.exitCode === null && child.signalCode === null) await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await listening;
  } catch (e) {
    await dispose();
    throw e;
  }
  return { child, url: `http://127.0.0.1:${port}`, port, databasePath, output: () => text, exited, groupPids, dispose };
}

/** Pids whose process group is `pgid` (ps reads /proc; no shell involved). */
export function pidsInGroup(pgid: number): number[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid !== undefined && !Number.isNaN(pid))
    .map(([pid]) => pid!);
}

/** The pid of the process that runs src/server/main.ts itself (the innermost one, under any wrapper). */
export function serverPid(pgid: number): number | undefined {
  const rows = describeGroup(pgid).map((line) => {
    const [pid, ppid, , ...args] = line.split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), args: args.join(' ') };
  });
  const runners = rows.filter((r) => r.args.includes('src/server/main.ts') && !r.args.startsWith('sh '));
  return runners.find((r) => !runners.some((other) => other.ppid === r.pid))?.pid;
}

/** `ps` lines (pid, ppid, command) of the process group, for assertions and reports. */
export function describeGroup(pgid: number): string[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => Number(line.split(/\s+/)[2]) === pgid);
}

export interface Load {
  /** broadcastIds the server acked. */
  readonly acked: Set<string>;
  /** broadcastIds refused with `unavailable` (the server was already draining). */
  readonly refused: Set<string>;
  /** Each client's close code, once closed. */
  readonly closes: Promise<number[]>;
  terminate(): void;
}

/**
 * Opens `clients` guest sockets (hello answered), then sends `actions` creates
 * round-robin without waiting: they are in flight when this returns.
 */
export async function fireCreates(url: string, actions: number, clients = 5): Promise<Load> {
  const sockets = await Promise.all(Array.from({ length: clients }, () => TestClient.open(url, 'demo')));
  await Promise.all(sockets.map((c, i) => c.hello({ name: `Load ${i}` })));
  const acked = new Set<string>();
  const refused = new Set<string>();
  for (const c of sockets) {
    c.ws.on('message', (data) => {
      for (const m of decodeServerFrame(String(data))) {
        if (m.type === 'ack') acked.add(m.broadcastId);
        if (m.type === 'error' && m.code === 'unavailable' && m.broadcastId) refused.add(m.broadcastId);
      }
    });
  }
  const image = `load-${randomUUID()}`;
  for (let i = 0; i < actions; i++) {
    sockets[i % clients]!.send({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text: `in flight ${i}` });
  }
  return {
    acked,
    refused,
    closes: Promise.all(sockets.map((c) => c.closed.then(({ code }) => code))),
    terminate: () => sockets.forEach((c) => c.ws.terminate()),
  };
}

/** broadcastIds of every event the SQLite file holds (read after the server is gone). */
export function storedBroadcastIds(databasePath: string): Set<string> {
  const db = new Database(databasePath, { readonly: true });
  try {
    return new Set(db.prepare<[], { broadcast_id: string }>('SELECT broadcast_id FROM events').all().map((r) => r.broadcast_id));
  } finally {
    db.close();
  }
}
