/**
 * The bus for several nodes: Redis pub/sub through ioredis (docs/scale.md says
 * why ioredis). One connection publishes (and serves the shared counters), one
 * only subscribes: a subscribed Redis connection can run no other command.
 *
 * The subscriber's reconnects are ours, not ioredis's: after every reconnect
 * we subscribe every wanted channel again in one SUBSCRIBE, wait for Redis to
 * confirm it, and only then tell `onReconnect` listeners, which catch up from
 * the store (whatever was published while we were away is gone from Redis).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Bus, Subscription } from '../bus.ts';
import { RoundTrip } from '../round-trip.ts';
import { backoff, describeRedisUrl } from './redis-url.ts';

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` */
  url: string;
  /** Prepended to every channel (and, by the counters, every key): lets deployments and tests share one Redis. */
  prefix?: string;
  /** Names both connections (`CLIENT SETNAME <name>:pub`, `<name>:sub`), so an operator sees whose they are. */
  name?: string;
  /**
   * Resolves when the subscriber may try reconnect attempt n (1, 2, …); default waits
   * `backoff(n)`: doubling from 50 ms to 2 s, with jitter. Tests hold it to keep the bus down.
   */
  reconnectWait?: (attempt: number) => Promise<void>;
  /** How long a subscription's `ready` waits for Redis to confirm it before rejecting (default 5000 ms). */
  subscribeTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

type Handler = (payload: string) => void;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** What this node wants on one Redis channel. A new object after a full unsubscribe, so stale confirmations miss it. */
interface Channel {
  readonly handlers: Set<{ handler: Handler }>;
  /** Redis confirmed SUBSCRIBE on the current connection. */
  confirmed: boolean;
  readonly waiters: Set<Waiter>;
}

export const DEFAULT_PREFIX = 'image-chat:';

export class RedisBus implements Bus {
  readonly description: string;
  readonly prefix: string;
  /** The publishing connection; also runs the shared counters' commands. */
  readonly connection: Redis;
  private readonly sub: Redis;
  private readonly channels = new Map<string, Channel>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly health = new RoundTrip(this);
  private readonly reconnectWait: (attempt: number) => Promise<void>;
  private readonly subscribeTimeoutMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private attempts = 0;
  private connectedBefore = false;
  private closed = false;
  private downSince: number | undefined;

