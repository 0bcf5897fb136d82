/**
 * The leader tab's relay: while this tab holds the leader lock it owns the
 * one socket (a `Connection`) and serves every tab over the channel. Loaded
 * only where tabs share: by the first tab when a second one says hello (it
 * hands over its live socket, its own elements stay on it: `LocalTab`), and
 * with the follower side (a follower that takes over serves itself too, over
 * an in-process channel).
 *
 * - Subscriptions are counted per image across tabs: the socket follows an
 *   image while any tab does. A tab joining an image the socket already
 *   follows makes it subscribe again from the lowest position any tab holds,
 *   so the answer is a consistent start for the newcomer; the others skip
 *   what they already applied.
 * - Each tab's position is what it reported, moved on by what the leader
 *   posted since (`trackPosition`), so a reconnect asks for exactly what the
 *   slowest tab is missing.
 * - Server messages for an image are posted once; acks and errors go to the
 *   tab that sent the action.
 * - A tab's retry after a failover (`resend`) waits for the socket to be
 *   welcomed instead of being refused; the server answers a repeated
 *   broadcastId with the original ack and stores nothing twice.
 */
import type { ActionMessage, SeqPosition } from '../protocol/messages.ts';
import type { Connection } from './connection.ts';
import type { ConnectionState } from './state.ts';
import { trackPosition, tabLockName, type LeaderMessage, type TabMessage } from './tab-protocol.ts';
import { ActionError, lowestPosition, type ChannelLike, type ErrorReport, type ImageMessage, type LocksLike } from './types.ts';

interface Tab {
  /** The images this tab follows, with where the leader believes it is. */
  readonly images: Map<string, SeqPosition | undefined>;
  /** The images this tab said it is away from (presence). */
  readonly away: Set<string>;
  /** Aborts the wait on the tab's lock (the tab said bye, or we stopped leading). */
  readonly watch: AbortController;
}

/**
 * The leader's own tab where its elements use the socket directly: the first tab, alone when it
 * took the lock, before it loaded this relay. The socket serves its subscriptions as its own
 * listeners; only whether it views an image is counted here, with the other tabs'.
 */
export interface LocalTab {
  follows(image: string): boolean;
  isAway(image: string): boolean;
}

export class Leader {
  private readonly tabs = new Map<string, Tab>();
  /** Images the socket follows → how to stop following. */
  private readonly followed = new Map<string, () => void>();
  /** Retries after a failover, waiting for the socket to be welcomed. */
  #held: { tab: string; action: ActionMessage }[] = [];
  /** Tabs that said someone can see them: the socket retries at the visible pace while there is one. */
  readonly #visibleTabs = new Set<string>();
  #stopped = false;

  /**
   * `connection`: the socket, made to see the page as visible while `someTabVisible` (page-signals.ts
   * `seenAlsoBy`), maybe online already. `local`: the leader's own tab, when it uses the socket directly.
   */
  readonly #local: LocalTab | undefined;
  readonly #locks: LocksLike;
  readonly #channel: ChannelLike;

  constructor(
    readonly id: string,
    readonly connection: Connection,
    channel: ChannelLike,
    locks: LocksLike,
    local?: LocalTab,
  ) {
    this.#channel = channel;
    this.#locks = locks;
    this.#local = local;
    this.connection.onStatus((state) => this.#statusChanged(state));
    this.connection.onNotice((error) => this.#post({ kind: 'notice', error }));
    channel.onmessage = (ev: MessageEvent) => this.#receive(ev.data as TabMessage | LeaderMessage);
    this.#post({ kind: 'leader', leader: id });
    this.#post({ kind: 'status', leader: id, state: this.connection.state });
  }

  /** How many tabs the leader serves (tests, diagnostics). */
  get tabCount(): number {
    return this.tabs.size;
  }

  /** Someone can see one of the tabs served: the socket retries at the visible pace. */
  get someTabVisible(): boolean {
    return this.#visibleTabs.size > 0;
  }

  /** The local tab said it views `image` or not, or stopped following it. */
  localHereChanged(image: string): void {
    if (this.followed.has(image)) this.#updateHere(image);
    else if (this.#local) this.connection.here(image, !this.#local.isAway(image));
  }

  /** Stops leading: the socket closes, nothing more is posted (the next leader takes the tabs' retries). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const tab of this.tabs.values()) tab.watch.abort();
    this.tabs.clear();
    this.#held = [];
    this.connection.close();
    this.#channel.onmessage = null;
    this.#channel.close();
  }

  #receive(m: TabMessage | LeaderMessage): void {
    if (this.#stopped) return;
    switch (m.kind) {
      case 'hello':
        return this.#post({ kind: 'status', leader: this.id, state: this.connection.state });
      case 'subscribe':
        return this.#subscribe(m.tab, m.image, m.since);
      case 'unsubscribe': {
        this.tabs.get(m.tab)?.images.delete(m.image);
        this.tabs.get(m.tab)?.away.delete(m.image);
        return this.#unfollowIfUnused(m.image);
      }
      case 'action':
        return this.#act(m.tab, m.action, m.resend === true);
      case 'bye':
        return this.#forget(m.tab);
      case 'token':
        return this.connection.renew(m.token);
      case 'retry':
        return this.connection.retryNow();
      case 'here': {
        const tab = this.#tabOf(m.tab);
        if (m.here) tab.away.delete(m.image);
        else tab.away.add(m.image);
        return this.#updateHere(m.image);
      }
      case 'typing':
        return this.connection.typing(m.image, m.chatId, m.stop);
      case 'visible':
        if (!m.visible) return void this.#visibleTabs.delete(m.tab);
        this.#tabOf(m.tab);
        this.#visibleTabs.add(m.tab);
        return;
      default:
        // Another leader's message: only while a stale one is still on its way out. Nothing to do.
        return;
    }
  }

  #subscribe(tabId: string, image: string, since: SeqPosition | undefined): void {
    const tab = this.#tabOf(tabId);
    tab.images.set(image, since);
    if (this.followed.has(image)) {
      this.connection.refresh(image);
      return;
    }
    const off = this.connection.subscribe(
      image,
      (message, base) => this.#fanOut(image, message, base),
      () => lowestPosition(this.#positionsOf(image)),
    );
    const offEphemeral = this.connection.onEphemeral(image, (message) => this.#post({ kind: 'ephemeral', message }));
    this.followed.set(image, () => (off(), offEphemeral()));
    this.#updateHere(image);
  }

  /** The socket views the image while any tab following it does (one browser is one viewer anyway). */
  #updateHere(image: string): void {
    if (!this.followed.has(image)) return;
    let here = this.#local?.follows(image) === true && !this.#local.isAway(image);
    for (const tab of this.tabs.values()) if (tab.images.has(image) && !tab.away.has(image)) here = true;
    this.connection.here(image, here);
  }

  #fanOut(image: string, message: ImageMessage, base?: SeqPosition): void {
    for (const tab of this.tabs.values()) {
      if (tab.images.has(image)) tab.images.set(image, trackPosition(tab.images.get(image), message, base));
    }
    this.#post(base ? { kind: 'image', image, message, base } : { kind: 'image', image, message });
  }

  *#positionsOf(image: string): Iterable<SeqPosition | undefined> {
    for (const tab of this.tabs.values()) if (tab.images.has(image)) yield tab.images.get(image);
  }

