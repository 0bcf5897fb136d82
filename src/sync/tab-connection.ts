/**
 * One tab's side of the browser's shared socket, which loads the sharing
 * code only once a second tab exists: most visitors have one tab of a site
 * open and never need it.
 *
 * Each tab asks for the leader lock (Web Locks) without waiting for it:
 * - The tab that gets it is the first. It runs the socket (a `Connection`)
 *   for its own elements, directly, and listens on the BroadcastChannel. When
 *   another tab says hello it imports the relay (leader.ts) and hands it the
 *   live socket: its elements stay on the socket as they were (nothing lost
 *   or applied twice, acks of actions in flight still arrive) and the relay
 *   serves the other tabs. What they said while it loaded is not kept: a
 *   follower tells each new leader all it follows (follower.ts). It keeps
 *   the lock until it closes.
 * - A tab that does not get it at once imports the follower side
 *   (follower.ts: talks to the leader over the channel, waits in the lock's
 *   queue, takes over the socket on failover). Being the second tab, it
 *   usually finds that chunk in the HTTP cache already.
 * - Where the channel or the locks are refused (a sandboxed iframe) the tab
 *   is alone: a socket of its own, as where the APIs are missing (registry.ts).
 *
 * An import that fails (offline, the server gone) leaves every tab working:
 * - the relay's: the first tab keeps its socket for itself, stops listening
 *   and lets the lock go; the tab that said hello waits in the lock's queue
 *   (it asks before saying hello), so it takes the lock and leads the others
 *   with a socket of its own. Two sockets, no tab left without one.
 * - the follower side's: the tab is alone, with a socket of its own, out of
 *   the lock's queue.
 *
 * Until the lock's answer (and, for a follower, its code) has come, what the
 * elements ask for is kept and handed on then: listeners, the images they are
 * away from, a renewed token. An action is refused as not online, as it would
 * be on a socket not yet open.
 */
import type { AckMessage, ActionMessage, ErrorMessage, User } from '../protocol/messages.ts';
import { Connection } from './connection.ts';
import type { Follower } from './follower.ts';
import type { Leader } from './leader.ts';
import { browserPage, seenAlsoBy } from './page-signals.ts';
import { channelName, leaderLockName } from './shared-key.ts';
import { INITIAL_STATE, type ConnectionState, type ConnectionStatus } from './state.ts';
import {
  ActionError,
  type ChannelLike,
  type ChatConnection,
  type ConnectionOptions,
  type EphemeralListener,
  type ImageListener,
  type LocksLike,
  type PositionSource,
  type TabCode,
} from './types.ts';

/** What a tab runs while it holds the socket: the socket, and the relay once another tab appeared. */
export interface LeaderRole {
  readonly connection: Connection;
}

const chunks: TabCode = {
  relay: () => import('./leader.ts'),
  follower: () => import('./follower.ts'),
};

export class TabConnection implements ChatConnection {
  readonly id = crypto.randomUUID();
  onClosed: (() => void) | undefined;
  /** The first tab's (or a lone tab's) socket, its elements' connection. */
  #connection: Connection | undefined;
  #follower: Follower | undefined;
  #relay: Leader | undefined;
  /** The BroadcastChannel while this tab listens for a second tab; the relay's channel then. */
  #channel: ChannelLike | undefined;
  /**
   * Another tab said hello: the relay loads once this tab holds the socket. What that tab said
   * meanwhile need not be kept: a follower tells a new leader all it follows (follower.ts `follow`).
   */
  #helloHeard = false;
  /** Registrations made before the connection existed, made on it when it comes. */
  readonly #waiting = new Set<(inner: ChatConnection) => void>();
  /** How many of this tab's listeners follow each image. */
  readonly #followed = new Map<string, number>();
  /** Images this tab's elements are away from (presence), until their last listener goes. */
  readonly #away = new Set<string>();
  #renewedToken: string | undefined;
  #releaseLock: (() => void) | undefined;
  #refs = 0;
  #closed = false;

