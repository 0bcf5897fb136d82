/**
 * Test helper (not a test): a Redis shared with other people's tests. Each
 * test works under its own random key/channel prefix and connection name,
 * deletes its keys afterwards and kills only its own connections (never
 * FLUSHALL, never another client's connection).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

import { testRedisUrl } from './services.ts';

export { testRedisUrl } from './services.ts';

/** The URL, failing the calling test under CI when none is set; undefined (skip) outside CI. */
export function requireRedisUrl(): string | undefined {
  const found = testRedisUrl();
  if ('url' in found) return found.url;
  if (process.env.CI) throw new Error(`Redis tests must run in CI: ${found.missing}`);
  return undefined;
}

/** One test's private corner of the shared Redis. */
export class RedisScope {
  readonly id = randomUUID().slice(0, 8);
  readonly prefix = `image-chat-test:${this.id}:`;
  /** Connection names of this scope start with it; `kill` touches no other connection. */
  readonly name = `image-chat-test-${this.id}`;
  readonly admin: Redis;

  constructor(readonly url: string) {
    this.admin = new Redis(url, { connectionName: `${this.name}-admin`, lazyConnect: false });
  }

  /** IDs of this scope's connections whose name matches `suffix` (e.g. `:sub`), as CLIENT LIST reports them. */
  async clients(suffix = ''): Promise<{ id: string; name: string }[]> {
    const list = (await this.admin.client('LIST')) as string;
    return list
      .split('\n')
      .map((line) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=', 2) as [string, string])))
      .filter((c) => typeof c.name === 'string' && c.name.startsWith(this.name) && c.name !== `${this.name}-admin` && c.name.endsWith(suffix))
      .map((c) => ({ id: c.id!, name: c.name! }));
  }

  /**
   * Waits until none of this scope's connections is listed: Redis frees a client that
   * sent QUIT after replying, so the list may still show it for a moment.
   */
  async untilNoClients(): Promise<{ id: string; name: string }[]> {
    let left = await this.clients();
    for (let i = 0; i < 200 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      left = await this.clients();
    }
    return left;
  }

  /** Kills this scope's connections whose name ends with `suffix`; returns how many. */
  async kill(suffix: string): Promise<number> {
    const victims = await this.clients(suffix);
    for (const c of victims) await this.admin.client('KILL', 'ID', c.id);
    return victims.length;
  }

  /** Deletes every key under the prefix and closes the admin connection. */
  async cleanup(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.admin.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await this.admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await this.admin.quit();
  }
}

/**
 * A RedisBus `reconnectWait` the test holds: `down` resolves when the bus lost its
 * subscriber and asks to reconnect; it reconnects only after `release()`. So "down,
 * not yet recovered" is a state the test can assert on, not a race.
 */
export function heldReconnect(): { reconnectWait: () => Promise<void>; down: Promise<void>; release: () => void } {
  let wentDown: () => void = () => {};
  const down = new Promise<void>((resolve) => (wentDown = resolve));
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    reconnectWait: () => {
      wentDown();
      return gate;
    },
    down,
    release: () => release(),
  };
}
