/**
 * The transport-free heart of the server (in the manner of Hocuspocus): give
 * it a store and a bus, hand it each socket with `connect()`. HTTP, `ws` and
 * tests are thin layers around it.
 */
import { randomUUID } from 'node:crypto';
import type { ActionMessage, ChatEvent, EphemeralMessage, ErrorReason, HelloMessage, SeqPosition, User } from '../protocol/messages.ts';
import { textLength } from '../protocol/limits.ts';
import { StoreError } from '../store/store.ts';
import type { Applied, SnapshotPage, Store } from '../store/store.ts';
import { topicFor } from '../bus/bus.ts';
import type { Bus, Subscription } from '../bus/bus.ts';
import { ImageFeed, realSchedule } from './image-feed.ts';
import type { Schedule } from './image-feed.ts';
import { identify } from './identity.ts';
import type { Identified } from './identity.ts';
import { Metrics } from './metrics.ts';
import type { Timed } from './timings.ts';
import { LocalCounters } from './counters.ts';
import type { Acquired, SharedCounters } from './counters.ts';
import { UsageRecorder, type UsageOptions } from './usage.ts';
import { Tenants, originAllowed } from './tenants.ts';
import type { Tenant } from './tenants.ts';
import { Session } from './session.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import type { Connection, SessionHost, SocketLike } from './session.ts';
import { PresenceHub } from './presence-hub.ts';
import type { PresenceTimings } from './presence-hub.ts';

export type { Connection, SocketLike } from './session.ts';

export interface ChatCoreOptions {
  store: Store;
  bus: Bus;
  /** Connection counts and rate limits over every node (default: this process only). */
  counters?: SharedCounters;
  /** Usage over time: how often it is flushed to the store, how long it is kept, or not counted at all. */
  usage?: UsageOptions;
  /** Signs guest tokens; when absent a secret persisted in the store is used, so tokens survive restarts. */
  guestSecret?: string;
  /** Images one connection may follow at once (default 100). */
  maxSubscriptions?: number;
  /** Bytes a socket may have waiting to go out before it is closed with 1013 (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Messages of one connection waiting to be handled before new ones are refused (default 200). */
  maxPending?: number;
  /** How long a socket may take to drain before the next page of a large snapshot, else 1013 (default 30 s). */
  drainTimeoutMs?: number;
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
  /** A connection that has not said `hello` this long after opening is closed with 4408 (default 10 s). */
  helloTimeoutMs?: number;
  /** How long an event ahead of the next expected seq waits for the bus before the gap is read from the store (default 150 ms). */
  feedHoldMs?: number;
  /** How often every image this node serves is compared with the store's head (default 3000 ms; 0 never). */
  feedCheckMs?: number;
  /** Timers of the hello deadlines and the feeds' holds (default setTimeout, unref'd); tests fire them by hand. */
  schedule?: Schedule;
  /** Clock and timers of sign-in expiry, presence and typing (tests inject fake ones). */
  clock?: Clock;
  /** Presence and typing timings (coalescing, announcements, expiry); tests and the bench change them. */
  presence?: PresenceTimings;
  /** This node's id on the bus (default random). */
  node?: string;
  log?: (message: string, error?: unknown) => void;
}

export interface ConnectionInfo {
  tenant: string;
  ip?: string;
}

export const DEFAULT_MAX_REPLAY = 500;
export const DEFAULT_HELLO_TIMEOUT_MS = 10_000;

/** Why a connection attempt is refused before the WebSocket handshake: an HTTP status and a sentence. */
export interface Refusal {
  status: 400 | 403 | 404 | 429;
  message: string;
  /** The word for it, sent beside the message in the HTTP body (docs/protocol.md, "Error reasons"). */
  reason: ErrorReason;
}

/** An IP address that may hold one more connection, before the address is known (tests, other transports). */
const ANY_IP = '';

interface Topic {
  readonly sessions: Set<Session>;
  readonly feed: ImageFeed;
  readonly subscription: Subscription;
  /** Settles once the bus confirmed (or gave up confirming) and the feed knows the image's head. */
  readonly ready: Promise<void>;
}

