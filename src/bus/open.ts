/**
 * Chooses the bus by configuration: in-process without a Redis URL (one
 * node), Redis with one (any number of nodes). The counters come with it:
 * cluster-wide connection counts and limits need the same Redis.
 */
import { randomUUID } from 'node:crypto';
import { InProcessBus } from './bus.ts';
import type { Bus } from './bus.ts';
import { LocalCounters } from '../core/counters.ts';
import type { SharedCounters } from '../core/counters.ts';
import { RedisBus } from './redis/redis-bus.ts';
import { RedisCounters } from './redis/redis-counters.ts';

export interface OpenedBus {
  bus: Bus;
  counters: SharedCounters;
  /** For the start-up line, e.g. `in-process` or `redis redis://cache:6379 (node 3f2a…)`. */
  description: string;
  /** Closes the counters (dropping this node's connection counts), then the bus. */
  close(): Promise<void>;
}

export interface OpenBusOptions {
  /** Key and channel prefix (default `image-chat:`): several deployments can share one Redis. */
  prefix?: string;
  /** This node's id (default random): names its Redis connections and its connection counts. */
  node?: string;
  log?: (message: string, error?: unknown) => void;
}

export function openBus(redisUrl: string | undefined, options: OpenBusOptions = {}): OpenedBus {
  if (!redisUrl) {
    const bus = new InProcessBus();
    const counters = new LocalCounters();
    return { bus, counters, description: bus.description, close: () => bus.close() };
  }
  const node = options.node ?? randomUUID().slice(0, 8);
  const bus = new RedisBus({
    url: redisUrl,
    name: `image-chat-${node}`,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const counters = new RedisCounters({ redis: bus.connection, prefix: bus.prefix, node, ...(options.log ? { log: options.log } : {}) });
  return {
    bus,
    counters,
    description: `${bus.description} (node ${node})`,
    async close() {
      await counters.close();
      await bus.close();
    },
  };
}
