/**
 * One WebSocket per (server, tenant) shared by every <image-chat> on the page.
 * Says hello, subscribes images (again after every reconnect: each answered by
 * a fresh snapshot), reconnects with capped exponential backoff and jitter,
 * and routes acks and errors to the action that caused them by broadcastId.
 * Actions are never queued: `send` throws at once when not online.
 */
import type {
  AckMessage,
  ActionMessage,
  ClientMessage,
  ErrorCode,
  ErrorMessage,
  ServerMessage,
  SnapshotMessage,
  ReplayMessage,
  ChatEvent,
  User,
} from '../protocol/messages.ts';
import { decodeServerFrame, encodeFrame } from '../protocol/decode.ts';
import {
  INITIAL_STATE,
  backoffDelay,
  transition,
  type BackoffOptions,
  type ConnectionEvent,
  type ConnectionState,
  type ConnectionStatus,
} from './state.ts';

export type { ConnectionState, ConnectionStatus } from './state.ts';

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

export interface ConnectionOptions {
  /** Guest display name sent in hello. */
  readonly name?: string;
  readonly createSocket?: (url: string) => SocketLike;
  readonly timers?: Timers;
  readonly random?: () => number;
  /** Where the guest token is kept (default localStorage); null to keep none. */
  readonly storage?: KeyValueStorage | null;
  readonly backoff?: BackoffOptions;
  readonly offlineAfter?: number;
  /** How long an action waits for its ack before failing. */
  readonly ackTimeout?: number;
  /** Ping interval while online; a socket silent for two intervals is dropped. 0 = none. */
  readonly heartbeat?: number;
}

export type ImageMessage = SnapshotMessage | ReplayMessage | ChatEvent;

/** An action that failed: refused by the server, or not sent / not confirmed. */
export class ActionError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

export const NOT_ONLINE_MESSAGE = 'You are not connected, so this was not sent. Try again when back online.';

interface Pending {
  resolve(ack: AckMessage): void;
  reject(error: ActionError): void;
  timer: unknown;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as number),
};

function defaultStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

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

export class Connection {
  readonly url: string;
  state: ConnectionState = INITIAL_STATE;
  private socket: SocketLike | undefined;
  private retryTimer: unknown;
  private heartbeatTimer: unknown;
  private heardSincePing = true;
  private sentGuest = false;
  private closed = false;
  private refs = 0;
  private readonly images = new Map<string, Set<(m: ImageMessage) => void>>();
  private readonly statusListeners = new Set<(s: ConnectionState) => void>();
  private readonly noticeListeners = new Set<(e: ErrorMessage) => void>();
  private readonly pending = new Map<string, Pending>();
  private readonly timers: Timers;
  private readonly offNetwork: () => void;

  constructor(
    url: string,
    private readonly guestKey: string,
    private readonly options: ConnectionOptions = {},
  ) {
    this.url = url;
    this.timers = options.timers ?? defaultTimers;
    const onOnline = () => this.retryNow();
    const onOffline = () => this.dispatch({ type: 'network-offline' });
    globalThis.addEventListener?.('online', onOnline);
    globalThis.addEventListener?.('offline', onOffline);
    this.offNetwork = () => {
      globalThis.removeEventListener?.('online', onOnline);
      globalThis.removeEventListener?.('offline', onOffline);
    };
    this.open();
  }

  get status(): ConnectionStatus {
    return this.state.status;
  }

  get user(): User | undefined {
    return this.state.status === 'online' ? this.state.user : undefined;
  }

  /** Listen to one image's snapshots and events; subscribes it (again for each new listener). */
  subscribe(image: string, listener: (m: ImageMessage) => void): () => void {
    let set = this.images.get(image);
    if (!set) this.images.set(image, (set = new Set()));
    set.add(listener);
    if (this.state.status === 'online') this.write({ type: 'subscribe', image });
    return () => {
      const current = this.images.get(image);
      if (!current?.delete(listener) || current.size > 0) return;
      this.images.delete(image);
      if (this.state.status === 'online') this.write({ type: 'unsubscribe', image });
    };
  }

  onStatus(listener: (s: ConnectionState) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Errors the server sent that belong to no action. */
  onNotice(listener: (e: ErrorMessage) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /**
   * Sends an action now. Throws an ActionError('unavailable') at once when not
   * online (nothing is queued); the promise settles with the ack, or rejects with
   * the server's error, a timeout, or the connection being lost first.
   */
  send(action: ActionMessage): Promise<AckMessage> {
    if (this.state.status !== 'online' || !this.socket) throw new ActionError('unavailable', NOT_ONLINE_MESSAGE);
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = this.timers.setTimeout(
        () => this.settle(action.broadcastId, new ActionError('unavailable', 'The server did not confirm this in time.')),
        this.options.ackTimeout ?? 15_000,
      );
      this.pending.set(action.broadcastId, { resolve, reject, timer });
      this.write(action);
    });
  }

