/**
 * The socket driver: one WebSocket to (server, tenant), shared by every
 * <image-chat> of the page (where tabs cannot share), or by every tab of the
 * browser when this tab is the leader (leader.ts relays it over a channel).
 * Says hello, subscribes images (again after every reconnect, with `since`
 * the position the listeners hold, answered by a replay or a snapshot),
 * reconnects with capped exponential backoff and jitter, and routes acks and
 * errors to the action that caused them by broadcastId. Every timing decision
 * is the pure reducer's (state.ts); this class only carries out its effects.
 * Actions are never queued: `send` throws at once when not online.
 */
import type { AckMessage, ActionMessage, ClientMessage, ServerMessage, SeqPosition, SnapshotMessage } from '../protocol/messages.ts';
import { decodeServerFrame, encodeFrame } from '../protocol/decode.ts';
import { ConnectionBase } from './connection-base.ts';
import { DEFAULT_OPTIONS, transition, type ConnectionEvent, type Effect, type Timer, type TransitionOptions } from './state.ts';
import { browserPage, type PageSignals } from './page-signals.ts';
import { pageStorage } from './page-memory.ts';
import { fetchProbe, type Probe } from './probe.ts';
import { ActionError, defaultTimers, defined, factsOf, withTicket, type ConnectionOptions, type KeyValueStorage, type SocketLike } from './types.ts';

export type { ConnectionState, ConnectionStatus } from './state.ts';
export type { ChatConnection, ConnectionOptions, ImageListener, ImageMessage, KeyValueStorage, PositionSource, SocketLike, Timers } from './types.ts';
export { ActionError, NOT_ONLINE_MESSAGE, socketUrl } from './types.ts';

/** How long a probe may take before it counts as no answer. */
const PROBE_TIMEOUT = 5_000;

export class Connection extends ConnectionBase {
  readonly url: string;
  #socket: SocketLike | undefined;
  /** The armed timer of each kind: a new `wait` replaces it. */
  readonly #armed: Partial<Record<Timer, unknown>> = {};
  #sentGuest = false;
  #closed = false;
  /** Images whose subscribe awaits its snapshot or replay: live events for them are dropped meanwhile (the answer covers them). */
  readonly #syncing = new Set<string>();
  /**
   * The `since` of each subscribe awaiting its answer, per image, oldest first: the server answers
   * one connection's subscribes in order, so a replay is handed on with the position it starts from.
   */
  readonly #asked = new Map<string, (SeqPosition | undefined)[]>();
  /** Images this page is away from (`here(image, false)`): said again after every subscribe, which implies here. */
  readonly #away = new Set<string>();
  /** Images subscribed on the current socket: subscribing one again is sent as a new subscription. */
  readonly #onSocket = new Set<string>();
  /** A large snapshot arrives as several messages (`more: true` on all but the last): the pages so far. */
  readonly #pages = new Map<string, SnapshotMessage>();
  readonly #machine: TransitionOptions;
  readonly #now: () => number;
  readonly #page: PageSignals;
  readonly #offPage: () => void;
  readonly #guestKey: string;
  readonly #options: ConnectionOptions;
  /** Where the guest token is kept (none: null). */
  readonly #storage: KeyValueStorage | null;
  /** Asks the server over HTTP (undefined: not at all, e.g. a test's fake socket). */
  readonly #probe: Probe | undefined;
  /** The probe under way, aborted when it is no longer wanted. */
  #probing: AbortController | undefined;
  /** The SSO token every hello carries: the one given at first, then the latest `renew`. */
  #token: string | undefined;
  /** The embed ticket every socket URL carries: the page's, then the latest the server sent. */
  #ticket: string | undefined;

