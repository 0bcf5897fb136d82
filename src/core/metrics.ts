import { Counter, Gauge, Registry } from 'prom-client';
import type { ChatEvent } from '../protocol/messages.ts';
import { Timings } from './timings.ts';
import { whatEventAdds } from './usage.ts';

/**
 * Counters for /metrics (this node's, as Prometheus expects). The usage API's
 * counts over time are kept by usage.ts.
 * The hot path adds to plain numbers; prom-client reads them when scraped.
 */

export interface TenantUsage {
  connections: number;
  messagesSent: number;
  bytesSent: number;
  eventsStored: number;
  conversationsCreated: number;
  /** A conversation's opening comment included. */
  commentsPosted: number;
}

const emptyTenantUsage = (): TenantUsage => ({ connections: 0, messagesSent: 0, bytesSent: 0, eventsStored: 0, conversationsCreated: 0, commentsPosted: 0 });

/** The per-tenant families of /metrics: names kept from before prom-client, as integrators scrape them. */
const FAMILIES: readonly { name: string; type: 'gauge' | 'counter'; help: string; key: keyof TenantUsage }[] = [
  { name: 'image_chat_connections', type: 'gauge', help: 'Open WebSocket connections.', key: 'connections' },
  { name: 'image_chat_messages_sent_total', type: 'counter', help: 'Messages sent to clients (a batched frame counts each message).', key: 'messagesSent' },
  { name: 'image_chat_bytes_sent_total', type: 'counter', help: 'Bytes of frames sent to clients.', key: 'bytesSent' },
  { name: 'image_chat_events_total', type: 'counter', help: 'Events stored.', key: 'eventsStored' },
  { name: 'image_chat_conversations_created_total', type: 'counter', help: 'Conversations created.', key: 'conversationsCreated' },
  { name: 'image_chat_comments_posted_total', type: 'counter', help: "Comments posted, a conversation's opening comment included.", key: 'commentsPosted' },
];

/**
 * Any client may name any well-formed tenant until tenants are configured, so
 * the number of label values is capped: past it, new tenants share one series.
 */
const MAX_TENANT_SERIES = 1000;
const OVERFLOW_TENANT = '_other';

export class Metrics {
  private readonly tenants = new Map<string, TenantUsage>();
  /** This core's own series that name no tenant (never prom-client's global registry: a process may hold several cores). */
  private readonly registry = new Registry();
  /** The per-tenant families, labelled by tenant (with METRICS_TOKEN) or as unlabelled totals. */
  private readonly byTenant = new Registry();
  private readonly totalsOnly = new Registry();
  readonly timings = new Timings(this.registry);

  constructor() {
    for (const family of FAMILIES) this.register(family);
  }

  private usage(tenant: string): TenantUsage {
    let u = this.tenants.get(tenant);
    if (!u) {
      if (this.tenants.size >= MAX_TENANT_SERIES && tenant !== OVERFLOW_TENANT) return this.usage(OVERFLOW_TENANT);
      u = emptyTenantUsage();
      this.tenants.set(tenant, u);
    }
    return u;
  }

  connectionOpened(tenant: string): void {
    this.usage(tenant).connections++;
  }

  connectionClosed(tenant: string): void {
    this.usage(tenant).connections--;
  }

  sent(tenant: string, messages: number, bytes: number): void {
    const u = this.usage(tenant);
    u.messagesSent += messages;
    u.bytesSent += bytes;
  }

  eventStored(tenant: string, event: ChatEvent): void {
    const u = this.usage(tenant);
    u.eventsStored++;
    const { created, commented } = whatEventAdds(event);
    if (created) u.conversationsCreated++;
    if (commented) u.commentsPosted++;
    this.timings.committed(tenant, event);
  }

  tenant(tenant: string): TenantUsage {
    const u = this.tenants.get(tenant);
    return u ? { ...u } : emptyTenantUsage();
  }

  totals(): TenantUsage {
    const t = emptyTenantUsage();
    for (const u of this.tenants.values()) for (const key of Object.keys(t) as (keyof TenantUsage)[]) t[key] += u[key];
    return t;
  }

  /**
   * What /metrics shows of this core: its own series and one series per tenant of each family
   * (totals are sum() over the tenant label) or, with `byTenant` false, only the unlabelled
   * totals, which name no tenant.
   */
  prometheus(byTenant: boolean): Registry {
    return Registry.merge([this.registry, byTenant ? this.byTenant : this.totalsOnly]);
  }

  /** Each family twice: read from the tenants' numbers when scraped, so counting costs the hot path nothing more. */
  private register({ name, type, help, key }: (typeof FAMILIES)[number]): void {
    const tenants = this.tenants;
    const totals = () => this.totals()[key];
    if (type === 'gauge') {
      new Gauge({ name, help, labelNames: ['tenant'], registers: [this.byTenant], collect() {
        this.reset();
        for (const [tenant, u] of tenants) this.set({ tenant }, u[key]);
      } });
      new Gauge({ name, help, registers: [this.totalsOnly], collect() {
        this.set(totals());
      } });
    } else {
      new Counter({ name, help, labelNames: ['tenant'], registers: [this.byTenant], collect() {
        this.reset();
        for (const [tenant, u] of tenants) this.inc({ tenant }, u[key]);
      } });
      new Counter({ name, help, registers: [this.totalsOnly], collect() {
        this.reset();
        this.inc(totals());
      } });
    }
  }
}
