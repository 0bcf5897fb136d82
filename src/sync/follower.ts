/**
 * A tab's side of the shared socket when another tab held it as this one
 * started (tab-connection.ts decides, and loads this only then). Every
 * follower waits in the leader lock's queue (Web Locks); the leader talks to
 * it over the BroadcastChannel. To an element this looks like a
 * `Connection`: status, user, subscribe with a position, resync, send with
 * an ack.
 *
 * Failover: a leader that closes or crashes releases its lock; the next tab
 * in the lock's queue takes it and runs a `Leader`, which opens a socket and
 * announces itself; this tab then talks to its own leader in-process
 * (`TabChannel`). Every tab sends the new leader the images it follows with
 * its own position and its actions still unanswered (once, with the same
 * broadcastId: the server acks a repeated one without storing it again).
 * Meanwhile the tab shows `reconnecting`.
 */
import type { AckMessage, ActionMessage, SeqPosition } from '../protocol/messages.ts';
import type { ConnectionState } from './state.ts';
import { Connection } from './connection.ts';
import { ConnectionBase, type PendingAction } from './connection-base.ts';
import { Leader } from './leader.ts';
import { TabChannel } from './tab-channel.ts';
import {
  answerCovers,
  handoverState,
  leaderLockName,
  presentState,
  RESEND_LOST_MESSAGE,
  tabLockName,
  type LeaderMessage,
  type TabMessage,
} from './tab-protocol.ts';
import {
  ActionError,
  defaultTimers,
  type ChannelLike,
  type ConnectionOptions,
  type ImageMessage,
  type LocksLike,
} from './types.ts';
import { browserPage, seenAlsoBy, type PageSignals } from './page-signals.ts';

interface Pending extends PendingAction {
  readonly action: ActionMessage;
  /** The leader it was last sent to. */
  leader: string;
  resent: boolean;
}

/** A leader alone never learns of other tabs leaving: there are none. */
const NO_LOCKS: LocksLike = { request: () => new Promise(() => undefined) };

/** Extra wait on top of the leader's own ack timeout, for a leader that vanished without a word. */
const ACK_GRACE = 5_000;

export class Follower extends ConnectionBase<Pending> {
  /** The running relay while this tab holds the leader lock. */
  leaderRole: Leader | undefined;
  #leader: string | undefined;
  #wasOnline = false;
  #closed = false;
  /** This tab's BroadcastChannel; `channel` is this connection's end of it, the leader gets another. */
  readonly #tabChannel: TabChannel;
  readonly #channel: ChannelLike;
  /** Images whose (re)subscribe awaits an answer that covers it, with the position asked from. */
  readonly #syncing = new Map<string, SeqPosition | undefined>();
  readonly #abort = new AbortController();
  /**
   * Messages wait here until this tab holds its own lock: a leader starts watching that lock when it
   * first hears from a tab (Leader.tabOf), and would take it at once if the tab did not hold it yet.
   */
  #outbox: TabMessage[] | null = [];
  #releaseLocks: (() => void)[] = [];
  /** Images this tab is away from (presence): told to every new leader. */
  readonly #away = new Set<string>();
  /** A fresh sign-in token the page gave after the first (`renew`): a leader this tab becomes, or follows, gets it. */
  #renewedToken: string | undefined;
  readonly #page: PageSignals;
  readonly #offPage: () => void;

  /** `shared`: this tab's BroadcastChannel, opened by its TabConnection. */
  readonly #locks: LocksLike;
  readonly #options: ConnectionOptions;
  readonly #guestKey: string;