  constructor(url: string, guestKey: string, options: ConnectionOptions = {}) {
    super(options.timers ?? defaultTimers);
    this.url = url;
    this.#guestKey = guestKey;
    this.#options = options;
    this.#storage = options.storage === undefined ? pageStorage : options.storage;
    this.#now = options.now ?? Date.now;
    this.#token = options.token;
    this.#ticket = options.ticket;
    // A test that fakes the socket fakes the server too: no HTTP unless it gives a probe.
    this.#probe = options.probe === undefined ? (typeof fetch === 'function' && !options.createSocket ? fetchProbe : undefined) : (options.probe ?? undefined);
    // The options the reducer reads share their names with the connection's (extra ones it ignores).
    this.#machine = {
      ...DEFAULT_OPTIONS,
      random: Math.random,
      ...defined(options),
      heartbeat: options.heartbeat === undefined ? DEFAULT_OPTIONS.heartbeat : options.heartbeat || null,
      probe: !!this.#probe,
    };
    this.#page = options.page ?? browserPage;
    this.#offPage = this.#page.listen((signal) => {
      if (signal === 'online' || signal === 'offline') this.#dispatch({ type: `network-${signal}` });
      // Someone is looking (again): a wait armed while nobody was is not worth sitting out.
      else if (signal !== 'hidden') this.retryNow();
    });
    this.#dispatch({ type: 'start', online: options.online ?? globalThis.navigator?.onLine !== false });
  }

  /**
   * A listener saw a gap (an event whose seq is not the next one): subscribe
   * again with `since`, unless that is already under way.
   */
  override resync(image: string): void {
    if (!this.#syncing.has(image)) this.subscribeNow(image);
  }

  /** Subscribes again now, from the listeners' lowest position (a tab joined an image this socket already follows). */
  refresh(image: string): void {
    if (this.images.has(image)) this.subscribeNow(image);
  }

  /**
   * Sends an action now. Throws an ActionError('unavailable') at once when not
   * online (nothing is queued); the promise settles with the ack, or rejects with
   * the server's error, a timeout, or the connection being lost first.
   */
  override send(action: ActionMessage): Promise<AckMessage> {
    if (this.state.status !== 'online' || !this.#socket) throw ActionError.local('not-online');
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = this.timers.setTimeout(
        () => this.settle(action.broadcastId, ActionError.local('ack-timeout')),
        this.#options.ackTimeout ?? 15_000,
      );
      this.pending.set(action.broadcastId, { resolve, reject, timer });
      this.#write(action);
    });
  }

  override here(image: string, here: boolean): void {
    if (here ? !this.#away.delete(image) : this.#away.has(image)) return;
    if (!here) this.#away.add(image);
    if (this.#onSocket.has(image)) this.#write({ type: 'presence', image, here });
  }

  override typing(image: string, chatId: string, stop: boolean): void {
    if (this.#onSocket.has(image)) this.#write(stop ? { type: 'typing', image, chatId, stop } : { type: 'typing', image, chatId });
  }

  override renew(token: string): void {
    if (this.#closed || token === this.#token) return;
    this.#token = token;
    // Online: a second hello on the same socket, answered by a welcome (or an error that leaves the sign-in as it was).
    if (this.state.status === 'online') this.#write(this.#hello());
    else this.#dispatch({ type: 'credentials' });
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#offPage();
    this.timers.clearTimeout(this.#armed.retry);
    this.timers.clearTimeout(this.#armed.heartbeat);
    this.#probing?.abort();
    this.failPending('connection-closed');
    this.#drop(1000, 'done');
    this.onClosed?.();
  }

  /** Skips the backoff wait: the page was shown or focused, or the user asked. */
  override retryNow(): void {
    if (!this.#closed) this.#dispatch({ type: 'retry-now' });
  }

  // ------------------------------------------------------------ internals

  #dispatch(event: ConnectionEvent): void {
    if (this.#closed) return;
    const before = this.state;
    const step = transition(before, event, this.#now(), this.#machine);
    const after = (this.state = step.state);
    if (after.status !== 'online') {
      this.#syncing.clear();
      this.#asked.clear();
      this.#onSocket.clear();
      this.#pages.clear();
    }
    for (const effect of step.effects) this.#perform(effect);
    this.announce(before, after);
  }

  #perform(effect: Effect): void {
    switch (effect.type) {
      case 'open':
        return this.#open();
      case 'probe':
        return void this.#ask();
      case 'close':
        return this.#drop(4000, 'dropped');
      case 'wait': {
        const timer = effect.timer;
        this.timers.clearTimeout(this.#armed[timer]);
        this.#armed[timer] = this.timers.setTimeout(() => this.#dispatch({ type: timer === 'retry' ? 'retry' : 'tick' }), effect.ms);
        return;
      }
      case 'cancel':
        return this.timers.clearTimeout(this.#armed[effect.timer]);
      case 'ping':
        return this.#write({ type: 'ping' });
      case 'subscribe-all':
        for (const image of this.images.keys()) this.subscribeNow(image);
        return;
      case 'fail-pending':
        return this.failPending('connection-lost');
    }
  }

  /**
   * Sends `subscribe`, with `since` when every listener of the image holds a position in one epoch.
   * On an image this socket already follows the server answers a `subscribe` only with what the
   * socket missed, never a second snapshot; a new listener (or one that saw a gap) may need more
   * than that, so it is sent as `unsubscribe` then `subscribe`: a new subscription,
   * answered with a replay from `since` or a snapshot (docs/protocol.md).
   */
  protected override subscribeNow(image: string): void {
    if (this.state.status !== 'online') return;
    // A listener with nothing (or another epoch) needs the whole picture: a snapshot, which every listener takes.
    const since = this.since(image);
    this.#syncing.add(image);
    const asked = this.#asked.get(image);
    if (asked) asked.push(since);
    else this.#asked.set(image, [since]);
    if (this.#onSocket.has(image)) this.#write({ type: 'unsubscribe', image });
    this.#write(since ? { type: 'subscribe', image, since } : { type: 'subscribe', image });
    this.#onSocket.add(image);
    if (this.#away.has(image)) this.#write({ type: 'presence', image, here: false });
  }

  /** The server would go on sending it: say so, when there is a socket to say it on (a new one subscribes only what is followed). */
  protected override forget(image: string): void {
    this.#syncing.delete(image);
    this.#asked.delete(image);
    this.#pages.delete(image);
    this.#onSocket.delete(image);
    this.#away.delete(image);
    if (this.state.status === 'online') this.#write({ type: 'unsubscribe', image });
  }

  #open(): void {
    if (this.#closed || this.#socket) return;
    const create = this.#options.createSocket ?? ((url: string) => new WebSocket(url));
    let socket: SocketLike;
    let opened = false;
    // One that never opened may have been refused (unknown tenant, origin not allowed), which a
    // browser cannot read: the next try asks over HTTP first (a probe), and its answer says.
    const lost = () => this.#dispatch({ type: 'lost', reached: opened, visible: this.#page.visible() });
    try {
      socket = create(withTicket(this.url, this.#ticket));
    } catch {
      return lost();
    }
    this.#socket = socket;
    socket.onopen = () => {
      opened = true;
      this.#write(this.#hello());
    };
    socket.onmessage = (ev) => {
      if (this.#socket !== socket) return;
      this.#dispatch({ type: 'heard' });
      if (typeof ev.data === 'string') for (const m of decodeServerFrame(ev.data)) this.#receive(m);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      lost();
    };
    socket.onerror = () => undefined; // a close always follows
  }

  #hello(): ClientMessage {
    // A signed-in user is who the token says: no guest token goes with it.
    const guest = this.#token ? undefined : (this.#storage?.getItem(this.#guestKey) ?? undefined);
    this.#sentGuest = guest !== undefined;
    const { name, readonly } = this.#options;
    return defined({ type: 'hello', token: this.#token || undefined, guest: guest || undefined, name: name || undefined, readonly: readonly || undefined });
  }

  /** Drops the socket without waiting for its close. */
  #drop(code: number, reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
    try {
      socket.close(code, reason);
    } catch {
      /* already closed */
    }
  }

  #receive(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome':
        if (m.guest) this.#storage?.setItem(this.#guestKey, m.guest);
        return this.#dispatch({ type: 'welcome', user: m.user }); // subscribes every image again
      case 'ticket':
        this.#ticket = m.ticket;
        return;
      case 'ack':
        return this.settle(m.broadcastId, m);
      case 'error':
        if (m.broadcastId && this.pending.has(m.broadcastId)) return this.settle(m.broadcastId, ActionError.refused(m));
        if (this.state.status === 'online') return this.notice(m);
        // An error before welcome: a stale guest token is forgotten and retried; anything else is final.
        if (this.#sentGuest && m.code === 'unauthorized') return this.#storage?.removeItem(this.#guestKey); // the server closes; the reconnect says hello without the token
        return this.#dispatch({ type: 'refused', reason: m.message, refusal: factsOf(m) }); // closes the socket
      case 'pong':
        return;
      case 'presence':
      case 'typing':
        // Not held while the image syncs: no seq orders it after the answer, and it is whole in itself.
        return this.ephemeral(m);
      case 'snapshot':
      case 'replay': {
        const answer = m.type === 'snapshot' ? this.#wholeSnapshot(m) : m;
        if (!answer) return;
        this.#syncing.delete(m.image);
        const base = this.#asked.get(m.image)?.shift();
        for (const l of this.listenersOf(m.image)) {
          if (answer.type === 'replay' && base) l(answer, base);
          else l(answer);
        }
        return;
      }
      default:
        // Sent before the server took our subscribe: the snapshot or replay on its way holds it.
        if (this.#syncing.has(m.image)) return;
        for (const l of this.listenersOf(m.image)) l(m);
    }
  }

  /**
   * Gathers a snapshot sent in pages: undefined until its last page, then the pages as one
   * snapshot, so listeners apply it once (one catch-up, events fired once).
   */
  #wholeSnapshot(m: SnapshotMessage): SnapshotMessage | undefined {
    const before = this.#pages.get(m.image);
    // Pages of one snapshot share its epoch and seq; anything else starts a new one.
    const sofar = before && before.epoch === m.epoch && before.seq === m.seq ? before.chats : [];
    const whole: SnapshotMessage = { type: 'snapshot', image: m.image, epoch: m.epoch, seq: m.seq, chats: [...sofar, ...m.chats] };
    if (m.more) return void this.#pages.set(m.image, whole);
    this.#pages.delete(m.image);
    return whole;
  }

  /** The reducer's `probe`: the server's answer decides between a socket now, the next wait, or a final refusal. */
  async #ask(): Promise<void> {
    this.#probing?.abort();
    const probing = new AbortController();
    this.#probing = probing;
    // A server that takes the connection and never answers must not stop the retries.
    const timer = this.timers.setTimeout(() => probing.abort(), PROBE_TIMEOUT);
    const answer = this.#probe ? await this.#probe(withTicket(this.url, this.#ticket), probing.signal) : ({ kind: 'down' } as const);
    this.timers.clearTimeout(timer);
    if (this.#probing !== probing || this.#closed) return;
    this.#probing = undefined;
    if (answer.kind === 'refused') this.#dispatch(defined({ type: 'refused', reason: answer.reason, refusal: answer.refusal }));
    else this.#dispatch({ type: 'probed', ok: answer.kind === 'ok', visible: this.#page.visible() });
  }

  #write(message: ClientMessage): void {
    if (this.#socket?.readyState === 1) this.#socket.send(encodeFrame([message]));
  }
}