  readonly #guestKey: string;
  readonly #options: ConnectionOptions;
  readonly #locks: LocksLike;

  constructor(
    readonly url: string,
    guestKey: string,
    readonly key: string,
    options: ConnectionOptions,
    channels: (name: string) => ChannelLike,
    locks: LocksLike,
  ) {
    this.#guestKey = guestKey;
    this.#options = options;
    this.#locks = locks;
    try {
      this.#channel = channels(channelName(key));
    } catch {
      this.#alone();
      return;
    }
    // From now on: a tab that finds this one holding the lock says hello after this channel exists.
    this.#channel.onmessage = (ev: MessageEvent) => this.#hear(ev);
    const ask = () => locks.request(leaderLockName(key), { ifAvailable: true }, (lock) => this.#decide(lock));
    // Refused (thrown or rejected, as in `<iframe sandbox="allow-scripts">`): alone.
    new Promise((asked) => asked(ask())).catch(() => this.#alone());
  }

  get #inner(): Connection | Follower | undefined {
    return this.#connection ?? this.#follower;
  }

  get #code(): TabCode {
    return this.#options.tabCode ?? chunks;
  }

  get state(): ConnectionState {
    return this.#inner?.state ?? INITIAL_STATE;
  }

  get status(): ConnectionStatus {
    return this.state.status;
  }

  get user(): User | undefined {
    return this.#inner?.user;
  }

  /** What this tab runs while it holds the socket (undefined while it follows another tab). */
  get leaderRole(): LeaderRole | undefined {
    return this.#follower ? this.#follower.leaderRole : (this.#relay ?? (this.#connection && { connection: this.#connection }));
  }