  constructor(
    readonly id: string,
    readonly url: string,
    guestKey: string,
    readonly key: string,
    options: ConnectionOptions,
    shared: ChannelLike,
    locks: LocksLike,
  ) {
    super(options.timers ?? defaultTimers);
    this.#guestKey = guestKey;
    this.#options = options;
    this.#locks = locks;
    this.#tabChannel = new TabChannel(shared);
    this.#channel = this.#tabChannel.end();
    this.#channel.onmessage = (ev: MessageEvent) => this.#receive(ev.data as LeaderMessage | TabMessage);
    const signal = this.#abort.signal;
    this.#hold(tabLockName(this.id), signal, () => this.#flush());
    this.#hold(leaderLockName(key), signal, () => this.#lead());
    this.#post({ kind: 'hello', tab: this.id });
    this.#page = options.page ?? browserPage;
    this.#offPage = this.#page.listen((s) => {
      if (s === 'visible' || s === 'hidden') this.#post({ kind: 'visible', tab: this.id, visible: s === 'visible' });
      // The leader's own tab: its socket driver hears the same signals in-process.
      if ((s === 'visible' || s === 'focus') && !this.leaderRole && this.state.status !== 'online') this.retryNow();
    });
  }

  override resync(image: string): void {
    if (this.images.has(image) && !this.#syncing.has(image)) this.subscribeNow(image);
  }

  override send(action: ActionMessage): Promise<AckMessage> {
    const leader = this.#leader;
    if (this.state.status !== 'online' || !leader) throw ActionError.local('not-online');
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = this.timers.setTimeout(
        () => this.settle(action.broadcastId, ActionError.local('ack-timeout')),
        (this.#options.ackTimeout ?? 15_000) + ACK_GRACE,
      );
      this.pending.set(action.broadcastId, { action, resolve, reject, timer, leader, resent: false });
      this.#post({ kind: 'action', tab: this.id, action });
    });
  }

  override here(image: string, here: boolean): void {
    if (here ? !this.#away.delete(image) : this.#away.has(image)) return;
    if (!here) this.#away.add(image);
    if (this.images.has(image)) this.#post({ kind: 'here', tab: this.id, image, here });
  }

  override typing(image: string, chatId: string, stop: boolean): void {
    if (this.images.has(image)) this.#post({ kind: 'typing', tab: this.id, image, chatId, stop });
  }

  override renew(token: string): void {
    if (this.#closed || token === (this.#renewedToken ?? this.#options.token)) return;
    this.#renewedToken = token;
    this.#post({ kind: 'token', tab: this.id, token });
  }

  override retryNow(): void {
    this.#post({ kind: 'retry', tab: this.id });
  }

  /** Lets go for good: says bye, stops leading (the next tab in the lock queue takes over), drops both locks. */
  override close(): void {
    if (this.#closed) return;
    this.#post({ kind: 'bye', tab: this.id });
    this.#closed = true;
    this.#offPage();
    this.failPending('connection-closed');
    this.leaderRole?.stop();
    this.leaderRole = undefined;
    this.#abort.abort();
    for (const release of this.#releaseLocks) release();
    this.#releaseLocks = [];
    this.#channel.onmessage = null;
    this.#channel.close();
    this.onClosed?.();
  }

  // ------------------------------------------------------------ internals

  /** Asks for a lock and holds it until close; `granted` runs when it is ours. */
  #hold(name: string, signal: AbortSignal, granted: () => void): void {
    if (signal.aborted) return;
    const ask = () =>
      this.#locks.request(name, { signal }, () => {
        if (this.#closed) return undefined;
        granted();
        return new Promise<void>((release) => this.#releaseLocks.push(release));
      });
    // Aborted: we closed (or went alone) while waiting in the queue. Refused (thrown or rejected): go alone.
    new Promise((asked) => asked(ask())).catch(() => signal.aborted || this.#alone());
  }

  #flush(): void {
    const waiting = this.#outbox ?? [];
    this.#outbox = null;
    for (const m of waiting) this.#channel.postMessage(m);
  }

  #lead(locks = this.#locks): void {
    if (this.#closed) return;
    // The leader's end of this tab's channel: other tabs hear it through the browser, this tab in-process.
    const options = this.#renewedToken ? { ...this.#options, token: this.#renewedToken } : this.#options;
    // Another tab may be the one someone is looking at: this tab may be in the background.
    const page = seenAlsoBy(options.page ?? browserPage, () => this.leaderRole?.someTabVisible === true);
    const connection = new Connection(this.url, this.#guestKey, { ...options, page });
    this.leaderRole = new Leader(this.id, connection, this.#tabChannel.end(), locks);
  }

  /**
   * The browser offers Web Locks and BroadcastChannel but refuses them here (`<iframe
   * sandbox="allow-scripts">`: `locks.request` rejects with a SecurityError): this tab leads by
   * itself, on a channel no other tab hears — a socket of its own, as where the APIs are missing.
   */
  #alone(): void {
    if (this.#closed || this.leaderRole) return;
    this.#abort.abort();
    this.#tabChannel.isolate();
    this.#flush();
    this.#lead(NO_LOCKS);
  }

  #receive(m: LeaderMessage | TabMessage): void {
    if (this.#closed) return;
    switch (m.kind) {
      case 'leader':
        return this.#follow(m.leader);
      case 'status':
        if (m.leader !== this.#leader) this.#follow(m.leader);
        if (m.state.status === 'online') this.#wasOnline = true;
        return this.#setState(presentState(m.state, this.#wasOnline));
      case 'image':
        return this.#deliver(m.image, m.message, m.base);
      case 'result':
        if (m.tab !== this.id) return;
        if (m.ack) return this.settle(m.broadcastId, m.ack);
        // The leader's facts, as it had them (the server's or its own): this tab's ActionError says the same.
        return this.settle(m.broadcastId, m.error ? new ActionError(m.error.code, m.error.message, m.error) : ActionError.local('not-online'));
      case 'notice':
        return this.notice(m.error);
      case 'ephemeral':
        return this.ephemeral(m.message);
      default:
        return; // another tab's message to the leader
    }
  }

  /** A (new) leader: hand it everything this tab follows, and its one retry of each unanswered action. */
  #follow(leader: string): void {
    if (leader === this.#leader) return;
    const hadLeader = this.#leader !== undefined;
    this.#leader = leader;
    if (hadLeader) this.#setState(handoverState(this.state, this.#wasOnline));
    // The new leader may hold an older token than the one this page gave last, and knows nothing of this tab yet.
    if (this.#renewedToken) this.#post({ kind: 'token', tab: this.id, token: this.#renewedToken });
    this.#post({ kind: 'visible', tab: this.id, visible: this.#page.visible() });
    for (const image of this.images.keys()) this.subscribeNow(image);
    for (const image of this.#away) if (this.images.has(image)) this.#post({ kind: 'here', tab: this.id, image, here: false });
    for (const p of [...this.pending.values()]) {
      if (p.leader === leader) continue;
      if (p.resent) {
        this.settle(p.action.broadcastId, new ActionError('unavailable', RESEND_LOST_MESSAGE, { reason: 'tab-closed' }));
        continue;
      }
      p.resent = true;
      p.leader = leader;
      this.#post({ kind: 'action', tab: this.id, action: p.action, resend: true });
    }
  }

  #deliver(image: string, message: ImageMessage, base?: SeqPosition): void {
    if (!this.images.has(image)) return;
    if (this.#syncing.has(image)) {
      // Live events and other tabs' answers until ours: our answer holds them.
      if (!answerCovers(this.#syncing.get(image), message, base)) return;
      this.#syncing.delete(image);
    }
    for (const l of this.listenersOf(image)) {
      if (base) l(message, base);
      else l(message);
    }
  }

  protected override subscribeNow(image: string): void {
    const since = this.since(image);
    this.#syncing.set(image, since);
    this.#post(since ? { kind: 'subscribe', tab: this.id, image, since } : { kind: 'subscribe', tab: this.id, image });
  }

  /** The leader counts images across tabs: it drops this tab's count, and the socket's follow when it was the last. */
  protected override forget(image: string): void {
    this.#syncing.delete(image);
    this.#away.delete(image);
    this.#post({ kind: 'unsubscribe', tab: this.id, image });
  }

  #setState(state: ConnectionState): void {
    const before = this.state;
    this.state = state;
    this.announce(before, state);
  }

  #post(message: TabMessage): void {
    if (this.#closed) return;
    if (this.#outbox) this.#outbox.push(message);
    else this.#channel.postMessage(message);
  }
}
