/**
 * WebSocket heartbeats: every round the server pings each socket, and
 * terminates the ones that answered nothing (no pong, no message) since the
 * previous round's ping. A peer that vanished without a FIN, or stopped
 * reading, is dropped within two rounds instead of being kept forever.
 */
import type { WebSocket } from 'ws';

export const DEFAULT_PING_INTERVAL_MS = 25_000;

export class Heartbeat {
  /** Sockets, and whether each was heard from since its last ping. */
  private readonly heard = new Map<WebSocket, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.round(), intervalMs);
    this.timer.unref();
  }

  watch(ws: WebSocket): void {
    this.heard.set(ws, true);
    const alive = () => {
      if (this.heard.has(ws)) this.heard.set(ws, true);
    };
    ws.on('pong', alive);
    ws.on('message', alive);
    ws.once('close', () => this.heard.delete(ws));
  }

  stop(): void {
    clearInterval(this.timer);
    this.heard.clear();
  }

  private round(): void {
    for (const [ws, heard] of this.heard) {
      if (!heard) {
        this.heard.delete(ws);
        ws.terminate();
        continue;
      }
      this.heard.set(ws, false);
      try {
        ws.ping();
      } catch {
        // Not open any more: its 'close' is on the way.
      }
    }
  }
}
