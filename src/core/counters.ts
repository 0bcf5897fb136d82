/**
 * Counts that must hold over every node of a cluster: connections per IP
 * address (the per-IP limit), the action rate limits, and the tenants' usage.
 * The core knows them by this interface only: LocalCounters for one process,
 * RedisCounters (src/bus/redis/) when REDIS_URL is set. Both pass
 * src/bus/conformance/counters-conformance.ts.
 */
import { RateLimiter } from './rate-limit.ts';

/** A tenant's usage since counting began (design.md `/usage`), summed over every node. */
export interface UsageTotals {
  /** Messages sent to clients (each message of a batched frame counts). */
  pubSubMessageCount: number;
  /** Bytes of frames sent to clients. */
  pubSubBandwidth: number;
  conversationCreateCount: number;
  /** Comments posted, a conversation's opening comment included. */
  commentCount: number;
  eventsStored: number;
  /** The most connections the tenant held at once over the cluster. */
  peakConnections: number;
}

export type UsageDelta = Partial<Omit<UsageTotals, 'peakConnections'>>;

export const USAGE_FIELDS = ['pubSubMessageCount', 'pubSubBandwidth', 'conversationCreateCount', 'commentCount', 'eventsStored', 'peakConnections'] as const;

export function emptyUsage(): UsageTotals {
  return { pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 0, eventsStored: 0, peakConnections: 0 };
}

export interface TakeResult {
  ok: boolean;
  /** When refused: whole seconds until a token is back (at least 1). */
  waitSeconds: number;
}

export interface SharedCounters {
  /** Connections `tenant` holds from `ip` now, over every node. */
  connections(tenant: string, ip: string): Promise<number>;
  /** Connections `tenant` holds now, over every node. */
  tenantConnections(tenant: string): Promise<number>;
  /**
   * Counts one more connection from `ip` if fewer than `limit` are held over the cluster
   * (check and count in one step) and raises the tenant's peak. Returns the function that
   * gives the slot back, or undefined when refused.
   */
  acquire(tenant: string, ip: string, limit: number): Promise<(() => void) | undefined>;
  /** Takes a token from `key`'s bucket (`burst` tokens, refilled `perMinute`), at the caller's clock `now` (ms). */
  take(key: string, perMinute: number, burst: number, now: number): Promise<TakeResult>;
  /** Adds to the tenant's usage; may be batched (see flush). */
  add(tenant: string, delta: UsageDelta): void;
  /** Sends batched usage on now (tests; close does it too). */
  flush(): Promise<void>;
  usage(tenant: string): Promise<UsageTotals>;
  close(): Promise<void>;
}

/** One process: everything in memory, nothing batched. */
export class LocalCounters implements SharedCounters {
  private readonly perIp = new Map<string, number>();
  private readonly perTenant = new Map<string, number>();
  private readonly totals = new Map<string, UsageTotals>();
  private readonly buckets = new RateLimiter();

  async connections(tenant: string, ip: string): Promise<number> {
    return this.perIp.get(ipKey(tenant, ip)) ?? 0;
  }

  async tenantConnections(tenant: string): Promise<number> {
    return this.perTenant.get(tenant) ?? 0;
  }

  async acquire(tenant: string, ip: string, limit: number): Promise<(() => void) | undefined> {
    const key = ipKey(tenant, ip);
    if ((this.perIp.get(key) ?? 0) >= limit) return undefined;
    bump(this.perIp, key, 1);
    const now = bump(this.perTenant, tenant, 1);
    const usage = this.usageOf(tenant);
    usage.peakConnections = Math.max(usage.peakConnections, now);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      bump(this.perIp, key, -1);
      bump(this.perTenant, tenant, -1);
    };
  }

  async take(key: string, perMinute: number, burst: number, now: number): Promise<TakeResult> {
    const ok = this.buckets.take(key, perMinute, burst, now);
    return { ok, waitSeconds: ok ? 0 : this.buckets.waitSeconds(key, perMinute) };
  }

  add(tenant: string, delta: UsageDelta): void {
    const usage = this.usageOf(tenant);
    for (const [field, n] of Object.entries(delta) as [keyof UsageDelta, number][]) usage[field] += n;
  }

  async flush(): Promise<void> {}

  async usage(tenant: string): Promise<UsageTotals> {
    return { ...(this.totals.get(tenant) ?? emptyUsage()) };
  }

  async close(): Promise<void> {}

  private usageOf(tenant: string): UsageTotals {
    let usage = this.totals.get(tenant);
    if (!usage) this.totals.set(tenant, (usage = emptyUsage()));
    return usage;
  }
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
