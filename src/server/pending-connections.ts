/**
 * The per-IP bound on TCP connections that are not (yet) WebSocket sessions:
 * a silent connection, a half-sent upgrade, an idle keep-alive. The tenant is
 * not known before the request is read, so the bound is the largest
 * `connectionsPerIp` of any tenant; sessions are bounded per tenant by
 * ChatCore.admit. Counted by address arithmetic (open TCP connections minus
 * upgraded ones), so it holds under TLS too, where the socket the upgrade
 * hands over is not the TCP socket that was counted.
 */
import type { Socket } from 'node:net';
import type { Tenants } from '../core/tenants.ts';

export class PendingConnections {
  private readonly open = new Map<string, number>();
  private readonly upgraded = new Map<string, number>();

  constructor(readonly limit: number) {}

  static forTenants(tenants: Tenants): PendingConnections {
    return new PendingConnections(Math.max(1, ...tenants.ids.map((id) => tenants.get(id)!.limits.connectionsPerIp)));
  }

  /** A TCP connection arrived: counted until it closes. False when its address already holds the limit. */
  opened(socket: Socket): boolean {
    const ip = socket.remoteAddress ?? '';
    if (this.pending(ip) >= this.limit) return false;
    bump(this.open, ip, 1);
    socket.once('close', () => bump(this.open, ip, -1));
    return true;
  }

  /** A connection from `ip` became a WebSocket session; it stops counting here until `closed`. */
  sessionOpened(ip: string | undefined): void {
    bump(this.upgraded, ip ?? '', 1);
  }

  sessionClosed(ip: string | undefined): void {
    bump(this.upgraded, ip ?? '', -1);
  }

  pending(ip: string): number {
    return Math.max(0, (this.open.get(ip) ?? 0) - (this.upgraded.get(ip) ?? 0));
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
