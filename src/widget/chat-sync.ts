/**
 * The element's link to the shared connection: holds one image's chat-list
 * state, turns server messages into state and events, and sends actions
 * optimistically (shown at once, confirmed by the ack, rolled back on error:
 * chat-actions.ts, which the element hands it once its parts have arrived).
 * Paints from the IndexedDB cache first and subscribes from the cached
 * position; a live event that skips a seq makes it catch up (`resync`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ActionMessage, Author, Change, Chat, ChatEvent, PresenceMessage, User } from '../protocol/messages.ts';
import { acquireConnection } from '../sync/registry.ts';
import { sameSubject } from '../sync/shared-key.ts';
import { defined, factsOf, type ChatConnection, type EphemeralImageMessage, type ErrorReport, type ImageMessage } from '../sync/types.ts';
import { readCache, writeCache, type CacheKey } from '../sync/cache.ts';
import { INITIAL_STATE, type ConnectionState, type ConnectionStatus } from '../sync/state.ts';
import {
  EMPTY_CHAT_LIST,
  applyCached,
  applyEvent,
  applySnapshot,
  snapshotChanges,
  eventFit,
  isOwnEcho,
  markLoaded,
  positionOf,
  toCached,
  view,
  type ChatListState,
  type ChatView,
} from './chat-list.ts';

export type ChangeKind = 'created' | 'updated' | 'deleted';

const KINDS = ['created', 'updated', 'deleted'] as const;

/** An action as its method makes it: the image and the broadcastId are added by `act`. */
export type ActionMade = ActionMessage extends infer A ? (A extends ActionMessage ? Omit<A, 'image' | 'broadcastId'> : never) : never;

export interface SyncCallbacks {
  status(status: ConnectionStatus, state: ConnectionState): void;
  /** A conversation was created/updated/deleted; `tempId` is the optimistic id a created one had. */
  change(kind: ChangeKind, chat: Chat, local: boolean, tempId?: string): void;
  /**
   * An error to show: `message` is the English log line (for an action, prefixed with what was not
   * done); `report` its facts (code, reason, retryAfter, limit), its own English `message`, and for an
   * action which one failed: the element words it in the reader's language (i18n/error-text.ts).
   */
  error(code: string, message: string, report: SyncErrorReport): void;
}

/** An error's facts as the element hears them (docs/protocol.md, "Error reasons"). */
export type SyncErrorReport = ErrorReport & { readonly action?: ActionMessage['type'] };

export interface SyncTarget {
  readonly server: string;
  readonly tenant: string;
  readonly name: string | undefined;
  readonly image: string;
  /** SSO token (`user-token`). */
  readonly token?: string | undefined;
  /** The element's `readonly`: the server gives the connection a read-only identity. */
  readonly readonly?: boolean;
}


export class ChatSync implements ReactiveController {
  list: ChatListState = EMPTY_CHAT_LIST;
  chats: ChatView[] = [];
  status: ConnectionStatus = 'connecting';
  /** The whole connection state: why not online, and when the next try is (the banner shows both). */
  state: ConnectionState = INITIAL_STATE;
  /** Who else views the image (ephemeral: never cached); undefined until told, and while not online. */
  presence: PresenceMessage | undefined;
  /** Who types in each conversation (the server's lists), while online. */
  readonly typists = new Map<string, readonly Author[]>();
  /** This page told the server it is away from the image (kept across reconnects and image changes). */
  #away = false;
  /** Acting on the conversations (chat-actions.ts): it comes with the parts; nothing is sent before. */
  acting: typeof import('./chat-actions.ts') | undefined;
  // Read by chat-actions.ts:
  connection: ChatConnection | undefined;
  target: SyncTarget | undefined;
  /** One more each time the target changes: an answer for an earlier one is ignored. */
  generation = 0;
  #cleanup: (() => void)[] = [];
  #cacheKey: CacheKey | undefined;
  /** The cache is written a moment after the last change, not on every event of a burst. */
  #cacheTimer: ReturnType<typeof setTimeout> | undefined;
  /** Delay before writing the cache (tests may shorten it). */
  static cacheDelay = 150;

