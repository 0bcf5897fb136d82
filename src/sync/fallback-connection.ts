/**
 * A tab's share of the browser's socket that falls back, quietly, to a
 * socket of its own when the browser offers Web Locks and BroadcastChannel
 * but refuses them. Seen in `<iframe sandbox="allow-scripts">` (no
 * `allow-same-origin`): `navigator.locks` is there, yet `request()` rejects
 * with a SecurityError, so the tab would wait for the leader lock, and stay
 * `connecting`, forever. A BroadcastChannel constructor that throws is the
 * same case, found at once.
 *
 * To the element it is one ChatConnection throughout: it keeps what was asked
 * of it (image listeners and their positions, status and notice listeners,
 * the latest sign-in token), and when the shared side fails it closes that
 * side and hands the same to a `Connection` of its own. Nothing is shown: the
 * status goes on from `connecting`, as it would have.
 */
import type { AckMessage, ActionMessage, ErrorMessage } from '../protocol/messages.ts';
import type { ConnectionState, ConnectionStatus } from './state.ts';
import type { ChatConnection, ImageListener, LocksLike, PositionSource } from './types.ts';

interface Subscription {
  readonly image: string;
  readonly listener: ImageListener;
  readonly position: PositionSource | undefined;
  off: () => void;
}

export class FallbackConnection implements ChatConnection {
  onClosed: (() => void) | undefined;
  private inner: ChatConnection;
  private fellBack = false;
  private closed = false;
  private refs = 0;
  private token: string | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statusListeners = new Set<(s: ConnectionState) => void>();
  private readonly noticeListeners = new Set<(e: ErrorMessage) => void>();
  private offInner: (() => void)[] = [];

  /**
   * `shared(locks)`: the tab's share, given locks that report a refusal here;
   * `own(token)`: a socket of this page's own, signed in with the latest token.
   */
  constructor(
    shared: (locks: LocksLike) => ChatConnection,
    private readonly own: (token: string | undefined) => ChatConnection,
    locks: LocksLike,
    token: string | undefined,
  ) {
    this.token = token;
    let inner: ChatConnection;
    try {
      inner = shared(refusalReporting(locks, () => queueMicrotask(() => this.fallBack())));
    } catch {
      // BroadcastChannel refused at construction (or anything else the shared side needs).
      inner = own(token);
      this.fellBack = true;
    }
    this.inner = inner;
    this.attach();
  }

  /** The connection doing the work: the tab's share, or this page's own socket once the browser refused to share (tests, diagnostics). */
  get current(): ChatConnection {
    return this.inner;
  }

  get url(): string {
    return this.inner.url;
  }
  get state(): ConnectionState {
    return this.inner.state;
  }
  get status(): ConnectionStatus {
    return this.inner.status;
  }
  get user() {
    return this.inner.user;
  }

  subscribe(image: string, listener: ImageListener, position?: PositionSource): () => void {
    const sub: Subscription = { image, listener, position, off: this.inner.subscribe(image, listener, position) };
    this.subscriptions.add(sub);
    return () => {
      if (this.subscriptions.delete(sub)) sub.off();
    };
  }

  resync(image: string): void {
    this.inner.resync(image);
  }

  onStatus(listener: (s: ConnectionState) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onNotice(listener: (e: ErrorMessage) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  send(action: ActionMessage): Promise<AckMessage> {
    return this.inner.send(action);
  }

  renew(token: string): void {
    this.token = token;
    this.inner.renew(token);
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs > 0 || this.closed) return;
    this.closed = true;
    for (const off of this.offInner) off();
    this.inner.onClosed = undefined;
    this.inner.release();
    this.onClosed?.();
  }

  /** The shared side was refused: close it and carry on with a socket of our own. */
  private fallBack(): void {
    if (this.fellBack || this.closed) return;
    this.fellBack = true;
    const before = this.inner;
    const state = before.state;
    for (const off of this.offInner) off();
    before.onClosed = undefined;
    before.release();
    this.inner = this.own(this.token);
    for (const sub of this.subscriptions) sub.off = this.inner.subscribe(sub.image, sub.listener, sub.position);
    this.attach();
    if (this.inner.state.status !== state.status) for (const l of [...this.statusListeners]) l(this.inner.state);
  }

  private attach(): void {
    const inner = this.inner.retain();
    this.offInner = [
      inner.onStatus((s) => {
        for (const l of [...this.statusListeners]) l(s);
      }),
      inner.onNotice((e) => {
        for (const l of [...this.noticeListeners]) l(e);
      }),
    ];
  }
}

/**
 * `locks`, reporting a refusal to `refused`: a request that throws, or rejects
 * with anything but the AbortError of our own abort (a closed tab letting go
 * of its place in the queue).
 */
function refusalReporting(locks: LocksLike, refused: () => void): LocksLike {
  return {
    request(name, options, callback) {
      let asked: Promise<unknown>;
      try {
        asked = locks.request(name, options, callback);
      } catch (e) {
        refused();
        return Promise.reject(e);
      }
      return asked.catch((e: unknown) => {
        if (!options.signal?.aborted && (e as { name?: unknown } | null)?.name !== 'AbortError') refused();
        throw e;
      });
    },
  };
}
