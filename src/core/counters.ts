/**
 * Counts that must hold over every node of a cluster: connections per IP
 * address (the per-IP limit) and per tenant, and the action rate limits.
 * The core knows them by this interface only: LocalCounters for one process,
 * RedisCounters (src/bus/redis/) when REDIS_URL is set. Both pass
 * src/bus/conformance/counters-conformance.ts.
 */
import { RateLimiter } from './rate-limit.ts';

export interface TakeResult {
  ok: boolean;
  /** When refused: whole seconds until a token is back (at least 1). */
  waitSeconds: number;
}

/** A connection counted by `acquire`. */
export interface Acquired {
  /** Gives the slot back; a second call does nothing. */
  release(): void;
  /** Connections the tenant holds over the cluster once this one is counted (its peak usage), 0 when unknown. */
  readonly tenantConnections: number;
}

export interface SharedCounters {
  /** Connections `tenant` holds from `ip` now, over every node. */
  connections(tenant: string, ip: string): Promise<number>;
  /** Connections `tenant` holds now, over every node. */
  tenantConnections(tenant: string): Promise<number>;
  /**
   * Counts one more connection from `ip` if fewer than `limit` are held over the cluster
   * (check and count in one step). Undefined when refused.
   */
  acquire(tenant: string, ip: string, limit: number): Promise<Acquired | undefined>;
  /** Takes a token from `key`'s bucket (`burst` tokens, refilled `perMinute`), at the caller's clock `now` (ms). */
  take(key: string, perMinute: number, burst: number, now: number): Promise<TakeResult>;
  close(): Promise<void>;
}

/** One process: everything in memory. */
export class LocalCounters implements SharedCounters {
  private readonly perIp = new Map<string, number>();
  private readonly perTenant = new Map<string, number>();
  private readonly buckets = new RateLimiter();

  async connections(tenant: string, ip: string): Promise<number> {
    return this.perIp.get(ipKey(tenant, ip)) ?? 0;
  }

  async tenantConnections(tenant: string): Promise<number> {
    return this.perTenant.get(tenant) ?? 0;
  }

  async acquire(tenant: string, ip: string, limit: number): Promise<Acquired | undefined> {
    const key = ipKey(tenant, ip);
    if ((this.perIp.get(key) ?? 0) >= limit) return undefined;
    bump(this.perIp, key, 1);
    const tenantConnections = bump(this.perTenant, tenant, 1);
    let given = false;
    const release = () => {
      if (given) return;
      given = true;
      bump(this.perIp, key, -1);
      bump(this.perTenant, tenant, -1);
    };
    return { release, tenantConnections };
  }

  async take(key: string, perMinute: number, burst: number, now: number): Promise<TakeResult> {
    const ok = this.buckets.take(key, perMinute, burst, now);
    return { ok, waitSeconds: ok ? 0 : this.buckets.waitSeconds(key, perMinute) };
  }

  async close(): Promise<void> {}
}

/** Tenant ids hold no newline (TENANT_ID), so this key is unambiguous. */
function ipKey(tenant: string, ip: string): string {
  return `${tenant}\n${ip}`;
}

function bump(map: Map<string, number>, key: string, by: number): number {
  const n = Math.max(0, (map.get(key) ?? 0) + by);
  if (n === 0) map.delete(key);
  else map.set(key, n);
  return n;
}
