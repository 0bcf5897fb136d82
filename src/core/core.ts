/**
 * The transport-free heart of the server (in the manner of Hocuspocus): give
 * it a store and a bus, hand it each socket with `connect()`. HTTP, `ws` and
 * tests are thin layers around it.
 */
import type { ActionMessage, ChatEvent, HelloMessage, SeqPosition, User } from '../protocol/messages.ts';
import { textLength } from '../protocol/limits.ts';
import { StoreError } from '../store/store.ts';
import type { Applied, Snapshot, Store } from '../store/store.ts';
import { topicFor } from '../bus/bus.ts';
import type { Bus } from '../bus/bus.ts';
import { identify } from './identity.ts';
import type { Identified } from './identity.ts';
import { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limit.ts';
import { Tenants, originAllowed } from './tenants.ts';
import type { Tenant } from './tenants.ts';
import { Session } from './session.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
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
  /** Who may connect, and their limits (default: only the `demo` tenant, localhost origins). */
  tenants?: Tenants;
  /**
   * Most events a reconnecting client is sent as a replay (default 500); a longer gap gets a
   * snapshot: every event carries a whole conversation or comment, so past a few hundred the
   * snapshot is the smaller answer (bench: 1,000 events replayed were 2.3× the snapshot).
   */
  maxReplay?: number;
  /** Clock of the action rate limits (tests). */
  now?: () => number;
  /** Clock and timers of sign-in expiry (tests inject fake ones). */
  clock?: Clock;
  log?: (message: string, error?: unknown) => void;
}

export interface ConnectionInfo {
  tenant: string;
  ip?: string;
}

export const DEFAULT_MAX_REPLAY = 500;

/** Why a connection attempt is refused before the WebSocket handshake: an HTTP status and a sentence. */
export interface Refusal {
  status: 400 | 403 | 404 | 429;
  message: string;
}

