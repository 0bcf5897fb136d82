/**
 * What both ChatConnections keep the same way: the socket driver
 * (connection.ts) and a tab's side of the shared socket (tab-connection.ts).
 * The listeners of each image with their positions, the status and notice
 * listeners, the actions awaiting their ack, and the registry's reference
 * count. A base class rather than a member both hold: most of it is the
 * ChatConnection surface itself (`status`, `user`, `subscribe`, `onStatus`,
 * `retain`…), which a member would make each class forward again, line for
 * line.
 *
 * What differs is left to the two hooks: how an image is subscribed
 * (`subscribeNow`) and what forgetting it takes (`forget`).
 */
import type { AckMessage, ActionMessage, ErrorMessage, SeqPosition, User } from '../protocol/messages.ts';
import { INITIAL_STATE, type ConnectionState, type ConnectionStatus } from './state.ts';
import { ActionError, lowestPosition, type ChatConnection, type EphemeralImageMessage, type EphemeralListener, type ImageListener, type PositionSource, type Timers } from './types.ts';

/** An action sent and not yet answered. */
export interface PendingAction {
  resolve(ack: AckMessage): void;
  reject(error: ActionError): void;
  /** Fails it when no answer comes in time. */
  timer: unknown;
}

/** Listeners that may come and go while they hear: each value goes to a copy of the set. */
export class Listeners<T> extends Set<(value: T) => void> {
  /** Adds one; returns how to remove it. */
  on(listener: (value: T) => void): () => void {
    this.add(listener);
    return () => this.delete(listener);
  }

  emit(value: T): void {
    for (const l of [...this]) l(value);
  }
}

/** `P`: what a subclass keeps of each unanswered action (the tab side also keeps what it needs to resend it). */
export abstract class ConnectionBase<P extends PendingAction = PendingAction> implements ChatConnection {
  abstract readonly url: string;
  state: ConnectionState = INITIAL_STATE;
  onClosed: (() => void) | undefined;
  /** Each followed image's listeners, with where each one is (its `since`). */
  protected readonly images = new Map<string, Map<ImageListener, PositionSource | undefined>>();
  /** Unanswered actions by broadcastId: the answer finds its action by it. */
  protected readonly pending = new Map<string, P>();
  readonly #statusListeners = new Listeners<ConnectionState>();
  readonly #noticeListeners = new Listeners<ErrorMessage>();
  readonly #ephemeralListeners = new Map<string, Listeners<EphemeralImageMessage>>();
  #refs = 0;

  constructor(protected readonly timers: Timers) {}

  get status(): ConnectionStatus {
    return this.state.status;
  }

  get user(): User | undefined {
    return this.state.status === 'online' ? this.state.user : undefined;
  }

  /**
   * Listen to one image's snapshots, replays and events; subscribes it (again
   * for each new listener). `position` tells where the listener is, so the
   * server can answer with just the events after it.
   */
  subscribe(image: string, listener: ImageListener, position?: PositionSource): () => void {
    let listeners = this.images.get(image);
    if (!listeners) this.images.set(image, (listeners = new Map()));
    listeners.set(listener, position);
    this.subscribeNow(image);
    return () => {
      const current = this.images.get(image);
      if (!current?.delete(listener) || current.size > 0) return;
      this.images.delete(image);
      this.forget(image);
    };
  }

  onStatus(listener: (s: ConnectionState) => void): () => void {
    return this.#statusListeners.on(listener);
  }

  /** Errors the server sent that belong to no action. */
  onNotice(listener: (e: ErrorMessage) => void): () => void {
    return this.#noticeListeners.on(listener);
  }

  onEphemeral(image: string, listener: EphemeralListener): () => void {
    let listeners = this.#ephemeralListeners.get(image);
    if (!listeners) this.#ephemeralListeners.set(image, (listeners = new Listeners()));
    listeners.add(listener);
    return () => {
      const current = this.#ephemeralListeners.get(image);
      if (current?.delete(listener) && current.size === 0) this.#ephemeralListeners.delete(image);
    };
  }

  /** Registry bookkeeping: see acquireConnection / release. */
  retain(): this {
    this.#refs++;
    return this;
  }

  release(): void {
    if (--this.#refs < 1) this.close();
  }

  abstract resync(image: string): void;
  abstract send(action: ActionMessage): Promise<AckMessage>;
  abstract renew(token: string): void;
  abstract retryNow(): void;
  abstract here(image: string, here: boolean): void;
  abstract typing(image: string, chatId: string, stop: boolean): void;
  /** Closes for good; the last `release` calls it. */
  abstract close(): void;

  /** Asks for the image's snapshot or replay now (a new listener, a gap, a new socket or leader). */
  protected abstract subscribeNow(image: string): void;
  /** The image's last listener went: stop following it. */
  protected abstract forget(image: string): void;

  /** The lowest position the image's listeners hold, as `since`; undefined asks for a snapshot. */
  protected since(image: string): SeqPosition | undefined {
    return lowestPosition([...(this.images.get(image)?.values() ?? [])].map((position) => position?.()));
  }

  /** A copy, so a listener that unsubscribes while hearing does not upset the loop. */
  protected listenersOf(image: string): ImageListener[] {
    return [...(this.images.get(image)?.keys() ?? [])];
  }

  /** Status listeners hear about changes they can see (a renewed sign-in's user included), not every heartbeat. */
  protected announce(before: ConnectionState, after: ConnectionState): void {
    if (seen(after) !== seen(before)) this.#statusListeners.emit(after);
  }

  /** Presence or typing for an image: to its ephemeral listeners, only while the image is followed. */
  protected ephemeral(message: EphemeralImageMessage): void {
    if (this.images.has(message.image)) this.#ephemeralListeners.get(message.image)?.emit(message);
  }

  protected notice(error: ErrorMessage): void {
    this.#noticeListeners.emit(error);
  }

  /** Answers an action once: a late ack after a timeout, or a second answer, finds nothing. */
  protected settle(broadcastId: string, outcome: AckMessage | ActionError): void {
    const p = this.pending.get(broadcastId);
    if (!p) return;
    this.pending.delete(broadcastId);
    this.timers.clearTimeout(p.timer);
    if (outcome instanceof ActionError) p.reject(outcome);
    else p.resolve(outcome);
  }

  /** Every unanswered action fails (lost or closed: nothing will answer them). */
  protected failPending(reason: 'connection-lost' | 'connection-closed'): void {
    for (const id of [...this.pending.keys()]) this.settle(id, ActionError.local(reason));
  }
}

/**
 * What a status listener can see of a state: a new retry time too (the banner counts down to it).
 * Fields a status lacks read as undefined; an online state's user stands for its attempt, which
 * changes only with its status (a connecting one's is always 0).
 */
function seen(state: ConnectionState): string {
  const { status, attempt, reason, retry, retryAt, user } = state as Partial<Extract<ConnectionState, { status: 'offline' }> & Extract<ConnectionState, { status: 'online' }>>;
  return JSON.stringify([status, user ?? attempt, reason, retry, retryAt]);
}
