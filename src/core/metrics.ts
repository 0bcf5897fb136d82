import type { ChatEvent } from '../protocol/messages.ts';

/**
 * Counters for /metrics (this node's, as Prometheus expects). The usage API's
 * counts over time are kept by usage.ts.
 */

export interface TenantUsage {
  connections: number;
  messagesSent: number;
  bytesSent: number;
  eventsStored: number;
}

/**
 * Any client may name any well-formed tenant until tenants are configured, so
 * the number of label values is capped: past it, new tenants share one series.
 */
const MAX_TENANT_SERIES = 1000;
const OVERFLOW_TENANT = '_other';

export class Metrics {
  private readonly tenants = new Map<string, TenantUsage>();

  private usage(tenant: string): TenantUsage {
    let u = this.tenants.get(tenant);
    if (!u) {
      if (this.tenants.size >= MAX_TENANT_SERIES && tenant !== OVERFLOW_TENANT) return this.usage(OVERFLOW_TENANT);
      u = { connections: 0, messagesSent: 0, bytesSent: 0, eventsStored: 0 };
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

  eventStored(tenant: string, _event: ChatEvent): void {
    this.usage(tenant).eventsStored++;
  }

  tenant(tenant: string): TenantUsage {
    const u = this.tenants.get(tenant);
    return u ? { ...u } : { connections: 0, messagesSent: 0, bytesSent: 0, eventsStored: 0 };
  }

  totals(): TenantUsage {
    const t = { connections: 0, messagesSent: 0, bytesSent: 0, eventsStored: 0 };
    for (const u of this.tenants.values()) {
      t.connections += u.connections;
      t.messagesSent += u.messagesSent;
      t.bytesSent += u.bytesSent;
      t.eventsStored += u.eventsStored;
    }
    return t;
  }

  /**
   * Prometheus text exposition format 0.0.4: one series per tenant (totals are sum() over the
   * tenant label), or with `byTenant` false only the unlabelled totals, which name no tenant.
   */
  toPrometheus(byTenant = true): string {
    const families: [string, 'gauge' | 'counter', string, keyof TenantUsage][] = [
      ['image_chat_connections', 'gauge', 'Open WebSocket connections.', 'connections'],
      ['image_chat_messages_sent_total', 'counter', 'Messages sent to clients (a batched frame counts each message).', 'messagesSent'],
      ['image_chat_bytes_sent_total', 'counter', 'Bytes of frames sent to clients.', 'bytesSent'],
      ['image_chat_events_total', 'counter', 'Events stored.', 'eventsStored'],
    ];
    const tenants = [...this.tenants.keys()].sort();
    const totals = byTenant ? undefined : this.totals();
    const lines: string[] = [];
    for (const [name, type, help, key] of families) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      if (totals) lines.push(`${name} ${totals[key]}`);
      else for (const tenant of tenants) lines.push(`${name}{tenant="${escapeLabel(tenant)}"} ${this.tenants.get(tenant)![key]}`);
    }
    return lines.join('\n') + '\n';
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
