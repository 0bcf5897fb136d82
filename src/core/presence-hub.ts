/**
 * Presence and typing on one node (docs/protocol.md, "Presence and typing").
 * Ephemeral: nothing here is stored, carries a `seq` or is replayed.
 *
 * - Viewing = a session subscribed to the image that has not said `here: false`.
 *   Users are counted once however many sockets (tabs, devices) they have.
 * - Each node publishes its own viewers of an image on the image's presence
 *   topic when they change (coalesced) and again every `announceMs`; another
 *   node's list not refreshed for `expireMs` is dropped (a dead node's viewers
 *   disappear). A node that starts following an image asks the others to
 *   announce at once, and one that stops says it has nobody left.
 * - What sockets get is coalesced per image: the first change goes out at once,
 *   later ones at most once per `coalesceMs`, and a socket is sent a list only
 *   when it differs from the last one it got.
 * - A typist is dropped `typingMs` after their last refresh, or when they stop
 *   or leave.
 */
import type { Author, PresenceMessage, TypingMessage, User, Viewer } from '../protocol/messages.ts';
import { MAX_PRESENCE_VIEWERS } from '../protocol/limits.ts';
import { presenceTopicFor } from '../bus/bus.ts';
import type { Bus, Subscription } from '../bus/bus.ts';
import { unref } from './clock.ts';
import type { Clock } from './clock.ts';
import { Coalescer } from './coalescer.ts';
import { readBusMessage, type BusMessage } from './presence-bus.ts';

/** A local socket as presence sees it (a Session). */
export interface PresenceTarget {
  readonly tenant: string;
  readonly user: User | undefined;
  /** Queues an ephemeral message about `image` (already serialised). */
  deliverEphemeral(image: string, json: string): void;
}

export interface PresenceTimings {
  /** Least time between two presence (or typing) frames of one image to a socket (default 1000 ms; 0: one per change). */
  coalesceMs?: number;
  /** How often a node announces its viewers again (default 5000 ms). */
  announceMs?: number;
  /** Another node's viewers are dropped when not announced for this long (default 15000 ms). */
  expireMs?: number;
  /** A typist is dropped this long after their last `typing` (default 5000 ms). */
  typingMs?: number;
}

export interface PresenceHubOptions extends PresenceTimings {
  bus: Bus;
  clock: Clock;
  /** This node's id: its own announcements come back through the bus and are passed over. */
  node: string;
  log: (message: string, error?: unknown) => void;
}

/** A viewer with when they came (ms on the announcing node's clock), for one order on every node. */
interface Seen {
  readonly id: string;
  readonly name: string;
  readonly guest: boolean;
  readonly since: number;
}

interface LocalViewer {
  here: boolean;
  readonly since: number;
  /** The last presence JSON this socket was sent. */
  sent: string | undefined;
  /** When it was sent its list on arrival (on the clock); undefined once a regular round has reached it. */
  arrivedAt: number | undefined;
}

interface Typist {
  readonly user: Author;
  until: number;
  /** The local socket that typed; undefined for another node's typist. */
  readonly target: PresenceTarget | undefined;
}

interface ImageState {
  readonly tenant: string;
  readonly image: string;
  readonly topic: string;
  readonly local: Map<PresenceTarget, LocalViewer>;
  readonly remote: Map<string, { viewers: Seen[]; at: number }>;
  /** chatId → user id → typist. */
  readonly typing: Map<string, Map<string, Typist>>;
  /** chatId → the typing JSON last sent to the sockets. */
  readonly typingSent: Map<string, string>;
  readonly subscription: Subscription;
  /** The next announcement asks the other nodes to announce theirs (this node just started following). */
  ask: boolean;
  typingTimer: unknown;
}

export const DEFAULT_PRESENCE_TIMINGS: Required<PresenceTimings> = { coalesceMs: 1000, announceMs: 5000, expireMs: 15_000, typingMs: 5000 };

export class PresenceHub {
  private readonly images = new Map<string, ImageState>();
  private readonly timings: Required<PresenceTimings>;
  private readonly toSockets: Coalescer;
  private readonly toBus: Coalescer;
  private readonly typingOut: Coalescer;
  private tick: unknown;
  private closed = false;

