/**
 * What the sync layer's parts share: the injected factories (socket, timers,
 * storage, channel, locks), the options, the one interface an element talks
 * to (`ChatConnection`, implemented by the socket driver and by the tab side
 * of a shared socket), and the action error.
 */
import type {
  AckMessage,
  ActionMessage,
  ChatEvent,
  ErrorCode,
  ErrorFacts,
  ErrorMessage,
  ErrorReason,
  PresenceMessage,
  ReplayMessage,
  SeqPosition,
  SnapshotMessage,
  TypingMessage,
  User,
} from '../protocol/messages.ts';
import type { BackoffOptions, ConnectionState, ConnectionStatus, HeartbeatOptions } from './state.ts';
import type { PageSignals } from './page-signals.ts';
import type { Probe } from './probe.ts';

/** What a socket must offer; the browser WebSocket does. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What a BroadcastChannel must offer (tests may pass their own). */
export interface ChannelLike {
  onmessage: ((ev: MessageEvent) => unknown) | null;
  postMessage(message: unknown): void;
  close(): void;
}

/** The part of the Web Locks API we use (`navigator.locks`). */
export interface LocksLike {
  /** `ifAvailable`: the callback gets null at once when another holds the lock (never with `signal`). */
  request(name: string, options: { signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: unknown) => unknown): Promise<unknown>;
}

/** Loads the code a tab needs only once it shares the socket with another tab (tab-connection.ts). */
export interface TabCode {
  /** The relay, for the tab holding the socket when a second tab says hello. */
  relay(): Promise<typeof import('./leader.ts')>;
  /** The follower side, for a tab that found another tab holding the socket. */
  follower(): Promise<typeof import('./follower.ts')>;
}

export interface ConnectionOptions {
  /** Guest display name sent in hello. */
  readonly name?: string;
  /** SSO token (`user-token`): sent in hello instead of the guest token. */
  readonly token?: string;
  /** View only: the server gives this connection a read-only identity (the element's `readonly`). */
  readonly readonly?: boolean;
  readonly createSocket?: (url: string) => SocketLike;
  readonly timers?: Timers;
  /** The clock the reducer reads (default Date.now). */
  readonly now?: () => number;
  readonly random?: () => number;
  /** Where the guest token is kept (default localStorage); null to keep none. */
  readonly storage?: KeyValueStorage | null;
  readonly backoff?: BackoffOptions;
  readonly offlineAfter?: number;
  /** Online this long resets the backoff (default 10 s). */
  readonly stableAfter?: number;
  /** How long an action waits for its ack before failing. */
  readonly ackTimeout?: number;
  /** Ping and dead-connection timing (see state.ts DEFAULT_OPTIONS); 0 or null = none. */
  readonly heartbeat?: HeartbeatOptions | 0 | null;
  /** Whether the browser says it is online at start (default navigator.onLine). */
  readonly online?: boolean;
  /** The page's visibility and its online/offline/visible/focus signals (default the browser's). */
  readonly page?: PageSignals;
  /** Asks the server over HTTP (default: a fetch of the socket URL, unless `createSocket` is given); null: never. */
  readonly probe?: Probe | null;
  /** Opens a BroadcastChannel (default the browser's); null = absent: this tab keeps a socket of its own. */
  readonly channels?: ((name: string) => ChannelLike) | null;
  /** The Web Locks API (default navigator.locks); null = absent: this tab keeps a socket of its own. */
  readonly locks?: LocksLike | null;
  /** Loads the relay and the follower side (default: their chunks, by dynamic import). */
  readonly tabCode?: TabCode;
  /** The `/embed` page's ticket, sent as the socket URL's `ticket` parameter (the server renews it: `ticket` messages). */
  readonly ticket?: string;
}

/** The position a listener holds for its image, used as `since` when (re)subscribing. */
export type PositionSource = () => SeqPosition | undefined;

export type ImageMessage = SnapshotMessage | ReplayMessage | ChatEvent;

/** Who views an image, who types in one of its conversations: ephemeral, no seq, never cached. */
export type EphemeralImageMessage = PresenceMessage | TypingMessage;
export type EphemeralListener = (message: EphemeralImageMessage) => void;

/**
 * Hears one image's snapshots, replays and events. `base` comes with a
 * replay: the `since` it answers, so a listener can tell whether the replay
 * starts at or below its own position.
 */
export type ImageListener = (message: ImageMessage, base?: SeqPosition) => void;

/** What an element needs from its connection, whether it owns the socket or shares another tab's. */
export interface ChatConnection {
  /** The socket URL (server and tenant): part of the cache key. */
  readonly url: string;
  readonly state: ConnectionState;
  readonly status: ConnectionStatus;
  readonly user: User | undefined;
  subscribe(image: string, listener: ImageListener, position?: PositionSource): () => void;
  resync(image: string): void;
  onStatus(listener: (s: ConnectionState) => void): () => void;
  onNotice(listener: (e: ErrorMessage) => void): () => void;
  /** Hears who views `image` and who types in its conversations (while it is subscribed). */
  onEphemeral(image: string, listener: EphemeralListener): () => void;
  /**
   * Whether this page (tab) is being looked at, for `image`: the socket tells the server it is away
   * only when every tab following the image says so. Subscribing implies here.
   */
  here(image: string, here: boolean): void;
  /** This user writes in `chatId` (`stop`: no longer). Fire and forget: dropped when not online. */
  typing(image: string, chatId: string, stop: boolean): void;
  send(action: ActionMessage): Promise<AckMessage>;
  /**
   * A fresh sign-in token for the same user: sent as a new `hello` on the open
   * socket (subscriptions and actions in flight stay) and used for every later
   * hello; a connection refused for its old token tries again with it.
   */
  renew(token: string): void;
  /** Tries to connect now instead of at the end of the backoff wait (the banner's "Retry now"); nothing while online or without a network. */
  retryNow(): void;
  retain(): this;
  release(): void;
  /** Called once when the connection closes for good (the registry forgets it). */
  onClosed: (() => void) | undefined;
}