  constructor(options: RedisBusOptions) {
    this.description = `redis ${describeRedisUrl(options.url)}`;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.reconnectWait = options.reconnectWait ?? ((attempt) => sleep(backoff(attempt)));
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 5000;
    this.log = options.log ?? ((message, error) => console.error(`image-chat: ${message}`, error ?? ''));
    const name = options.name ?? 'image-chat';
    this.connection = new Redis(options.url, {
      connectionName: `${name}:pub`,
      // Publishes wait in ioredis's queue while it reconnects, in order; a long outage fails them (the store has them).
      retryStrategy: backoff,
    });
    this.connection.on('error', (e) => this.warn('the Redis publishing connection failed', e));
    this.sub = new Redis(options.url, {
      connectionName: `${name}:sub`,
      lazyConnect: true,
      autoResubscribe: false,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    this.sub.on('error', (e) => this.warn('the Redis subscriber connection failed', e));
    this.sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    this.sub.on('ready', () => void this.resubscribe());
    this.sub.on('end', () => this.lost());
    this.connectSubscriber();
  }

  publish(topic: string, payload: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Sent at once: ioredis writes one connection's commands in call order, which keeps the publish order.
    return this.connection.publish(this.prefix + topic, payload).then(() => undefined);
  }

  /** Only on a ready connection: ioredis would otherwise queue it until Redis is back. */
  publishVolatile(topic: string, payload: string): void {
    if (this.closed || this.connection.status !== 'ready') return;
    this.connection.publish(this.prefix + topic, payload).catch(() => undefined);
  }

  subscribe(topic: string, handler: Handler): Subscription {
    if (this.closed) return { ready: Promise.reject(new Error('the bus is closed')), unsubscribe() {} };
    const name = this.prefix + topic;
    let channel = this.channels.get(name);
    const fresh = !channel;
    if (!channel) this.channels.set(name, (channel = { handlers: new Set(), confirmed: false, waiters: new Set() }));
    const entry = { handler };
    channel.handlers.add(entry);
    const ready = channel.confirmed ? Promise.resolve() : this.waitFor(channel, name);
    if (fresh && this.sub.status === 'ready') void this.send([name]);
    let done = false;
    return {
      ready,
      unsubscribe: () => {
        if (done) return;
        done = true;
        const current = this.channels.get(name);
        if (current !== channel) return;
        current.handlers.delete(entry);
        if (current.handlers.size > 0) return;
        this.channels.delete(name);
        for (const waiter of current.waiters) this.settle(current, waiter, new Error('unsubscribed'));
        if (this.sub.status === 'ready') this.sub.unsubscribe(name).catch(() => {});
      },
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Fails at once while the subscriber is disconnected. A round trip that fails on a
   * connection ioredis believes healthy means the subscription died silently: the
   * connection is dropped, so the usual reconnect subscribes everything again.
   */
  async check(timeoutMs: number): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    // Down after having been up: say so at once. While first connecting, the round trip waits for it.
    if (this.sub.status !== 'ready' && this.connectedBefore) throw new Error(`the Redis subscriber connection is ${this.sub.status}`);
    try {
      await this.health.check(timeoutMs);
    } catch (e) {
      if (this.sub.status === 'ready' && !this.closed) {
        this.log('a message published on Redis did not come back: reconnecting the subscriber', e);
        this.sub.disconnect(true);
      }
      throw e;
    }
  }

  /** Channels wanted on Redis (for tests and leak checks; the health topic excluded). */
  get channelCount(): number {
    return [...this.channels.keys()].filter((name) => name !== this.prefix + this.health.topic).length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.close();
    for (const channel of this.channels.values()) for (const waiter of channel.waiters) this.settle(channel, waiter, new Error('the bus is closed'));
    this.channels.clear();
    await Promise.all([quit(this.connection), quit(this.sub)]);
  }

  // ------------------------------------------------------------ internals

  private waitFor(channel: Channel, name: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(channel, waiter, new Error(`Redis did not confirm the subscription to ${name} within ${this.subscribeTimeoutMs} ms`));
        }, this.subscribeTimeoutMs),
      };
      channel.waiters.add(waiter);
    });
  }

  private settle(channel: Channel, waiter: Waiter, error?: Error): void {
    if (!channel.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  /** SUBSCRIBE; once Redis confirms, the channels (if still the same objects) are live. */
  private async send(names: string[]): Promise<boolean> {
    const channels = names.map((name) => this.channels.get(name));
    try {
      await this.sub.subscribe(...names);
    } catch {
      return false; // The connection went: `lost` schedules a reconnect that subscribes again.
    }
    names.forEach((name, i) => {
      const channel = channels[i];
      if (!channel || this.channels.get(name) !== channel) return;
      channel.confirmed = true;
      for (const waiter of channel.waiters) this.settle(channel, waiter);
    });
    return true;
  }

  private async resubscribe(): Promise<void> {
    const names = [...this.channels.keys()];
    if (names.length > 0 && !(await this.send(names))) return;
    this.attempts = 0;
    if (this.downSince !== undefined) this.log(`Redis subscriber reconnected after ${Date.now() - this.downSince} ms; ${names.length} channels subscribed again`);
    this.downSince = undefined;
    if (!this.connectedBefore) {
      this.connectedBefore = true;
      return;
    }
    for (const listener of [...this.reconnectListeners]) {
      try {
        listener();
      } catch (e) {
        this.log('a reconnect listener failed', e);
      }
    }
  }

  private lost(): void {
    for (const channel of this.channels.values()) channel.confirmed = false;
    if (this.closed) return;
    this.downSince ??= Date.now();
    this.reconnectWait(++this.attempts).then(
      () => this.connectSubscriber(),
      () => this.connectSubscriber(),
    );
  }

  private connectSubscriber(): void {
    if (this.closed) return;
    // A failed attempt ends in 'end', which schedules the next one.
    this.sub.connect().catch(() => {});
  }

  private dispatch(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    for (const entry of [...channel.handlers]) {
      // One failing subscriber must not keep the message from the others.
      try {
        entry.handler(message);
      } catch (e) {
        this.log('a bus handler failed', e);
      }
    }
  }

  private lastWarning = '';
  /** One line per kind of failure per outage, not one per reconnect attempt. */
  private warn(message: string, error: unknown): void {
    const line = `${message}: ${(error as Error)?.message ?? String(error)}`;
    if (line === this.lastWarning) return;
    this.lastWarning = line;
    this.log(message, error);
  }
}

async function quit(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'end') return;
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
