/**
 * SharedCounters on Redis, for a cluster. Each check-and-count is one Lua
 * script, so two nodes admitting the same address at once cannot both pass.
 *
 * Connections are counted per node (a hash field per node id) next to a
 * liveness key each node refreshes every few seconds: a node that dies
 * without saying goodbye stops refreshing, and its counts are dropped by the
 * next script that meets them. Rate limits use the caller's clock (nodes run
 * NTP); when Redis cannot answer, the node falls back to its own buckets and
 * lets connections in uncounted: availability over exactness during an outage.
 */
import type { Redis } from 'ioredis';
import { RateLimiter } from '../../core/rate-limit.ts';
import type { Acquired, SharedCounters, TakeResult } from '../../core/counters.ts';

/** Sums a per-node hash over live nodes, dropping the fields of nodes whose liveness key expired. */
const LIVE_SUM = `
local function live(key, nodePrefix, self)
  local sum = 0
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local node = all[i]
    if node == self or redis.call('EXISTS', nodePrefix .. node) == 1 then
      sum = sum + tonumber(all[i + 1])
    else
      redis.call('HDEL', key, node)
    end
  end
  return sum
end
`;

const SCRIPTS = {
  // KEYS: ip hash, tenant hash. ARGV: node, limit, node key prefix, hash ttl ms. Returns the tenant's count, or -1.
  icAcquire: {
    numberOfKeys: 2,
    lua: `${LIVE_SUM}
if live(KEYS[1], ARGV[3], ARGV[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return live(KEYS[2], ARGV[3], ARGV[1])`,
  },
  // KEYS: ip hash, tenant hash. ARGV: node.
  icRelease: {
    numberOfKeys: 2,
    lua: `
for i = 1, 2 do
  local n = tonumber(redis.call('HGET', KEYS[i], ARGV[1]) or '0')
  if n <= 1 then redis.call('HDEL', KEYS[i], ARGV[1]) else redis.call('HINCRBY', KEYS[i], ARGV[1], -1) end
end
return 0`,
  },
  // KEYS: a per-node hash. ARGV: node, node key prefix.
  icCount: { numberOfKeys: 1, lua: `${LIVE_SUM}\nreturn live(KEYS[1], ARGV[2], ARGV[1])` },
  // KEYS: bucket. ARGV: perMinute, burst, now ms. Returns {ok, waitSeconds}.
  icTake: {
    numberOfKeys: 1,
    lua: `
local perMinute, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMinute / 60000)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(at, now)))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 60000 / perMinute) + 1000)
local wait = 0
if ok == 0 then wait = math.max(1, math.ceil((1 - tokens) * 60 / perMinute)) end
return {ok, wait}`,
  },
} as const;

type Scripted = Redis & {
  icAcquire(ip: string, tenant: string, node: string, limit: number, nodePrefix: string, ttl: number): Promise<number>;
  icRelease(ip: string, tenant: string, node: string): Promise<number>;
  icCount(key: string, node: string, nodePrefix: string): Promise<number>;
  icTake(key: string, perMinute: number, burst: number, now: number): Promise<[number, number]>;
};

export interface RedisCountersOptions {
  /** A connection not in subscriber mode (the bus's publishing one). */
  redis: Redis;
  /** Key prefix (the bus's). */
  prefix: string;
  /** This node's id, unique in the cluster. */
  node: string;
  /** How long a node's counts outlive its last heartbeat (default 15 s); it beats every third of that. */
  nodeTtlMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** Per-node hashes expire a day after their last change, so keys of vanished tenants and addresses go. */
const HASH_TTL_MS = 24 * 3600_000;

export class RedisCounters implements SharedCounters {
  private readonly redis: Scripted;
  private readonly prefix: string;
  private readonly node: string;
  private readonly nodeTtlMs: number;
  private readonly fallback = new RateLimiter();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly log: (message: string, error?: unknown) => void;
  private closed = false;

  constructor(options: RedisCountersOptions) {
    this.redis = options.redis as Scripted;
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys, lua });
    }
    this.prefix = options.prefix;
    this.node = options.node;
    this.nodeTtlMs = options.nodeTtlMs ?? 15_000;
    this.log = options.log ?? ((message, error) => console.error(`image-chat: ${message}`, error ?? ''));
    void this.beat();
    this.heartbeat = setInterval(() => void this.beat(), Math.max(1, Math.floor(this.nodeTtlMs / 3)));
    this.heartbeat.unref?.();
  }

  async connections(tenant: string, ip: string): Promise<number> {
    return this.count(this.key('ipconns', tenant, ip));
  }

  async tenantConnections(tenant: string): Promise<number> {
    return this.count(this.key('conns', tenant));
  }

  async acquire(tenant: string, ip: string, limit: number): Promise<Acquired | undefined> {
    const ipHash = this.key('ipconns', tenant, ip);
    const tenantHash = this.key('conns', tenant);
    let total: number;
    try {
      total = await this.redis.icAcquire(ipHash, tenantHash, this.node, limit, this.key('node', ''), HASH_TTL_MS);
    } catch (e) {
      this.log('Redis could not count a connection: letting it in uncounted', e);
      return { release: () => {}, tenantConnections: 0 };
    }
    if (total < 0) return undefined;
    let given = false;
    const release = () => {
      if (given || this.closed) return;
      given = true;
      this.redis.icRelease(ipHash, tenantHash, this.node).catch((e: unknown) => this.log('Redis could not release a connection', e));
    };
    return { release, tenantConnections: total };
  }

  async take(key: string, perMinute: number, burst: number, now: number): Promise<TakeResult> {
    try {
      const [ok, waitSeconds] = await this.redis.icTake(this.key('rate', key), perMinute, burst, now);
      return { ok: ok === 1, waitSeconds };
    } catch (e) {
      this.log('Redis could not apply a rate limit: using this node\'s own', e);
      const ok = this.fallback.take(key, perMinute, burst, now);
      return { ok, waitSeconds: ok ? 0 : this.fallback.waitSeconds(key, perMinute) };
    }
  }

  /** Removes this node's liveness key, so its counts are dropped at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.heartbeat);
    this.closed = true;
    await this.redis.del(this.key('node', this.node)).catch(() => {});
  }

  private async count(key: string): Promise<number> {
    try {
      return await this.redis.icCount(key, this.node, this.key('node', ''));
    } catch (e) {
      this.log('Redis could not count connections', e);
      return 0;
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.redis.set(this.key('node', this.node), '1', 'PX', this.nodeTtlMs);
    } catch {
      // The bus logs the connection's trouble; the next beat tries again.
    }
  }

  /** Tenant ids hold no newline, so parts joined by one cannot collide. */
  private key(kind: string, ...parts: string[]): string {
    return `${this.prefix}${kind}:${parts.join('\n')}`;
  }
}