  constructor(private readonly options: PresenceHubOptions) {
    this.timings = { ...DEFAULT_PRESENCE_TIMINGS, ...definedOnly(options) };
    const { clock } = options;
    this.toSockets = new Coalescer(clock, this.timings.coalesceMs, (topic) => this.sendPresence(topic));
    this.toBus = new Coalescer(clock, this.timings.coalesceMs, (topic) => this.announce(topic));
    this.typingOut = new Coalescer(clock, this.timings.coalesceMs, (key) => this.sendTyping(key));
  }

  /** `target` subscribed to `image`: it views it (and is sent who else does, at once). */
  join(target: PresenceTarget, image: string): void {
    if (this.closed || !target.user) return;
    const topic = presenceTopicFor(target.tenant, image);
    const state = this.images.get(topic) ?? this.open(target.tenant, image, topic);
    if (state.local.has(target)) return;
    const now = this.options.clock.now();
    const viewer: LocalViewer = { here: true, since: now, sent: undefined, arrivedAt: undefined };
    state.local.set(target, viewer);
    this.changed(state);
    viewer.sent = presenceJson(state);
    // Alone is what a client assumes until told otherwise: a lone viewer is sent nothing.
    if (!alone(viewer.sent, target.user)) {
      target.deliverEphemeral(image, viewer.sent);
      viewer.arrivedAt = now;
    }
    for (const chatId of state.typing.keys()) target.deliverEphemeral(image, typingJson(state, chatId));
  }

  leave(target: PresenceTarget, image: string): void {
    const topic = presenceTopicFor(target.tenant, image);
    const state = this.images.get(topic);
    if (!state || !state.local.delete(target)) return;
    for (const [chatId, typists] of state.typing) {
      for (const [id, typist] of typists) if (typist.target === target && !this.typesElsewhere(state, target, id)) this.dropTypist(state, chatId, id);
    }
    if (state.local.size === 0) this.closeImage(state);
    else this.changed(state);
  }

  /** The socket says whether its page is being looked at; false until it says true again. */
  here(target: PresenceTarget, image: string, here: boolean): void {
    const state = this.images.get(presenceTopicFor(target.tenant, image));
    const viewer = state?.local.get(target);
    if (!state || !viewer || viewer.here === here) return;
    viewer.here = here;
    this.changed(state);
  }

  /** `target`'s user is writing in `chatId` (or stopped). */
  typing(target: PresenceTarget, image: string, chatId: string, stop: boolean): void {
    const state = this.images.get(presenceTopicFor(target.tenant, image));
    const user = target.user;
    if (!state || !user || !state.local.has(target)) return;
    const author: Author = { id: user.id, name: user.name };
    this.setTypist(state, chatId, author, stop, target);
    this.publish(state, stop ? { node: this.options.node, kind: 'typing', chatId, user: author, stop: true } : { node: this.options.node, kind: 'typing', chatId, user: author });
  }

  /** Images this node follows for presence (tests, leak checks). */
  get imageCount(): number {
    return this.images.size;
  }

  /** Stops everything: every image's other nodes are told this node has nobody left. */
  close(): void {
    this.closed = true;
    for (const s of [...this.images.values()]) this.closeImage(s);
    this.options.clock.clearTimeout(this.tick);
  }

  // ------------------------------------------------------------ internals

  private open(tenant: string, image: string, topic: string): ImageState {
    const subscription = this.options.bus.subscribe(topic, (payload) => this.receive(topic, payload));
    const state: ImageState = { tenant, image, topic, local: new Map(), remote: new Map(), typing: new Map(), typingSent: new Map(), subscription, ask: false, typingTimer: undefined };
    this.images.set(topic, state);
    // Asked once the subscription is live, so the answers are heard; at once, whatever the interval.
    subscription.ready.then(
      () => {
        if (this.images.get(topic) !== state) return;
        state.ask = true;
        this.announce(topic);
      },
      (e: unknown) => this.images.get(topic) === state && this.options.log(`presence: the bus did not confirm ${topic}`, e),
    );
    if (this.images.size === 1) this.armTick();
    return state;
  }