/** An IP address that may hold one more connection, before the address is known (tests, other transports). */
const ANY_IP = '';

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
  readonly tenants: Tenants;
  readonly clock: Clock;
  private readonly maxReplay: number;
  private readonly sessions = new Set<Session>();
  /** Open connections per tenant and IP address, for the per-IP limit. */
  private readonly perIp = new Map<string, number>();
  private readonly rate: RateLimiter;
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
    this.tenants = options.tenants ?? Tenants.demo();
    this.clock = options.clock ?? systemClock;
    this.maxReplay = options.maxReplay ?? DEFAULT_MAX_REPLAY;
    this.rate = new RateLimiter(options.now);
    if (options.guestSecret !== undefined) this.secret = Promise.resolve(options.guestSecret);
    this.logger = options.log ?? ((message, error) => console.error(`image-chat: ${message}`, error ?? ''));
  }

  /**
   * Should a connection to `tenant` from this origin and address be accepted?
   * The transport asks before the handshake and answers a refusal with its
   * HTTP status; `connect` checks again (a burst of upgrades can race).
   */
  admit(tenantId: string, origin: string | undefined, ip: string | undefined): Refusal | undefined {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return { status: 404, message: `There is no tenant "${tenantId.slice(0, 63)}" on this server: check the tenant attribute.` };
    if (!originAllowed(tenant, origin)) {
      return { status: 403, message: `This page's origin may not use tenant "${tenant.id}": add it to the tenant's allowed origins.` };
    }
    if ((this.perIp.get(ipKey(tenant.id, ip)) ?? 0) >= tenant.limits.connectionsPerIp) {
      return { status: 429, message: 'Too many connections from your address: close some tabs or try again later.' };
    }
    return undefined;
  }

  connect(socket: SocketLike, info: ConnectionInfo): Connection {
    const refused = () => ({ receive() {}, receiveBinary() {}, close() {} });
    if (this.closed) {
      socket.close(1012, 'server restarting');
      return refused();
    }
    const refusal = this.admit(info.tenant, undefined, info.ip);
    if (refusal) {
      // 1008 policy violation for an unknown tenant, 1013 try again later for too many connections.
      socket.close(refusal.status === 429 ? 1013 : 1008, refusal.status === 429 ? 'too many connections' : 'unknown tenant');
      return refused();
    }
    const session = new Session(this, socket, info.tenant, info.ip);
    this.sessions.add(session);
    const key = ipKey(info.tenant, info.ip);
    this.perIp.set(key, (this.perIp.get(key) ?? 0) + 1);
    this.metrics.connectionOpened(info.tenant);
    return session;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Shutdown: refuses new connections and messages, lets every message already
   * received finish and its answer (the ack of an action being stored) go out,
   * then closes every socket with 1012 (the node restarts: clients reconnect at
   * once). The store and bus belong to whoever made them.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.sessions].map((session) => session.drain(1012, 'server restarting')));
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

  eventsSince(tenant: string, image: string, since: SeqPosition): Promise<ChatEvent[] | null> {
    return this.store.eventsSince(tenant, image, since, this.maxReplay);
  }

  identify(tenant: string, hello: HelloMessage): Promise<Identified> {
    const t = this.tenants.get(tenant);
    if (!t) return Promise.resolve({ refused: `There is no tenant "${tenant}" on this server.` });
    return identify(t, hello, () => this.guestSecret(), this.clock.now());
  }

  /**
   * The tenant's rules an action must pass before it reaches the store:
   * read-only identities, the tenant's text length and the rate limits (per
   * user, and per address so fresh guest identities do not reset it).
   */
  private permit(tenant: Tenant, action: ActionMessage, actor: User, ip: string | undefined): StoreError | undefined {
    if (actor.readonly) return new StoreError('forbidden', actor.readonlyReason ?? 'You may view but not post here.');
    const text = action.type === 'create-image-chat' ? action.text : action.type === 'update-image-chat' && 'text' in action.change ? action.change.text : undefined;
    const max = tenant.limits.maxTextChars;
    if (text !== undefined && textLength(text) > max) return new StoreError('invalid', `text is longer than ${max} characters`);
    const { actionsPerMinute: perMinute, actionBurst: burst } = tenant.limits;
    const userKey = `${tenant.id}\nuser\n${actor.id}`;
    const addressKey = `${tenant.id}\nip\n${ip ?? ANY_IP}`;
    const ok = this.rate.take(userKey, perMinute, burst) && (ip === undefined || this.rate.take(addressKey, perMinute * 5, burst * 5));
    if (!ok) {
      const wait = Math.max(this.rate.waitSeconds(userKey, perMinute), ip === undefined ? 0 : this.rate.waitSeconds(addressKey, perMinute * 5));
      return new StoreError('rate-limited', `Too many actions: wait ${wait} s and try again.`);
    }
    return undefined;
  }

  /**
   * Stores the action, lets the caller ack, then broadcasts. Serialised per
   * image so this node publishes an image's events in seq order even when the
   * store resolves concurrent writes out of order.
   */
  act(tenant: string, action: ActionMessage, actor: User, stored: (applied: Applied) => void, ip?: string): Promise<void> {
    const t = this.tenants.get(tenant);
    const refusal = t ? this.permit(t, action, actor, ip) : new StoreError('unauthorized', 'unknown tenant');
    if (refusal || !t) return Promise.reject(refusal);
    const topic = topicFor(tenant, action.image);
    return this.serialize(topic, async () => {
      const applied = await this.store.apply(tenant, action.image, action, actor, { maxChatsPerImage: t.limits.maxChatsPerImage });
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
    if (!this.sessions.delete(session)) return;
    this.metrics.connectionClosed(session.tenant);
    const key = ipKey(session.tenant, session.ip);
    const n = (this.perIp.get(key) ?? 1) - 1;
    if (n > 0) this.perIp.set(key, n);
    else this.perIp.delete(key);
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

function ipKey(tenant: string, ip: string | undefined): string {
  return `${tenant}\n${ip ?? ANY_IP}`;
}