  readonly on: SyncCallbacks;
  readonly #host: ReactiveControllerHost;

  constructor(
    host: ReactiveControllerHost,
    on: SyncCallbacks,
  ) {
    this.#host = host;
    this.on = on;
    host.addController(this);
  }

  get user(): User | undefined {
    return this.connection?.user;
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  /** Connects to the target (no-op when unchanged); an empty image id means nothing to show. */
  connect(target: SyncTarget): void {
    const t = this.target;
    if (t && this.connection && t.server === target.server && t.tenant === target.tenant && t.name === target.name && t.image === target.image && !!t.readonly === !!target.readonly) {
      if (t.token === target.token) return;
      // A fresh token for the same user renews the sign-in on the open socket: nothing is dropped.
      if (sameSubject(t.token, target.token)) {
        this.connection.renew(target.token!);
        this.target = target;
        return;
      }
    }
    this.disconnect();
    if (!target.image) return;
    let connection: ChatConnection;
    try {
      connection = acquireConnection(target.server, target.tenant, defined({ name: target.name || undefined, token: target.token || undefined, readonly: target.readonly || undefined }));
    } catch {
      this.#setState({
        status: 'offline',
        attempt: 0,
        reason: `"${target.server}" is not a server address.`,
        refusal: { code: 'invalid', reason: 'bad-server-address' },
        retry: false,
        network: false,
        socket: false,
      });
      return;
    }
    this.target = target;
    this.connection = connection;
    // A reload or a closed tab must not lose the last moments of the cache.
    const onHide = () => this.#flushCache();
    globalThis.addEventListener?.('pagehide', onHide);
    this.#cleanup = [
      connection.onStatus((s) => this.#setState(s)),
      connection.onNotice((e) => this.on.error(e.code, e.message, { ...factsOf(e), message: e.message })),
      () => globalThis.removeEventListener?.('pagehide', onHide),
    ];
    this.#setState(connection.state);
    // Cache first (a few ms), then subscribe: the cached position is the first subscribe's `since`.
    const generation = this.generation;
    const key: CacheKey = [connection.url, target.image];
    this.#cacheKey = key;
    void readCache(key).then((cached) => {
      if (generation !== this.generation) return;
      if (cached && !this.list.loaded) this.setList(applyCached(this.list, cached));
      this.#cleanup.push(
        connection.subscribe(target.image, (m) => this.#receive(m), () => positionOf(this.list)),
        connection.onEphemeral(target.image, (m) => this.#ephemeral(m)),
      );
      if (this.#away) connection.here(target.image, false);
    });
  }

  disconnect(): void {
    this.#flushCache();
    this.generation++;
    for (const off of this.#cleanup) off();
    this.#cleanup = [];
    this.connection?.release();
    this.connection = undefined;
    this.target = undefined;
    this.list = EMPTY_CHAT_LIST;
    this.chats = [];
    this.presence = undefined;
    this.typists.clear();
    this.#host.requestUpdate();
  }

  /** Whether this page is looked at (presence): the server stops counting it while it is not. */
  here(here: boolean): void {
    this.#away = !here;
    if (this.target) this.connection?.here(this.target.image, here);
  }

  /** This user writes in `chatId` (`stop`: no longer). */
  typing(chatId: string, stop: boolean): void {
    if (this.target && this.status === 'online') this.connection?.typing(this.target.image, chatId, stop);
  }

  /** `refused`, if given, hears the reason (and its facts) when the server refuses the action after it was sent. */
  create(x: number, y: number, text: string, refused?: RefusedAction): SyncErrorReport | undefined {
    // The page it was started on, for the site owner's dashboard; its hash stays in the browser (often a token).
    return this.#act({ type: 'create-image-chat', x, y, text, page: location.href.split('#')[0]! }, refused);
  }

  update(chatId: string, change: Change, refused?: RefusedAction): SyncErrorReport | undefined {
    return this.#act({ type: 'update-image-chat', chatId, change }, refused);
  }

  remove(chatId: string): SyncErrorReport | undefined {
    return this.#act({ type: 'delete-image-chat', chatId });
  }

  /** Tries to connect now instead of waiting out the backoff ("Retry now"). */
  retryNow(): void {
    this.connection?.retryNow();
  }

  #setState(state: ConnectionState): void {
    this.state = state;
    if (state.status !== 'online') {
      // Whoever was there may have left meanwhile: nothing is shown until the server says again.
      this.presence = undefined;
      this.typists.clear();
    }
    if (state.status === this.status) {
      // A renewed sign-in (another name, role or read-only flag), a new reason or retry time to show.
      this.#host.requestUpdate();
      return;
    }
    this.status = state.status;
    this.on.status(state.status, state);
    this.#host.requestUpdate();
  }

  setList(list: ChatListState): void {
    this.list = list;
    this.chats = (this.acting?.viewWithPending ?? view)(list);
    this.#host.requestUpdate();
  }

  #ephemeral(m: EphemeralImageMessage): void {
    if (m.type === 'presence') this.presence = m;
    else if (m.users.length > 0) this.typists.set(m.chatId, m.users);
    else this.typists.delete(m.chatId);
    this.#host.requestUpdate();
  }