  subscribe(image: string, listener: ImageListener, position?: PositionSource): () => void {
    this.#followed.set(image, (this.#followed.get(image) ?? 0) + 1);
    const off = this.#later((inner) => inner.subscribe(image, listener, position));
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off();
      const left = this.#followed.get(image)! - 1;
      if (left > 0) return void this.#followed.set(image, left);
      this.#followed.delete(image);
      // As the connection forgets it: a later subscribe starts out here.
      this.#away.delete(image);
      this.#relay?.localHereChanged(image);
    };
  }

  onEphemeral(image: string, listener: EphemeralListener): () => void {
    return this.#later((inner) => inner.onEphemeral(image, listener));
  }

  onStatus(listener: (s: ConnectionState) => void): () => void {
    return this.#later((inner, late) => {
      // Made before the connection came, as it was shown the state it had then: it hears a different one.
      if (late && inner.state.status !== INITIAL_STATE.status) listener(inner.state);
      return inner.onStatus(listener);
    });
  }

  onNotice(listener: (e: ErrorMessage) => void): () => void {
    return this.#later((inner) => inner.onNotice(listener));
  }

  resync(image: string): void {
    this.#inner?.resync(image);
  }

  send(action: ActionMessage): Promise<AckMessage> {
    if (!this.#inner) throw ActionError.local('not-online');
    return this.#inner.send(action);
  }

  here(image: string, here: boolean): void {
    if (here) this.#away.delete(image);
    else this.#away.add(image);
    // With the relay, the socket is away only when every tab on the image is.
    if (this.#relay) this.#relay.localHereChanged(image);
    else this.#inner?.here(image, here);
  }

  typing(image: string, chatId: string, stop: boolean): void {
    this.#inner?.typing(image, chatId, stop);
  }

  /** The connection keeps the token it already has; one that is not there yet starts with this one. */
  renew(token: string): void {
    this.#renewedToken = token;
    this.#inner?.renew(token);
  }

  retryNow(): void {
    this.#inner?.retryNow();
  }

  /** Registry bookkeeping: see acquireConnection / release. */
  retain(): this {
    this.#refs++;
    return this;
  }

  release(): void {
    if (--this.#refs < 1) this.close();
  }

  /** Lets go for good: the socket closes (the next tab in the lock's queue takes over), or the follower says bye. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay?.stop();
    this.#inner?.close();
    this.#stopListening();
    this.#releaseLock?.();
    this.onClosed?.();
  }

  // ------------------------------------------------------------ internals

  /** The lock's answer: null when another tab holds it. Ours: held until close (the promise). */
  #decide(lock: unknown): Promise<void> | undefined {
    if (this.#closed) return undefined;
    if (!lock) return void this.#follow();
    this.#ownSocket();
    if (this.#helloHeard) void this.#loadRelay();
    return new Promise<void>((release) => (this.#releaseLock = release));
  }

  /** Another tab's message while this one listens: the first hello makes the socket's holder load the relay. */
  #hear(ev: MessageEvent): void {
    if (this.#helloHeard || (ev.data as { kind?: unknown } | null)?.kind !== 'hello') return;
    this.#helloHeard = true;
    if (this.#connection) void this.#loadRelay();
  }

  async #loadRelay(): Promise<void> {
    let code: Awaited<ReturnType<TabCode['relay']>>;
    try {
      code = await this.#code.relay();
    } catch {
      // The socket stays this tab's, the lock goes to the tab that asked to share.
      this.#stopListening();
      return this.#releaseLock?.();
    }
    // Closed meanwhile: the channel is gone.
    const channel = this.#channel;
    if (!channel) return;
    const local = { follows: (image: string) => this.#followed.has(image), isAway: (image: string) => this.#away.has(image) };
    // It answers on this channel from now on.
    this.#relay = new code.Leader(this.id, this.#connection!, channel, this.#locks, local);
  }

  async #follow(): Promise<void> {
    let code: Awaited<ReturnType<TabCode['follower']>>;
    try {
      code = await this.#code.follower();
    } catch {
      return this.#alone();
    }
    // Closed meanwhile: the channel is gone.
    const channel = this.#channel;
    if (!channel) return;
    this.#channel = undefined; // the follower's now
    this.#attach((this.#follower = new code.Follower(this.id, this.url, this.#guestKey, this.key, this.#options, channel, this.#locks)));
  }

  /** No other tab can be heard, or this one cannot follow: a socket of its own, outside the lock's queue. */
  #alone(): void {
    if (this.#closed || this.#inner) return;
    this.#stopListening();
    this.#ownSocket();
  }

  #ownSocket(): void {
    // Another tab may be the one someone is looking at: this tab may be in the background.
    const page = seenAlsoBy(this.#options.page ?? browserPage, () => this.#relay?.someTabVisible === true);
    this.#attach((this.#connection = new Connection(this.url, this.#guestKey, { ...this.#options, token: this.#renewedToken ?? this.#options.token, page })));
  }

  /** Stops hearing other tabs (a closed channel hears nothing more); the relay's channel, the relay closes. */
  #stopListening(): void {
    if (!this.#relay) this.#channel?.close();
    this.#channel = undefined;
  }

  /** The connection came: what the elements registered meanwhile is made on it, and they hear its state. */
  #attach(inner: Connection | Follower): void {
    if (this.#renewedToken) inner.renew(this.#renewedToken);
    for (const attach of this.#waiting) attach(inner);
    this.#waiting.clear();
    for (const image of this.#away) inner.here(image, false);
  }

  /** Makes the registration on the connection, now or when it comes; the returned function undoes it either way. */
  #later(attach: (inner: ChatConnection, late?: boolean) => () => void): () => void {
    if (this.#inner) return attach(this.#inner);
    let off: (() => void) | undefined;
    const waiting = (inner: ChatConnection) => void (off = attach(inner, true));
    this.#waiting.add(waiting);
    return () => {
      this.#waiting.delete(waiting);
      off?.();
    };
  }
}