  /** Registry bookkeeping: see acquireConnection / release. */
  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs > 0) return;
    registry.delete(this.guestKey);
    this.close();
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  close(): void {
    this.closed = true;
    this.offNetwork();
    this.timers.clearTimeout(this.retryTimer);
    this.timers.clearTimeout(this.heartbeatTimer);
    this.failPending('The connection was closed.');
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
      socket.close(1000, 'done');
    }
  }

  /** Skips the backoff wait (used when the browser comes back online). */
  retryNow(): void {
    if (this.closed || this.socket || (this.state.status === 'offline' && !this.state.retry)) return;
    this.timers.clearTimeout(this.retryTimer);
    this.open();
  }

  // ------------------------------------------------------------ internals

  private dispatch(event: ConnectionEvent): void {
    const before = this.state;
    this.state = transition(before, event, { offlineAfter: this.options.offlineAfter ?? 4 });
    const after = this.state;
    if (after.status !== 'online') {
      this.timers.clearTimeout(this.heartbeatTimer);
      this.failPending('The connection was lost before the server confirmed this.');
      if (event.type === 'network-offline' && this.socket) this.dropSocket();
      if (after.status === 'reconnecting' || (after.status === 'offline' && after.retry)) {
        this.timers.clearTimeout(this.retryTimer);
        const delay = backoffDelay(after.attempt, this.options.random ?? Math.random, this.options.backoff ?? { base: 500, cap: 30_000 });
        this.retryTimer = this.timers.setTimeout(() => this.open(), delay);
      }
    }
    if (after !== before) for (const l of [...this.statusListeners]) l(after);
  }

  private open(): void {
    if (this.closed || this.socket) return;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    let socket: SocketLike;
    try {
      socket = create(this.url);
    } catch {
      this.dispatch({ type: 'lost' });
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const storage = this.options.storage === undefined ? defaultStorage() : this.options.storage;
      const guest = storage?.getItem(this.guestKey) ?? undefined;
      this.sentGuest = guest !== undefined;
      this.write({ type: 'hello', ...(guest ? { guest } : {}), ...(this.options.name ? { name: this.options.name } : {}) });
    };
    socket.onmessage = (ev) => {
      this.heardSincePing = true;
      if (typeof ev.data === 'string') for (const m of decodeServerFrame(ev.data)) this.receive(m);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.dispatch({ type: 'lost' });
    };
    socket.onerror = () => undefined; // a close always follows
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
    try {
      socket.close(4000, 'dropped');
    } catch {
      /* already closed */
    }
  }

  private receive(m: ServerMessage): void {
    switch (m.type) {
      case 'welcome': {
        const storage = this.options.storage === undefined ? defaultStorage() : this.options.storage;
        if (m.guest) storage?.setItem(this.guestKey, m.guest);
        this.dispatch({ type: 'welcome', user: m.user });
        for (const image of this.images.keys()) this.write({ type: 'subscribe', image });
        this.beat();
        return;
      }
      case 'ack':
        return this.settle(m.broadcastId, m);
      case 'error':
        if (m.broadcastId && this.pending.has(m.broadcastId)) {
          return this.settle(m.broadcastId, new ActionError(m.code, m.message));
        }
        if (this.state.status !== 'online') return this.helloRefused(m);
        for (const l of [...this.noticeListeners]) l(m);
        return;
      case 'pong':
        return;
      default:
        for (const l of [...(this.images.get(m.image) ?? [])]) l(m);
    }
  }

  /** An error before welcome: a stale guest token is forgotten and retried; anything else is final. */
  private helloRefused(m: ErrorMessage): void {
    const storage = this.options.storage === undefined ? defaultStorage() : this.options.storage;
    if (this.sentGuest && m.code === 'unauthorized') {
      storage?.removeItem(this.guestKey);
      return; // the server closes; the reconnect says hello without the token
    }
    this.dropSocket();
    this.dispatch({ type: 'refused', reason: m.message });
  }

  private settle(broadcastId: string, outcome: AckMessage | ActionError): void {
    const p = this.pending.get(broadcastId);
    if (!p) return;
    this.pending.delete(broadcastId);
    this.timers.clearTimeout(p.timer);
    if (outcome instanceof ActionError) p.reject(outcome);
    else p.resolve(outcome);
  }

  private failPending(message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new ActionError('unavailable', message));
  }

  private beat(): void {
    const every = this.options.heartbeat ?? 25_000;
    if (!every) return;
    this.timers.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = this.timers.setTimeout(() => {
      if (this.state.status !== 'online') return;
      if (!this.heardSincePing) {
        this.dropSocket();
        this.dispatch({ type: 'lost' });
        return;
      }
      this.heardSincePing = false;
      this.write({ type: 'ping' });
      this.beat();
    }, every);
  }

  private write(message: ClientMessage): void {
    if (this.socket?.readyState === 1) this.socket.send(encodeFrame([message]));
  }
}

const registry = new Map<string, Connection>();

/**
 * The page's connection to (server, tenant), made on first use and shared;
 * call `release()` once per acquire — the last release closes it.
 * The first caller's options (e.g. the guest name) win.
 */
export function acquireConnection(server: string, tenant: string, options: ConnectionOptions = {}): Connection {
  const url = socketUrl(server, tenant);
  const key = `image-chat:guest:${url}`;
  let connection = registry.get(key);
  if (!connection) registry.set(key, (connection = new Connection(url, key, options)));
  return connection.retain();
}

/** How many shared connections are open (for tests and diagnostics). */
export function openConnectionCount(): number {
  return registry.size;
}
