/**
 * Test helper (not a test): N real node processes (`node --import tsx
 * src/server/main.ts`, as `npm start` runs them) on one PostgreSQL schema and
 * one Redis key/channel prefix, both private to this cluster and removed by
 * `close()`. A test can SIGTERM a node, `kill -9` it, and start it again.
 *
 * DATABASE_URL and REDIS_URL are always set explicitly in the children's
 * environment (CI exports DATABASE_URL globally; a node must never fall back
 * to it or to the default SQLite file by accident).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Redis } from 'ioredis';
import { randomSchemaName, searchPathUrl } from './postgres.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /image-chat listening on (https?):\/\/[^\s:]+:(\d+) /;
/** The bus part of that line names the node, which names its Redis connections `image-chat-<node>:pub|:sub`. */
const BUS_NODE = /bus: redis .*\(node ([\w-]+)\)/;

/** This cluster's corner of the shared Redis (test/support/redis.ts's RedisScope fits). */
export interface RedisCorner {
  readonly url: string;
  /** REDIS_PREFIX of every node: prepended to every key and channel. */
  readonly prefix: string;
  /** A connection of the test's own, for CLIENT LIST / CLIENT KILL. */
  readonly admin: Redis;
}

export interface ClusterOptions {
  /** How many nodes (default 3). */
  nodes?: number;
  /** A postgres:// database; the cluster works in a fresh schema of it, dropped by close(). */
  databaseUrl: string;
  /** Without it the nodes run with REDIS_URL unset (the in-process bus: they do not hear each other). */
  redis?: RedisCorner;
  /** More environment for every node (TENANTS_FILE, LOG_KEEP, …). */
  env?: Record<string, string>;
}

/**
 * A node's environment: this process's, with HOST=127.0.0.1, without any REDIS_* (a node runs
 * without Redis unless `vars` names it), then `vars`, which must name DATABASE_URL.
 */
export function nodeEnv(vars: Record<string, string> & { DATABASE_URL: string }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('REDIS_')) env[k] = v;
  return { ...env, HOST: '127.0.0.1', ...vars };
}

/** Every child still running when the test process exits is killed, whatever the test did. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Kills `child` when this process exits, if it is still running then. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** One node process. `url` is valid while it runs; a restart keeps its port. */
export class NodeProcess {
  /** stdout and stderr, line by line, across restarts. */
  readonly log: string[] = [];
  port = 0;
  /** The node id its bus printed at start (it names the node's Redis connections); a restart makes a new one. */
  busNode: string | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private scheme = 'http';

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined;
  }

  /** Spawns the node and resolves once it logged that it listens; rejects (with its log) if it exits first. */
  start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    killOnExit(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        if (this.child === child) this.child = undefined;
        resolve(code);
      }),
    );
    return new Promise((resolve, reject) => {
      let pending = '';
      const onData = (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          this.log.push(line);
          const m = LISTENING.exec(line);
          if (m) {
            this.scheme = m[1]!;
            this.port = Number(m[2]);
            this.busNode = BUS_NODE.exec(line)?.[1];
            resolve();
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void this.exited.then((code) => reject(new Error(`${this.name} exited (${code}) before listening:\n${this.log.join('\n')}`)));
    });
  }

  /** SIGTERM, as systemd stops it; resolves with the exit code once it has exited. */
  stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  /** `kill -9`: no goodbye to anyone. */
  kill(): Promise<number | null> {
    return this.signal('SIGKILL');
  }

  /** Starts it again on the same port with the same environment. */
  async restart(): Promise<void> {
    if (this.child) await this.stop();
    await this.start();
  }

  private async signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill(signal);
    return this.exited;
  }
}

export class Cluster {
  private constructor(
    readonly nodes: NodeProcess[],
    /** The schema every node works in (the tests read the store through it). */
    readonly schema: string,
    /** DATABASE_URL as the nodes have it (search_path = the schema). */
    readonly databaseUrl: string,
    private readonly admin: postgres.Sql,
    private readonly redis: RedisCorner | undefined,
  ) {}

  static async start(options: ClusterOptions): Promise<Cluster> {
    const admin = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
    const schema = randomSchemaName();
    await admin`CREATE SCHEMA ${admin(schema)}`;
    const databaseUrl = searchPathUrl(options.databaseUrl, schema);
    const redis: Record<string, string> = options.redis ? { REDIS_URL: options.redis.url, REDIS_PREFIX: options.redis.prefix } : {};
    const nodes = Array.from(
      { length: options.nodes ?? 3 },
      (_, i) => new NodeProcess(`node ${i + 1}`, nodeEnv({ DATABASE_URL: databaseUrl, ...redis, ...options.env })),
    );
    const cluster = new Cluster(nodes, schema, databaseUrl, admin, options.redis);
    try {
      await Promise.all(nodes.map((n) => n.start()));
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Runs a query in the nodes' schema (read-only checks of what the store holds). */
  sql<T extends readonly object[]>(run: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
    return this.admin.begin(async (tx) => {
      await tx`SET LOCAL search_path TO ${tx(this.schema)}`;
      return run(tx);
    }) as Promise<T>;
  }

  /**
   * `CLIENT KILL` of the running nodes' Redis connections named `image-chat-<node><suffix>` (`:sub`:
   * their pub/sub connections), found by name in `CLIENT LIST`: the effect of `CLIENT KILL TYPE
   * pubsub` on this cluster, without touching anyone else's clients. Returns how many were killed.
   */
  async killRedisConnections(suffix = ':sub'): Promise<number> {
    if (!this.redis) throw new Error('this cluster runs without Redis');
    const names = new Set(this.nodes.filter((n) => n.alive && n.busNode).map((n) => `image-chat-${n.busNode}${suffix}`));
    const list = (await this.redis.admin.client('LIST')) as string;
    const ids = list
      .split('\n')
      .map((line) => ({ id: /(?:^| )id=(\d+)/.exec(line)?.[1], name: /(?:^| )name=(\S*)/.exec(line)?.[1] }))
      .filter((c) => c.id && c.name && names.has(c.name))
      .map((c) => c.id!);
    for (const id of ids) await this.redis.admin.client('KILL', 'ID', id);
    return ids.length;
  }

  /** Kills every node still running (SIGKILL: nothing to wait for), then drops the schema. */
  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    await this.admin`DROP SCHEMA IF EXISTS ${this.admin(this.schema)} CASCADE`;
    await this.admin.end({ timeout: 5 });
  }
}