export const DEFAULT_FEED_CHECK_MS = 3000;

export class ChatCore implements SessionHost {
  readonly metrics: Metrics;
  readonly usage: UsageRecorder;
  readonly store: Store;
  readonly bus: Bus;
  readonly counters: SharedCounters;
  readonly limits: SessionHost['limits'];
  readonly tenants: Tenants;
  readonly clock: Clock;
  private readonly maxReplay: number;
  private readonly sessions = new Set<Session>();
  /** Gives back each session's slot under the per-IP limit (resolves once it was counted). */
  private readonly slots = new Map<Session, Promise<Acquired | undefined>>();
  private readonly now: () => number;
  private readonly topics = new Map<string, Topic>();
  /** Tail of the work queued per image: actions on one image run one at a time on this node. */
  private readonly imageTails = new Map<string, Promise<unknown>>();
  private secret: Promise<string> | undefined;
  private closed = false;
  private readonly logger: (message: string, error?: unknown) => void;
  private readonly helloTimeoutMs: number;
  /** Cancels the hello deadline of each session that has one pending. */
  private readonly helloDeadlines = new Map<Session, () => void>();
  private readonly feedHoldMs: number | undefined;
  private readonly schedule: Schedule;
  private readonly feedCheckTimer: ReturnType<typeof setInterval> | undefined;
  private readonly stopReconnectListener: () => void;
  readonly presence: PresenceHub;

  constructor(options: ChatCoreOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.counters = options.counters ?? new LocalCounters();
    this.metrics = new Metrics();
    this.limits = {
      maxSubscriptions: options.maxSubscriptions ?? 100,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      maxPending: options.maxPending ?? 200,
      drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    };
    this.tenants = options.tenants ?? Tenants.demo();
    this.clock = options.clock ?? systemClock;
    this.maxReplay = options.maxReplay ?? DEFAULT_MAX_REPLAY;
    this.now = options.now ?? Date.now;
    if (options.guestSecret !== undefined) this.secret = Promise.resolve(options.guestSecret);
    this.logger = options.log ?? ((message, error) => console.error(`image-chat: ${message}`, error ?? ''));
    this.usage = new UsageRecorder({ store: this.store, clock: this.clock, counters: this.counters, sessions: this.sessions, log: this.logger }, options.usage);
    this.helloTimeoutMs = options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
    this.feedHoldMs = options.feedHoldMs;
    this.schedule = options.schedule ?? realSchedule;
    this.presence = new PresenceHub({
      bus: this.bus,
      clock: this.clock,
      node: options.node ?? randomUUID(),
      log: (message, error) => this.log(message, error),
      ...options.presence,
    });
    // Whatever the bus lost while away (or dropped silently) is read from the store.
    this.stopReconnectListener = this.bus.onReconnect(() => this.checkFeeds());
    const every = options.feedCheckMs ?? DEFAULT_FEED_CHECK_MS;
    if (every > 0) {
      this.feedCheckTimer = setInterval(() => this.checkFeeds(), every);
      this.feedCheckTimer.unref?.();
    }
  }

  /**
   * Should a connection to `tenant` from this origin and address be accepted?
   * The transport asks before the handshake and answers a refusal with its
   * HTTP status; `connect` counts the connection, checking again in the same
   * step (a burst of upgrades, or upgrades on other nodes, can race).
   */
  async admit(tenantId: string, origin: string | undefined, ip: string | undefined): Promise<Refusal | undefined> {
    const refusal = this.refuseTenant(tenantId, origin);
    if (refusal) return refusal;
    const tenant = this.tenants.get(tenantId)!;
    if ((await this.counters.connections(tenant.id, ip ?? ANY_IP)) >= tenant.limits.connectionsPerIp) return TOO_MANY_CONNECTIONS;
    return undefined;
  }