  private closeImage(state: ImageState): void {
    if (this.images.get(state.topic) !== state) return;
    this.images.delete(state.topic);
    // The other nodes drop this node's viewers now rather than when they expire.
    this.publish(state, { node: this.options.node, kind: 'viewers', viewers: [] });
    state.subscription.unsubscribe();
    this.options.clock.clearTimeout(state.typingTimer);
    this.toSockets.forget(state.topic);
    this.toBus.forget(state.topic);
    for (const chatId of state.typing.keys()) this.typingOut.forget(typingKey(state.topic, chatId));
  }

  private changed(state: ImageState): void {
    this.toSockets.mark(state.topic);
    this.toBus.mark(state.topic);
  }

  private sendPresence(topic: string): void {
    const state = this.images.get(topic);
    if (!state) return;
    const json = presenceJson(state);
    const now = this.options.clock.now();
    let deferred = false;
    for (const [target, viewer] of state.local) {
      if (viewer.sent === json) continue;
      // Sent its list on arrival less than an interval ago: this change waits for the next round. (Only
      // arrivals: a round's own timer may fire a hair early by the wall clock, and must not skip anyone.)
      if (viewer.arrivedAt !== undefined && now - viewer.arrivedAt < this.timings.coalesceMs) {
        deferred = true;
        continue;
      }
      viewer.arrivedAt = undefined;
      viewer.sent = json;
      target.deliverEphemeral(state.image, json);
    }
    if (deferred) this.toSockets.mark(topic);
  }

  private announce(topic: string): void {
    const state = this.images.get(topic);
    if (!state) return;
    const viewers = localViewers(state).map((v): [string, string, 0 | 1, number] => [v.id, v.name, v.guest ? 1 : 0, v.since]);
    const ask = state.ask;
    state.ask = false;
    this.publish(state, ask ? { node: this.options.node, kind: 'viewers', viewers, ask: true } : { node: this.options.node, kind: 'viewers', viewers });
  }

  private publish(state: ImageState, message: BusMessage): void {
    try {
      this.options.bus.publishVolatile(state.topic, JSON.stringify(message));
    } catch (e) {
      this.options.log(`presence: publishing on ${state.topic} failed`, e);
    }
  }

  private receive(topic: string, payload: string): void {
    const state = this.images.get(topic);
    const m = readBusMessage(payload);
    if (!state || !m || m.node === this.options.node) return;
    if (m.kind === 'typing') {
      this.setTypist(state, m.chatId, m.user, m.stop === true, undefined);
      return;
    }
    if (m.viewers.length === 0) state.remote.delete(m.node);
    else state.remote.set(m.node, { viewers: m.viewers.map(([id, name, guest, since]) => ({ id, name, guest: guest === 1, since })), at: this.options.clock.now() });
    // A node that just started following is answered with ours at once (well, within the interval).
    if (m.ask) this.toBus.mark(topic);
    this.toSockets.mark(topic);
  }

  /** Every `announceMs`: each image's viewers again, and other nodes' lists that were not refreshed dropped. */
  private armTick(): void {
    this.options.clock.clearTimeout(this.tick);
    // Unref'd, like the feeds' timers: presence alone never keeps a process running.
    this.tick = unref(this.options.clock.setTimeout(() => {
      const now = this.options.clock.now();
      for (const state of this.images.values()) {
        this.announce(state.topic);
        let dropped = false;
        for (const [node, entry] of state.remote) if (now - entry.at >= this.timings.expireMs) dropped = state.remote.delete(node);
        if (dropped) this.toSockets.mark(state.topic);
      }
      if (this.images.size > 0 && !this.closed) this.armTick();
    }, this.timings.announceMs));
  }

  private setTypist(state: ImageState, chatId: string, user: Author, stop: boolean, target: PresenceTarget | undefined): void {
    if (stop) return this.dropTypist(state, chatId, user.id);
    let typists = state.typing.get(chatId);
    if (!typists) state.typing.set(chatId, (typists = new Map()));
    const until = this.options.clock.now() + this.timings.typingMs;
    const known = typists.get(user.id);
    if (known && known.user.name === user.name) known.until = until;
    else {
      typists.set(user.id, { user, until, target });
      this.typingOut.mark(typingKey(state.topic, chatId));
    }
    this.armTypingExpiry(state);
  }

