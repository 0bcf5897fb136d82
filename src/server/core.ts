/**
 * The transport-free heart of the server (in the manner of Hocuspocus): give
 * it a store and a bus, hand it each socket with `connect()`. HTTP, `ws` and
 * tests are thin layers around it.
 */
import type { ActionMessage, User } from '../protocol/messages.ts';
import type { Applied, Snapshot, Store } from '../store/store.ts';
import { topicFor } from './bus.ts';
import type { Bus } from './bus.ts';
import { Metrics } from './metrics.ts';
import { Session } from './session.ts';
import type { Connection, SessionHost, SocketLike } from './session.ts';

export type { Connection, SocketLike } from './session.ts';

export interface ChatCoreOptions {
  store: Store;
  bus: Bus;
  /** Signs guest tokens; when absent a secret persisted in the store is used, so tokens survive restarts. */
  guestSecret?: string;
  /** Images one connection may follow at once (default 100). */
  maxSubscriptions?: number;
  /** Bytes a socket may have waiting to go out before it is closed with 1013 (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Messages of one connection waiting to be handled before new ones are refused (default 200). */
  maxPending?: number;
  log?: (message: string, error?: unknown) => void;
}

export interface ConnectionInfo {
  tenant: string;
  ip?: string;
}

interface Topic {
  readonly image: string;
  readonly sessions: Set<Session>;
  readonly unsubscribe: () => void;
}

export class ChatCore implements SessionHost {
  readonly metrics = new Metrics();
  readonly store: Store;
  readonly bus: Bus;
  readonly limits: SessionHost['limits'];
  private readonly sessions = new Set<Session>();
  private readonly topics = new Map<string, Topic>();
  /** Tail of the work queued per image: actions on one image run one at a time on this node. */
  private readonly imageTails = new Map<string, Promise<unknown>>();
  private secret: Promise<string> | undefined;
  private closed = false;
  private readonly logger: (message: string, error?: unknown) => void;

  constructor(options: ChatCoreOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.limits = {
      maxSubscriptions: options.maxSubscriptions ?? 100,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      maxPending: options.maxPending ?? 200,
    };
    if (options.guestSecret !== undefined) this.secret = Promise.resolve(options.guestSecret);
    this.logger = options.log ?? ((message, error) => console.error(`image-chat: ${message}`, error ?? ''));
  }

  connect(socket: SocketLike, info: ConnectionInfo): Connection {
    const session = new Session(this, socket, info.tenant, info.ip);
    if (this.closed) {
      socket.close(1001, 'server shutting down');
      return { receive() {}, receiveBinary() {}, close() {} };
    }
    this.sessions.add(session);
    this.metrics.connectionOpened(info.tenant);
    return session;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Closes every session (1001). The store and bus belong to whoever made them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const session of [...this.sessions]) session.end(1001, 'server shutting down');
    await Promise.allSettled([...this.imageTails.values()]);
  }

  // ------------------------------------------------------------ SessionHost

  guestSecret(): Promise<string> {
    if (!this.secret) {
      this.secret = this.store.secret('guest');
      // Don't cache a failure: the next hello tries again.
      this.secret.catch(() => (this.secret = undefined));
    }
    return this.secret;
  }

  snapshot(tenant: string, image: string): Promise<Snapshot> {
    return this.store.snapshot(tenant, image);
  }

  /**
   * Stores the action, lets the caller ack, then broadcasts. Serialised per
   * image so this node publishes an image's events in seq order even when the
   * store resolves concurrent writes out of order.
   */
  act(tenant: string, action: ActionMessage, actor: User, stored: (applied: Applied) => void): Promise<void> {
    const topic = topicFor(tenant, action.image);
    return this.serialize(topic, async () => {
      const applied = await this.store.apply(tenant, action.image, action, actor);
      stored(applied);
      // A retried broadcastId was broadcast the first time; sending it again would repeat a seq.
      if (applied.duplicate) return;
      this.metrics.eventStored(tenant);
      try {
        await this.bus.publish(topic, JSON.stringify(applied.event));
      } catch (e) {
        // Stored and acked: subscribers will catch up on their next subscribe.
        this.log(`publishing to ${topic} failed`, e);
      }
    });
  }

  join(session: Session, image: string): void {
    const topic = topicFor(session.tenant, image);
    let entry = this.topics.get(topic);
    if (!entry) {
      // One bus subscription per image per node, fanned out here to every local session.
      const sessions = new Set<Session>();
      const unsubscribe = this.bus.subscribe(topic, (payload) => this.fanOut(image, sessions, payload));
      entry = { image, sessions, unsubscribe };
      this.topics.set(topic, entry);
    }
    entry.sessions.add(session);
  }

  leave(session: Session, image: string): void {
    const topic = topicFor(session.tenant, image);
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.sessions.delete(session);
    if (entry.sessions.size === 0) {
      this.topics.delete(topic);
      entry.unsubscribe();
    }
  }

  ended(session: Session): void {
    if (this.sessions.delete(session)) this.metrics.connectionClosed(session.tenant);
  }

  log(message: string, error?: unknown): void {
    this.logger(message, error);
  }

  /** Topics this node listens to (for tests and leak checks). */
  get topicCount(): number {
    return this.topics.size;
  }

  // ------------------------------------------------------------ internals

  private fanOut(image: string, sessions: Set<Session>, payload: string): void {
    let seq: number;
    try {
      seq = (JSON.parse(payload) as { seq: number }).seq;
    } catch (e) {
      this.log('dropped an unreadable bus message', e);
      return;
    }
    for (const session of sessions) session.deliver(image, seq, payload);
  }

  private serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.imageTails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.imageTails.set(key, tail);
    void tail.then(() => {
      if (this.imageTails.get(key) === tail) this.imageTails.delete(key);
    });
    return result;
  }
}