/**
 * Why the client itself failed an action or gave up a connection, beside the
 * server's `ErrorReason`s (docs/protocol.md, "Error reasons"): the widget words
 * both; the English constants below stay for logs.
 */
export type LocalReason =
  /** Not online when the action was made: it was not sent (NOT_ONLINE_MESSAGE). */
  | 'not-online'
  /** Sent, and no answer came in time (ACK_TIMEOUT_MESSAGE). */
  | 'ack-timeout'
  /** The element let go of the connection with the action unanswered (CLOSED_MESSAGE). */
  | 'connection-closed'
  /** The connection was lost (or refused) before the answer came (LOST_MESSAGE). */
  | 'connection-lost'
  /** The tab holding the shared connection closed twice before the answer came (tab-protocol.ts RESEND_LOST_MESSAGE). */
  | 'tab-closed'
  /** The element's `server` is not an address (a connection refusal, never an action's). */
  | 'bad-server-address';

/** An error's facts, the server's or the client's own: code, which refusal, its numbers. */
export type ActionFacts = Omit<ErrorFacts, 'reason'> & { readonly reason?: ErrorReason | LocalReason };

/** What the element hears of an error: its facts and the English sentence (for logs, or until it is worded). */
export type ErrorReport = ActionFacts & { readonly message: string };

/** The object without its undefined members: a message or a state says only what it holds. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The facts of a server `error` (or anything shaped like one), without its other fields. */
export function factsOf({ code, reason, retryAfter, limit }: ActionFacts): ActionFacts {
  return defined({ code, reason, retryAfter, limit });
}

/** An action that failed: refused by the server, or not sent / not confirmed. `facts` say which, for a sentence. */
export class ActionError extends Error {
  readonly facts: ActionFacts;

  constructor(
    readonly code: ErrorCode,
    message: string,
    facts: Omit<ActionFacts, 'code'> = {},
  ) {
    super(message);
    this.name = 'ActionError';
    this.facts = factsOf({ ...facts, code });
  }

  /** The server's refusal of an action. */
  static refused(m: ErrorMessage): ActionError {
    return new ActionError(m.code, m.message, factsOf(m));
  }

  /** The client's own failure, with its English sentence. */
  static local(reason: keyof typeof LOCAL_MESSAGES): ActionError {
    return new ActionError('unavailable', LOCAL_MESSAGES[reason], { reason });
  }

  /** The facts with the sentence, as the element hears them (and as the tab channel carries them). */
  get report(): ErrorReport {
    return { ...this.facts, message: this.message };
  }
}

export const NOT_ONLINE_MESSAGE = 'You are not connected, so this was not sent. Try again when back online.';
export const ACK_TIMEOUT_MESSAGE = 'The server did not confirm this in time.';
export const CLOSED_MESSAGE = 'The connection was closed.';
export const LOST_MESSAGE = 'The connection was lost before the server confirmed this.';

/** The sentences of the failures every page can have; a shared socket's own (`tab-closed`) loads with its code. */
const LOCAL_MESSAGES: Record<Exclude<LocalReason, 'bad-server-address' | 'tab-closed'>, string> = {
  'not-online': NOT_ONLINE_MESSAGE,
  'ack-timeout': ACK_TIMEOUT_MESSAGE,
  'connection-closed': CLOSED_MESSAGE,
  'connection-lost': LOST_MESSAGE,
};

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as number),
};

/** `http(s)://host[/prefix]` → `ws(s)://host[/prefix]/ws?tenant=ID`. */
export function socketUrl(server: string, tenant: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + '/ws';
  url.search = '';
  url.hash = '';
  url.searchParams.set('tenant', tenant);
  return url.href;
}

/** The socket URL with the `/embed` page's ticket as its `ticket` parameter (none: unchanged). */
export function withTicket(url: string, ticket: string | undefined): string {
  if (!ticket) return url;
  const u = new URL(url);
  u.searchParams.set('ticket', ticket);
  return u.href;
}

/**
 * The lowest position among listeners of one image, as `since`: undefined
 * (ask for a snapshot, which every listener takes) when one holds nothing or
 * the positions are in different epochs.
 */
export function lowestPosition(positions: Iterable<SeqPosition | undefined>): SeqPosition | undefined {
  let since: SeqPosition | undefined;
  for (const p of positions) {
    if (!p || (since && since.epoch !== p.epoch)) return undefined;
    if (!since || p.seq < since.seq) since = p;
  }
  return since && { epoch: since.epoch, seq: since.seq };
}