  #unfollowIfUnused(image: string): void {
    for (const tab of this.tabs.values()) if (tab.images.has(image)) return this.#updateHere(image);
    this.followed.get(image)?.();
    this.followed.delete(image);
    // The socket still follows it for the local tab: that tab's word alone counts again.
    if (this.#local?.follows(image)) this.connection.here(image, !this.#local.isAway(image));
  }

  #tabOf(id: string): Tab {
    let tab = this.tabs.get(id);
    if (tab) return tab;
    tab = { images: new Map(), away: new Set(), watch: new AbortController() };
    this.tabs.set(id, tab);
    // The tab holds its own lock while it lives; we get it only once the tab is gone (closed or crashed).
    this.#locks
      .request(tabLockName(id), { signal: tab.watch.signal }, () => this.#forget(id))
      .catch(() => undefined);
    return tab;
  }

  #forget(id: string): void {
    const tab = this.tabs.get(id);
    if (!tab) return;
    this.tabs.delete(id);
    this.#visibleTabs.delete(id);
    tab.watch.abort();
    this.#held = this.#held.filter((h) => h.tab !== id);
    for (const image of tab.images.keys()) this.#unfollowIfUnused(image);
  }

  #act(tab: string, action: ActionMessage, resend: boolean): void {
    this.#tabOf(tab);
    if (this.connection.status !== 'online') {
      if (resend) this.#held.push({ tab, action });
      else this.#answer(tab, action.broadcastId, ActionError.local('not-online').report);
      return;
    }
    let sent;
    try {
      sent = this.connection.send(action);
    } catch (e) {
      this.#answer(tab, action.broadcastId, errorOf(e));
      return;
    }
    sent.then(
      (ack) => {
        if (!this.#stopped) this.#post({ kind: 'result', tab, broadcastId: action.broadcastId, ack });
      },
      (e: unknown) => this.#answer(tab, action.broadcastId, errorOf(e)),
    );
  }

  #answer(tab: string, broadcastId: string, error: ErrorReport): void {
    // A leader that stopped says nothing: the tab sends its action to the next leader once.
    if (!this.#stopped) this.#post({ kind: 'result', tab, broadcastId, error });
  }

  #statusChanged(state: ConnectionState): void {
    if (this.#stopped) return;
    this.#post({ kind: 'status', leader: this.id, state });
    if (state.status === 'online') {
      const held = this.#held;
      this.#held = [];
      for (const { tab, action } of held) this.#act(tab, action, false);
    } else if (state.status === 'offline') {
      const held = this.#held;
      this.#held = [];
      for (const { tab, action } of held) this.#answer(tab, action.broadcastId, ActionError.local('connection-lost').report);
    }
  }

  #post(message: LeaderMessage): void {
    if (!this.#stopped) this.#channel.postMessage(message);
  }
}

/** What the tab is told: the error's facts (the server's reason and numbers, or ours) and its English sentence. */
function errorOf(e: unknown): ErrorReport {
  return e instanceof ActionError ? e.report : { code: 'unavailable', message: e instanceof Error ? e.message : String(e) };
}