  #receive(m: ImageMessage): void {
    if (m.type === 'snapshot') {
      const changes = snapshotChanges(this.list, m);
      this.setList(applySnapshot(this.list, m));
      for (const kind of KINDS) for (const chat of changes[kind]) this.on.change(kind, chat, false);
    } else if (m.type === 'replay') {
      // In order, each once: those at or below our seq are skipped by receiveEvent.
      for (const e of m.events) if (!this.#receiveEvent(e)) return;
      this.setList(markLoaded(this.list));
    } else if (!this.#receiveEvent(m)) {
      return;
    }
    this.#scheduleCache();
  }

  /** Applies one event in seq order; on a gap asks the connection to catch up and returns false. */
  #receiveEvent(e: ChatEvent): boolean {
    const fit = eventFit(this.list, e);
    if (fit === 'old') return true;
    if (fit === 'gap') {
      if (this.target) this.connection?.resync(this.target.image);
      return false;
    }
    const own = isOwnEcho(this.list, e);
    const id = e.type === 'new-image-chat' ? e.chat.id : e.chatId;
    const before = this.list.confirmed.get(id)?.chat;
    const seqBefore = this.list.seq;
    this.setList(applyEvent(this.list, e));
    if (own || (this.list.seq === seqBefore && e.seq <= seqBefore)) return true;
    if (e.type === 'deleted-image-chat') {
      if (before) this.on.change('deleted', before, false);
    } else {
      const after = this.list.confirmed.get(id)?.chat;
      if (after) this.on.change(e.type === 'new-image-chat' ? 'created' : 'updated', after, false);
    }
    return true;
  }

  #scheduleCache(): void {
    if (this.#cacheTimer !== undefined) return;
    this.#cacheTimer = setTimeout(() => this.#flushCache(), ChatSync.cacheDelay);
  }

  /** Writes the confirmed state as it is now (never pending actions). */
  #flushCache(): void {
    if (this.#cacheTimer === undefined) return;
    clearTimeout(this.#cacheTimer);
    this.#cacheTimer = undefined;
    const value = toCached(this.list);
    if (this.#cacheKey && value && (this.list.loaded || this.list.cached)) void writeCache(this.#cacheKey, value);
  }

  #act(made: ActionMade, refused?: RefusedAction): SyncErrorReport | undefined {
    // The element asks for an action only once the parts, and with them `acting`, are here.
    return this.acting!.act(this, made, refused);
  }
}

/** Hears why an action the server refused (or that never got there) failed: the English sentence and its facts. */
export type RefusedAction = (reason: string, report: SyncErrorReport) => void;