  private refuseTenant(tenantId: string, origin: string | undefined): Refusal | undefined {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return { status: 404, message: `There is no tenant "${tenantId.slice(0, 63)}" on this server: check the tenant attribute.`, reason: 'unknown-tenant' };
    if (!originAllowed(tenant, origin)) {
      return { status: 403, message: `This page's origin may not use tenant "${tenant.id}": add it to the tenant's allowed origins.`, reason: 'origin-not-allowed' };
    }
    return undefined;
  }

  /**
   * `/healthz`: the store answers a cheap read and the bus carries a message
   * back to this node, each within `timeoutMs`. Each part is `"ok"` or why not.
   */
  async health(timeoutMs: number): Promise<{ ok: boolean; store: string; bus: string }> {
    const [store, bus] = await Promise.all([
      verdict(withTimeout(this.store.head(HEALTH_TENANT, HEALTH_TENANT), timeoutMs, 'the store')),
      verdict(this.bus.check(timeoutMs)),
    ]);
    return { ok: store === 'ok' && bus === 'ok', store, bus };
  }

  connect(socket: SocketLike, info: ConnectionInfo): Connection {
    const refused = () => ({ receive() {}, receiveBinary() {}, close() {} });
    if (this.closed) {
      socket.close(1012, 'server restarting');
      return refused();
    }
    const tenant = this.tenants.get(info.tenant);
    if (!tenant || this.refuseTenant(info.tenant, undefined)) {
      // 1008 policy violation for an unknown tenant.
      socket.close(1008, 'unknown tenant');
      return refused();
    }
    const session = new Session(this, socket, info.tenant, info.ip);
    this.sessions.add(session);
    this.metrics.connectionOpened(info.tenant);
    // A socket that never says who it is would hold its place (and the per-IP limit) forever.
    const cancel = this.schedule(this.helloTimeoutMs, () => {
      this.helloDeadlines.delete(session);
      if (!session.user) session.end(4408, 'no hello in time');
    });
    this.helloDeadlines.set(session, cancel);
    const slot = this.counters.acquire(info.tenant, info.ip ?? ANY_IP, tenant.limits.connectionsPerIp);
    this.slots.set(session, slot);
    slot.then(
      // 1013 try again later: over the per-IP limit, counted over every node.
      (acquired) => (acquired ? this.usage.connections(info.tenant, acquired.tenantConnections) : session.end(1013, 'too many connections')),
      (e: unknown) => this.log('counting a connection failed', e),
    );
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
    clearInterval(this.feedCheckTimer);
    this.stopReconnectListener();
    this.presence.close();
    await Promise.allSettled([...this.imageTails.values()]);
    await this.usage.close(); // the last counts to the store, now that no session can add any
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

  /** Pages of about 250 comments (~250–500 KB of JSON): each is read and serialised well within 50 ms. */
  snapshotPages(tenant: string, image: string): AsyncIterable<SnapshotPage> {
    return this.store.snapshotPages(tenant, image, { commentsPerPage: 250 });
  }

  eventsSince(tenant: string, image: string, since: SeqPosition): Promise<ChatEvent[] | null> {
    return this.store.eventsSince(tenant, image, since, this.maxReplay);
  }

  identify(tenant: string, hello: HelloMessage): Promise<Identified> {
    const t = this.tenants.get(tenant);
    if (!t) return Promise.resolve({ refused: `There is no tenant "${tenant}" on this server.`, reason: 'unknown-tenant' });
    return identify(t, hello, () => this.guestSecret(), this.clock.now());
  }

  /**
   * The tenant's rules an action must pass before it reaches the store:
   * read-only identities, the tenant's text length and the rate limits (per
   * user, and per address so fresh guest identities do not reset it).
   */
  private async permit(tenant: Tenant, action: ActionMessage, actor: User, ip: string | undefined): Promise<StoreError | undefined> {
    if (actor.readonly) return new StoreError('forbidden', actor.readonlyReason ?? 'You may view but not post here.', { reason: actor.readonlyWhy ?? 'readonly-view' });
    const text = action.type === 'create-image-chat' ? action.text : action.type === 'update-image-chat' && 'text' in action.change ? action.change.text : undefined;
    const max = tenant.limits.maxTextChars;
    if (text !== undefined && textLength(text) > max) return new StoreError('invalid', `text is longer than ${max} characters`, { reason: 'text-too-long', limit: max });
    const { actionsPerMinute: perMinute, actionBurst: burst } = tenant.limits;
    const userKey = `${tenant.id}\nuser\n${actor.id}`;
    const addressKey = `${tenant.id}\nip\n${ip ?? ANY_IP}`;
    const now = this.now();
    const byUser = await this.counters.take(userKey, perMinute, burst, now);
    // The address is only charged when the user had a token, as before: one refusal costs one bucket.
    const byAddress = byUser.ok && ip !== undefined ? await this.counters.take(addressKey, perMinute * 5, burst * 5, now) : undefined;
    if (!byUser.ok || (byAddress && !byAddress.ok)) {
      const wait = Math.max(byUser.waitSeconds, byAddress?.waitSeconds ?? 0);
      return new StoreError('rate-limited', `Too many actions: wait ${wait} s and try again.`, { reason: 'too-many-actions', retryAfter: wait * 1000 });
    }
    return undefined;
  }

  /** A socket's action: the tenant's rules (`permit`), then `commit`. */
  async act(tenant: string, action: ActionMessage, actor: User, stored: (applied: Applied) => void, ip?: string): Promise<void> {
    const t = this.tenants.get(tenant);
    const refusal = t ? await this.permit(t, action, actor, ip) : new StoreError('unauthorized', 'unknown tenant', { reason: 'unknown-tenant' });
    if (refusal || !t) throw refusal;
    return this.commit(t, action, actor, stored);
  }

  /**
   * Stores the action, lets the caller ack, then broadcasts. Serialised per
   * image so this node publishes an image's events in seq order even when the
   * store resolves concurrent writes out of order. No rate limit: `act` checks
   * sockets first; the tenant's own API key (moderation.ts) comes straight here.
   */
  commit(t: Tenant, action: ActionMessage, actor: User, stored: (applied: Applied) => void): Promise<void> {
    const tenant = t.id;
    const topic = topicFor(tenant, action.image);
    return this.serialize(topic, async () => {
      const applied = await this.store.apply(tenant, action.image, action, actor, t.limits);
      stored(applied);
      // A retried broadcastId was broadcast the first time; sending it again would repeat a seq.
      if (applied.duplicate) return;
      this.metrics.eventStored(tenant, applied.event);
      this.usage.stored(tenant, action.image, applied.event);
      // Not awaited: the bus keeps one publisher's order, and a slow or absent Redis must not hold up the
      // next action on the image. A lost publish is found by every node's feed check.
      Promise.resolve(this.bus.publish(topic, JSON.stringify(applied.event))).catch((e: unknown) => this.log(`publishing to ${topic} failed`, e));
    });
  }

  /**
   * Presence and typing frames: ignored where the tenant turned presence off (the widget sends
   * them anyway: nothing to tell it), refused to a read-only identity (typing only: a viewer is
   * counted), rate-limited per user like actions (the bucket is the cluster's).
   */
  async ephemeral(session: Session, m: EphemeralMessage): Promise<StoreError | undefined> {
    const tenant = this.tenants.get(session.tenant);
    const user = session.user;
    if (!tenant || !user || tenant.presence === false) return undefined;
    if (m.type === 'typing' && user.readonly) {
      return new StoreError('forbidden', user.readonlyReason ?? 'You may view but not post here.', user.readonlyWhy ? { reason: user.readonlyWhy } : {});
    }
    const { ephemeralPerMinute: perMinute, ephemeralBurst: burst } = tenant.limits;
    const taken = await this.counters.take(`${tenant.id}\nephemeral\n${user.id}`, perMinute, burst, this.now());
    // Worded like the actions' limit (the widget has its sentence): presence and typing are limited like actions.
    if (!taken.ok) return new StoreError('rate-limited', `Too many presence and typing messages: wait ${taken.waitSeconds} s and try again.`, { reason: 'too-many-actions', retryAfter: taken.waitSeconds * 1000 });
    if (m.type === 'presence') this.presence.here(session, m.image, m.here);
    else this.presence.typing(session, m.image, m.chatId, m.stop === true);
    return undefined;
  }

  /**
   * Resolves once this node is live on the image: the bus confirmed the
   * subscription and the image's feed knows where the store stands, so
   * whatever the session reads next (snapshot or replay) is followed by every
   * later event. When the store cannot say, the session is closed (1011) and
   * its client reconnects and catches up.
   */
  async join(session: Session, image: string): Promise<void> {
    const topic = topicFor(session.tenant, image);
    const entry = this.topics.get(topic) ?? this.openTopic(session.tenant, image, topic);
    entry.sessions.add(session);
    try {
      await entry.ready;
    } catch (e) {
      this.log(`could not read where ${topic} stands`, e);
      if (this.topics.get(topic) === entry) this.closeTopic(topic, entry);
      session.end(1011, 'store unavailable');
    }
  }

  viewing(session: Session, image: string): void {
    if (this.tenants.get(session.tenant)?.presence !== false) this.presence.join(session, image);
  }

  leave(session: Session, image: string): void {
    this.presence.leave(session, image);
    const topic = topicFor(session.tenant, image);
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.sessions.delete(session);
    if (entry.sessions.size === 0) this.closeTopic(topic, entry);
  }

  ended(session: Session): void {
    if (!this.sessions.delete(session)) return;
    this.helloDeadlines.get(session)?.();
    this.helloDeadlines.delete(session);
    this.metrics.connectionClosed(session.tenant);
    const slot = this.slots.get(session);
    this.slots.delete(session);
    slot?.then((acquired) => acquired?.release(), () => {});
  }

  log(message: string, error?: unknown): void {
    this.logger(message, error);
  }

  /** Topics this node listens to (for tests and leak checks). */
  get topicCount(): number {
    return this.topics.size;
  }

  // ------------------------------------------------------------ internals

  /** One bus subscription and one feed per image per node, fanned out here to every local session. */
  private openTopic(tenant: string, image: string, topic: string): Topic {
    const sessions = new Set<Session>();
    const feed = new ImageFeed({
      tenant,
      image,
      store: this.store,
      deliver: (seq, json) => this.fanOut(image, sessions, seq, json, this.metrics.timings.fanningOut(tenant, image, seq)),
      schedule: this.schedule,
      log: (message, error) => this.log(message, error),
      ...(this.feedHoldMs !== undefined ? { holdMs: this.feedHoldMs } : {}),
    });
    const subscription = this.bus.subscribe(topic, (payload) => feed.receive(payload));
    // A topic closed before the bus confirmed it (its last session left) is no fault and needs no start.
    const open = () => this.topics.get(topic) === entry;
    const ready = subscription.ready
      // Not live yet, but the bus keeps trying; until then the feed's checks bring the events from the store.
      .catch((e: unknown) => open() && this.log(`the bus did not confirm ${topic}`, e))
      .then(() => (open() ? feed.start() : undefined));
    const entry: Topic = { sessions, feed, subscription, ready };
    this.topics.set(topic, entry);
    return entry;
  }

  private closeTopic(topic: string, entry: Topic): void {
    this.topics.delete(topic);
    entry.subscription.unsubscribe();
    entry.feed.close();
  }

  private fanOut(image: string, sessions: Set<Session>, seq: number, json: string, timed: Timed): void {
    for (const session of sessions) session.deliver(image, seq, json, timed);
  }

  /** Every image this node serves, compared with the store (periodically and after a bus reconnect). */
  private checkFeeds(): void {
    for (const [topic, entry] of this.topics) entry.feed.check().catch((e: unknown) => this.log(`catching up ${topic} from the store failed`, e));
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

async function verdict(check: Promise<unknown>): Promise<string> {
  try {
    await check;
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** An id no tenant can have (tenant ids start with a letter or digit), so the health read touches no one's data. */
const HEALTH_TENANT = '_health';

const TOO_MANY_CONNECTIONS: Refusal = {
  status: 429,
  message: 'Too many connections from your address: close some tabs or try again later.',
  reason: 'too-many-connections',
};