  private dropTypist(state: ImageState, chatId: string, userId: string): void {
    if (!state.typing.get(chatId)?.delete(userId)) return;
    this.typingOut.mark(typingKey(state.topic, chatId));
  }

  private typesElsewhere(state: ImageState, left: PresenceTarget, userId: string): boolean {
    for (const target of state.local.keys()) if (target !== left && target.user?.id === userId) return true;
    return false;
  }

  private armTypingExpiry(state: ImageState): void {
    const clock = this.options.clock;
    clock.clearTimeout(state.typingTimer);
    state.typingTimer = undefined;
    let first = Infinity;
    for (const typists of state.typing.values()) for (const t of typists.values()) first = Math.min(first, t.until);
    if (first === Infinity) return;
    state.typingTimer = unref(clock.setTimeout(() => {
      state.typingTimer = undefined;
      if (this.images.get(state.topic) !== state) return;
      const now = clock.now();
      for (const [chatId, typists] of state.typing) for (const [id, t] of typists) if (t.until <= now) this.dropTypist(state, chatId, id);
      this.armTypingExpiry(state);
    }, Math.max(0, first - clock.now())));
  }

  private sendTyping(key: string): void {
    const cut = key.indexOf('\u0000');
    const state = this.images.get(key.slice(0, cut));
    const chatId = key.slice(cut + 1);
    if (!state) return;
    const json = typingJson(state, chatId);
    const typing = (state.typing.get(chatId)?.size ?? 0) > 0;
    if (state.typingSent.get(chatId) === json || (!typing && !state.typingSent.has(chatId))) return;
    if (typing) state.typingSent.set(chatId, json);
    else {
      state.typing.delete(chatId);
      state.typingSent.delete(chatId);
      this.typingOut.forget(key);
    }
    for (const target of state.local.keys()) target.deliverEphemeral(state.image, json);
  }
}

/** Is this presence JSON "nobody but `user`" (or nobody at all)? */
function alone(json: string, user: User): boolean {
  const m = JSON.parse(json) as PresenceMessage;
  return m.count === 0 || (m.count === 1 && m.viewers[0]?.id === user.id);
}

/** The distinct users viewing on this node, earliest first. */
function localViewers(state: ImageState): Seen[] {
  const byId = new Map<string, Seen>();
  for (const [target, viewer] of state.local) {
    const user = target.user;
    if (!viewer.here || !user) continue;
    const known = byId.get(user.id);
    if (!known || viewer.since < known.since) byId.set(user.id, { id: user.id, name: user.name, guest: user.kind === 'guest', since: viewer.since });
  }
  return [...byId.values()];
}

/** Every node's viewers, each user once (their earliest arrival), earliest first, ties by id. */
function presenceJson(state: ImageState): string {
  const byId = new Map<string, Seen>();
  const add = (v: Seen) => {
    const known = byId.get(v.id);
    if (!known || v.since < known.since) byId.set(v.id, v);
  };
  for (const v of localViewers(state)) add(v);
  for (const { viewers } of state.remote.values()) for (const v of viewers) add(v);
  const all = [...byId.values()].sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const viewers = all.slice(0, MAX_PRESENCE_VIEWERS).map((v): Viewer => (v.guest ? { id: v.id, name: v.name, guest: true } : { id: v.id, name: v.name }));
  const message: PresenceMessage = { type: 'presence', image: state.image, count: all.length, viewers };
  return JSON.stringify(message);
}

function typingJson(state: ImageState, chatId: string): string {
  const users = [...(state.typing.get(chatId)?.values() ?? [])].map((t) => t.user);
  const message: TypingMessage = { type: 'typing', image: state.image, chatId, users };
  return JSON.stringify(message);
}

/** NUL cannot appear in a topic (JSON escapes it) nor a chat id. */
function typingKey(topic: string, chatId: string): string {
  return `${topic}\u0000${chatId}`;
}

function definedOnly(timings: PresenceTimings): PresenceTimings {
  return Object.fromEntries(Object.entries({ coalesceMs: timings.coalesceMs, announceMs: timings.announceMs, expireMs: timings.expireMs, typingMs: timings.typingMs }).filter(([, v]) => v !== undefined));
}
