/**
 * One client connection: parses its frames, answers in order, and batches
 * what it sends. Knows nothing of sockets beyond SocketLike, so it runs the
 * same under `ws`, in tests, or behind any other transport.
 */
import type {
  AckMessage,
  ActionMessage,
  ChatEvent,
  EphemeralMessage,
  ErrorReason,
  HelloMessage,
  SeqPosition,
  ServerMessage,
  SubscribeMessage,
  User,
} from '../protocol/messages.ts';
import { parseClientFrame } from '../protocol/parse.ts';
import type { Parsed } from '../protocol/parse.ts';
import { MAX_FRAME_BYTES } from '../protocol/limits.ts';
import { StoreError } from '../store/store.ts';
import type { Applied, RefusalFacts, SnapshotPage } from '../store/store.ts';
import type { Identified } from './identity.ts';
import { SIGN_IN_EXPIRED } from './sso.ts';
import { MAX_TIMER_MS } from './clock.ts';
import type { Clock } from './clock.ts';
import type { Metrics } from './metrics.ts';
import type { OutgoingMessage, UsageRecorder } from './usage.ts';
import type { Outgoing, Timed } from './timings.ts';

export interface SocketLike {
  /** `written`, when the transport calls it, wakes a session waiting for the socket to drain (ws does). */
  send(data: string, written?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount?: number;
}

export interface Connection {
  /** One text frame from the client. */
  receive(text: string): void;
  /** The client sent a binary frame: refused, the protocol is JSON text. */
  receiveBinary(): void;
  /** The transport closed: forget the session. */
  close(): void;
}

/** What a session needs from the core (kept narrow so the two can be read apart). */
export interface SessionHost {
  readonly metrics: Metrics;
  readonly usage: UsageRecorder;
  readonly limits: {
    readonly maxSubscriptions: number;
    readonly maxBufferedBytes: number;
    readonly maxPending: number;
    /** How long a socket may take to drain before the next page of a large answer (else 1013). */
    readonly drainTimeoutMs: number;
  };
  /** When a sign-in ends is judged, and its timer armed, on this clock. */
  readonly clock: Clock;
  /** The image's snapshot, a page at a time from one consistent read (Store.snapshotPages). */
  snapshotPages(tenant: string, image: string): AsyncIterable<SnapshotPage>;
  /** The events after `since`, or null when only a snapshot can bring the client up to date. */
  eventsSince(tenant: string, image: string, since: SeqPosition): Promise<ChatEvent[] | null>;
  /** Who this hello makes the connection (SSO, guest, read-only) or why it is refused. */
  identify(tenant: string, hello: HelloMessage): Promise<Identified>;
  /** Checks the tenant's rules (read-only, limits), stores, acks via `stored`, broadcasts; rejects with StoreError. */
  act(tenant: string, action: ActionMessage, actor: User, stored: (applied: Applied) => void, ip?: string): Promise<void>;
  /**
   * A `presence` or `typing` frame of a session subscribed to its image: the tenant's switch, the
   * read-only rule and the rate limit, then presence. Resolves with a refusal to send, or nothing.
   */
  ephemeral(session: Session, message: EphemeralMessage): Promise<StoreError | undefined>;
  /** The session was answered for a new subscription: it views the image now (presence). */
  viewing(session: Session, image: string): void;
  /** Resolves once the image's live events reach this session (see ChatCore.join). */
  join(session: Session, image: string): Promise<void>;
  leave(session: Session, image: string): void;
  ended(session: Session): void;
  log(message: string, error?: unknown): void;
}

interface Subscription {
  /** Events at or below this seq are already in what the client has. */
  floor: number;
  /** Events that arrive while the snapshot is being read; null once live. */
  held: { seq: number; json: string; timed: Timed | undefined }[] | null;
  heldBytes: number;
  /** What this socket was sent of the image: its answer's epoch and the highest seq since; unset until answered. */
  position: SeqPosition | undefined;
}

/** Outgoing frames are never built past this: queued messages are joined up to it, a larger one goes alone. */
export const MAX_OUT_FRAME_BYTES = 1024 * 1024;
/** A snapshot larger than this is sent as several `snapshot` messages (`more: true` on all but the last). */
export const SNAPSHOT_MESSAGE_BYTES = 256 * 1024;
/** A replay larger than this is not sent: a new subscription gets the (paged) snapshot instead. */
export const REPLAY_MAX_BYTES = MAX_OUT_FRAME_BYTES;
/** The next page of a large answer is queued once the socket holds no more than this unsent. */
const DRAIN_LOW_WATER = SNAPSHOT_MESSAGE_BYTES;
/** How often a socket that does not say when it has written (test fakes) is looked at again while draining. */
const DRAIN_POLL_MS = 10;

export class Session implements Connection {
  user: User | undefined;
  private readonly subs = new Map<string, Subscription>();
  private outbox: (Outgoing & OutgoingMessage)[] = [];
  private outboxBytes = 0;
  /** Bytes of the last page of a large answer: sent on purpose, they do not count as falling behind. */
  private pageAllowance = 0;
  /** Wakes a wait for the socket to drain (a frame was written, or the session ended). */
  private wakeDrain: (() => void) | undefined;
  private flushScheduled = false;
  private ended = false;
  private closeAfterFlush: { code: number; reason: string } | undefined;
  /** Messages are handled one after another so replies keep the order of requests. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Shutting down: messages received from now on are refused; those already received still finish. */
  private draining = false;
  /** When the SSO sign-in ends (ms since the epoch); undefined for guests. */
  private expiresAt: number | undefined;
  private expiryTimer: unknown;

  constructor(
    private readonly host: SessionHost,
    private readonly socket: SocketLike,
    readonly tenant: string,
    readonly ip?: string,
  ) {}

  receive(text: string): void {
    const receivedAt = performance.now();
    if (this.ended || this.closeAfterFlush) return;
    // The transport enforces this too (ws maxPayload); a UTF-16 unit is at most 3 bytes.
    if (text.length > MAX_FRAME_BYTES / 3 && Buffer.byteLength(text) > MAX_FRAME_BYTES) {
      this.end(1009, 'frame too large');
      return;
    }
    for (const entry of parseClientFrame(text)) this.enqueue(entry, receivedAt);
  }

  receiveBinary(): void {
    if (this.ended || this.closeAfterFlush) return;
    this.enqueue({ ok: false, message: 'text frames only', facts: { reason: 'invalid-message' } }, performance.now());
  }

  close(): void {
    this.end();
  }

  /** A broadcast for one of this session's images (called by the core's fan-out). */
  deliver(image: string, seq: number, json: string, timed?: Timed): void {
    const sub = this.subs.get(image);
    if (!sub || this.ended) return;
    if (sub.held) {
      sub.held.push({ seq, json, timed });
      sub.heldBytes += json.length;
      // Held until a slow socket has taken a large snapshot: bounded like everything else it is owed.
      if (sub.heldBytes > this.host.limits.maxBufferedBytes) this.end(1013, 'client is not keeping up');
      return;
    }
    // Only the answer moves the floor: a networked bus may deliver two nodes' events out of order.
    if (seq <= sub.floor) return;
    this.queue(json, image, timed);
    if (sub.position && seq > sub.position.seq) sub.position = { epoch: sub.position.epoch, seq };
  }

  /**
   * Presence or typing for one of this session's images (presence-hub.ts): queued at once, even
   * while the image's snapshot is being read (it carries no seq, so nothing orders it after one).
   */
  deliverEphemeral(image: string, json: string): void {
    if (this.ended || !this.subs.has(image)) return;
    this.queue(json, image);
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Closes the socket and forgets the session; safe to call more than once. */
  end(code?: number, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.host.clock.clearTimeout(this.expiryTimer);
    this.outbox = [];
    this.outboxBytes = 0;
    this.wakeDrain?.();
    for (const image of this.subs.keys()) this.host.leave(this, image);
    this.subs.clear();
    this.host.ended(this);
    try {
      this.socket.close(code, reason);
    } catch (e) {
      this.host.log('closing a socket failed', e);
    }
  }

  /**
   * Shutdown: refuses what arrives from now on, lets every message already
   * received finish (an action being stored gets its ack), sends what is
   * queued, then closes with `code`. Resolves once the close is asked for.
   */
  async drain(code: number, reason: string): Promise<void> {
    this.draining = true;
    await this.tail;
    if (this.ended) return;
    if (this.outbox.length > 0) this.flush();
    this.end(code, reason);
  }

  private enqueue(entry: Parsed, receivedAt: number): void {
    if (this.draining) {
      // Not stored, and said so with its broadcastId: the client may send it again to the next node.
      const broadcastId = entry.ok ? broadcastIdOf(entry.message) : entry.broadcastId;
      this.error('unavailable', 'the server is restarting: try again in a moment', { reason: 'restarting' }, broadcastId);
      return;
    }
    if (this.pending >= this.host.limits.maxPending) {
      const broadcastId = entry.ok ? broadcastIdOf(entry.message) : entry.broadcastId;
      this.error('rate-limited', 'too many messages waiting: slow down', { reason: 'queue-full' }, broadcastId);
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => this.handle(entry, receivedAt))
      .catch((e: unknown) => this.fault(e, undefined))
      .finally(() => this.pending--);
  }

  private async handle(entry: Parsed, receivedAt: number): Promise<void> {
    if (this.ended || this.closeAfterFlush) return;
    if (!entry.ok) return this.error('invalid', entry.message, entry.facts, entry.broadcastId);
    const m = entry.message;
    if (m.type === 'hello') return this.hello(m);
    if (!this.user) return this.error('unauthorized', 'say hello first', { reason: 'hello-missing' }, broadcastIdOf(m));
    // The timer may run late on a loaded machine: nothing is accepted past the sign-in's end.
    if (this.signInExpired()) return this.expire();
    switch (m.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'subscribe':
        return this.subscribe(m);
      case 'unsubscribe':
        if (this.subs.delete(m.image)) this.host.leave(this, m.image);
        return;
      case 'presence':
      case 'typing':
        return this.ephemeral(m);
      default:
        return this.act(m, this.user, receivedAt);
    }
  }

  /**
   * The first hello signs the connection in. A later one with a fresh `token`
   * renews the sign-in on the same connection (subscriptions and actions in
   * flight stay): it must be valid and for the same user; a refused renewal
   * leaves the working sign-in as it was, unless that one has ended.
   */
  private async hello(m: HelloMessage): Promise<void> {
    const renewing = this.user !== undefined;
    if (renewing && (m.token === undefined || this.user!.kind !== 'user')) {
      return this.error('invalid', 'hello was already said on this connection: only a fresh sign-in token (same user) may follow', { reason: 'hello-repeated' });
    }
    const who = await this.host.identify(this.tenant, m);
    if (this.ended || this.closeAfterFlush) return;
    if ('refused' in who) {
      if (renewing && !this.signInExpired()) {
        return this.error('unauthorized', `the new sign-in token was not accepted: ${who.refused}`, { reason: 'sign-in-renewal-refused' });
      }
      return this.refuse(who.refused, who.reason);
    }
    if (renewing && who.user.id !== this.user!.id) {
      return this.error('forbidden', 'this sign-in token is for another user: a connection keeps its user (open another connection to switch)', {
        reason: 'sign-in-other-user',
      });
    }
    this.user = who.user;
    this.armExpiry(who.expiresAt);
    this.send(who.guest === undefined ? { type: 'welcome', user: who.user } : { type: 'welcome', user: who.user, guest: who.guest });
  }

  /** design.md: a refused or ended sign-in is an error, then the connection closes (4401, like HTTP 401). */
  private refuse(message: string, reason: ErrorReason): void {
    this.error('unauthorized', message, { reason });
    this.closeAfterFlush = { code: 4401, reason: 'unauthorized' };
  }

  private signInExpired(): boolean {
    return this.expiresAt !== undefined && this.host.clock.now() >= this.expiresAt;
  }

  private expire(): void {
    if (!this.ended && !this.closeAfterFlush) this.refuse(SIGN_IN_EXPIRED, 'sign-in-expired');
  }

  /** Closes the connection when the sign-in ends (in steps past setTimeout's longest delay). */
  private armExpiry(at: number | undefined): void {
    const clock = this.host.clock;
    clock.clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiresAt = at;
    if (at === undefined) return;
    this.expiryTimer = clock.setTimeout(
      () => (clock.now() >= at ? this.expire() : this.armExpiry(at)),
      Math.max(0, Math.min(at - clock.now(), MAX_TIMER_MS)),
    );
  }

  private async subscribe(m: SubscribeMessage): Promise<void> {
    const followed = this.subs.get(m.image);
    if (followed) return this.catchUp(m, followed);
    const max = this.host.limits.maxSubscriptions;
    if (this.subs.size >= max) {
      return this.error('rate-limited', `at most ${max} images per connection: unsubscribe from one first`, { reason: 'too-many-images', limit: max });
    }
    const sub: Subscription = { floor: 0, held: [], heldBytes: 0, position: undefined };
    this.subs.set(m.image, sub);
    // Join before reading (the bus has confirmed once this resolves), holding events meanwhile,
    // so none falls between snapshot (or replay) and live.
    await this.host.join(this, m.image);
    // A replay is exactly the events after `since`; when the store cannot give them (another epoch,
    // a trimmed log, too many) the client gets the whole picture instead.
    await this.answer(m.image, sub, async () => (m.since && (await this.sendReplay(m.image, m.since))) || this.sendSnapshot(m.image, sub));
    // After the answer, so a client reads what the image holds before who else views it.
    if (!this.ended && this.subs.get(m.image) === sub) this.host.viewing(this, m.image);
  }

  /**
   * Subscribing to an image this socket already follows (a client catching up on a gap, or a
   * hostile one asking again and again): it is answered with what it missed, never a second
   * snapshot. That is the events after `since` when the store can replay them, else the
   * events after what this socket was already sent (usually none).
   */
  private async catchUp(m: SubscribeMessage, sub: Subscription): Promise<void> {
    sub.held ??= [];
    await this.answer(m.image, sub, async () => {
      const reached = (m.since && (await this.sendReplay(m.image, m.since))) || (sub.position && (await this.sendReplay(m.image, sub.position)));
      // Only when the image's history was reset under a live socket (or its log trimmed past it).
      return reached || this.sendSnapshot(m.image, sub);
    });
  }

  /**
   * Runs `send` (which sends a replay or a snapshot and says where it brought the client), then
   * lets the events held meanwhile follow, those the answer already holds dropped by the floor.
   */
  private async answer(image: string, sub: Subscription, send: () => Promise<SeqPosition | undefined>): Promise<void> {
    let reached: SeqPosition | undefined;
    try {
      reached = await send();
    } catch (e) {
      if (this.subs.get(image) === sub && sub.position === undefined) {
        this.subs.delete(image);
        this.host.leave(this, image);
      } else if (this.subs.get(image) === sub) {
        this.release(image, sub);
      }
      throw e;
    }
    if (!reached || this.ended || this.subs.get(image) !== sub) return;
    sub.floor = reached.seq;
    sub.position = reached;
    this.release(image, sub);
  }

  private release(image: string, sub: Subscription): void {
    const held = sub.held ?? [];
    sub.held = null;
    sub.heldBytes = 0;
    for (const { seq, json, timed } of held) this.deliver(image, seq, json, timed);
  }

  /** Sends the events after `since` as one replay, if the store can give them exactly and they fit a frame. */
  private async sendReplay(image: string, since: SeqPosition): Promise<SeqPosition | undefined> {
    const events = await this.host.eventsSince(this.tenant, image, since);
    if (!events) return undefined;
    const parts: string[] = [];
    let bytes = 0;
    for (const event of events) {
      const json = JSON.stringify(event);
      bytes += Buffer.byteLength(json) + 1;
      if (bytes > REPLAY_MAX_BYTES) return undefined;
      parts.push(json);
    }
    this.queue(`{"type":"replay","image":${JSON.stringify(image)},"events":[${parts.join(',')}]}`, image);
    this.host.metrics.timings.answered('replay');
    return { epoch: since.epoch, seq: events.at(-1)?.seq ?? since.seq };
  }

  /**
   * Sends the snapshot as messages of about SNAPSHOT_MESSAGE_BYTES (one when it is small), each
   * serialised on its own, every one but the last with `more: true`, each queued only once the
   * socket has taken the previous ones. Undefined when the session ended meanwhile.
   */
  private async sendSnapshot(image: string, sub: Subscription): Promise<SeqPosition | undefined> {
    let previous: string | undefined;
    let reached: SeqPosition | undefined;
    for await (const message of snapshotMessages(this.host.snapshotPages(this.tenant, image), image)) {
      if (this.ended || this.subs.get(image) !== sub) return undefined;
      if (previous !== undefined && !(await this.sendPaced(`${previous},"more":true}`, image))) return undefined;
      previous = message.body;
      reached = message.position;
    }
    if (previous === undefined || this.ended) return undefined;
    this.queue(`${previous}}`, image);
    this.host.metrics.timings.answered('snapshot');
    return reached;
  }

  /** Queues one page of a large answer once the socket has drained; false when the session ended instead. */
  private async sendPaced(json: string, image: string): Promise<boolean> {
    if (!(await this.drained())) return false;
    this.queue(json, image);
    this.pageAllowance = Buffer.byteLength(json);
    return !this.ended;
  }

  /** Waits until the socket holds at most DRAIN_LOW_WATER unsent; one that takes too long is closed (1013). */
  private async drained(): Promise<boolean> {
    if (this.outbox.length > 0) this.flush();
    const deadline = Date.now() + this.host.limits.drainTimeoutMs;
    while (!this.ended && (this.socket.bufferedAmount ?? 0) > DRAIN_LOW_WATER) {
      if (Date.now() >= deadline) {
        this.end(1013, 'client is not keeping up');
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (this.wakeDrain = undefined, resolve()), Math.min(DRAIN_POLL_MS, Math.max(0, deadline - Date.now())));
        this.wakeDrain = () => {
          this.wakeDrain = undefined;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.pageAllowance = 0;
    return !this.ended;
  }

  private async ephemeral(m: EphemeralMessage): Promise<void> {
    if (!this.subs.has(m.image)) return this.error('invalid', `subscribe to the image before sending ${m.type}`, { reason: 'invalid-message' });
    const refusal = await this.host.ephemeral(this, m);
    if (refusal && !this.ended) this.error(refusal.code, refusal.message, refusal.facts);
  }

  private async act(m: ActionMessage, user: User, receivedAt: number): Promise<void> {
    try {
      await this.host.act(this.tenant, m, user, ({ event }) => this.send(ackOf(event), this.host.metrics.timings.acking(m.type, receivedAt)), this.ip);
    } catch (e) {
      if (e instanceof StoreError) return this.error(e.code, e.message, e.facts, m.broadcastId);
      this.fault(e, m.broadcastId);
    }
  }

  private fault(e: unknown, broadcastId: string | undefined): void {
    this.host.log(`unexpected failure for tenant ${this.tenant}`, e);
    this.error('unavailable', 'the server could not complete this request; try again', { reason: 'internal-error' }, broadcastId);
  }

  /** `facts`: which refusal it is and its numbers, so the widget can say it in the reader's language. */
  private error(code: StoreError['code'], message: string, facts: RefusalFacts, broadcastId?: string): void {
    this.send({ type: 'error', code, message, ...facts, ...(broadcastId ? { broadcastId } : {}) });
  }

  private send(message: ServerMessage, timed?: Timed): void {
    this.queue(JSON.stringify(message), undefined, timed);
  }

  /**
   * Queues serialised JSON (about `image`, for usage per image); what is queued in one tick leaves in as few frames as fit
   * MAX_OUT_FRAME_BYTES. A socket that already holds more than the limit unsent (queued here
   * or buffered by the transport) is not reading: it is closed (1013) instead of buffering more.
   */
  private queue(json: string, image?: string, timed?: Timed): void {
    if (this.ended) return;
    const unsent = this.outboxBytes + (this.socket.bufferedAmount ?? 0);
    if (unsent > this.host.limits.maxBufferedBytes + this.pageAllowance) {
      this.end(1013, 'client is not keeping up');
      return;
    }
    const bytes = Buffer.byteLength(json);
    this.outbox.push({ json, bytes, image, timed });
    this.outboxBytes += bytes;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.ended || this.outbox.length === 0) return;
    const parts = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    for (let start = 0; start < parts.length; ) {
      // Same bytes as encodeFrame(messages), without parsing already-serialised broadcasts again.
      let end = start + 1;
      let bytes = parts[start]!.bytes + 2;
      while (end < parts.length && bytes + parts[end]!.bytes + 1 <= MAX_OUT_FRAME_BYTES) bytes += parts[end++]!.bytes + 1;
      const frame = end - start === 1 ? parts[start]!.json : `[${parts.slice(start, end).map((p) => p.json).join(',')}]`;
      try {
        this.socket.send(frame, () => this.wakeDrain?.());
      } catch (e) {
        this.host.log('sending to a socket failed', e);
        this.end(1011, 'send failed');
        return;
      }
      const frameBytes = end - start === 1 ? parts[start]!.bytes : bytes;
      this.host.metrics.sent(this.tenant, end - start, frameBytes);
      this.host.usage.sent(this.tenant, parts, start, end, frameBytes);
      this.host.metrics.timings.written(parts, start, end);
      start = end;
    }
    if (this.closeAfterFlush) this.end(this.closeAfterFlush.code, this.closeAfterFlush.reason);
  }
}

/**
 * The snapshot pages as wire messages of about SNAPSHOT_MESSAGE_BYTES, each conversation
 * serialised on its own (never one giant JSON.stringify), each message without its closing brace
 * so the sender can add `more`. An empty image is one message with no conversations.
 */
async function* snapshotMessages(pages: AsyncIterable<SnapshotPage>, image: string): AsyncGenerator<{ body: string; position: SeqPosition }> {
  let position: SeqPosition | undefined;
  let any = false;
  const imageJson = JSON.stringify(image);
  for await (const page of pages) {
    position = { epoch: page.epoch, seq: page.seq };
    const head = `{"type":"snapshot","image":${imageJson},"epoch":${JSON.stringify(page.epoch)},"seq":${page.seq},"chats":[`;
    let parts: string[] = [];
    let bytes = 0;
    for (const chat of page.chats) {
      const json = JSON.stringify(chat);
      if (parts.length > 0 && bytes + json.length > SNAPSHOT_MESSAGE_BYTES) {
        yield { body: `${head}${parts.join(',')}]`, position };
        any = true;
        parts = [];
        bytes = 0;
      }
      parts.push(json);
      bytes += json.length + 1;
    }
    if (parts.length > 0 || (!page.more && !any)) {
      yield { body: `${head}${parts.join(',')}]`, position };
      any = true;
    }
  }
}

/** The ack carries what the action changed, taken from its stored event (the same on a retried broadcastId). */
function ackOf(event: ChatEvent): AckMessage {
  const { broadcastId, seq } = event;
  switch (event.type) {
    case 'new-image-chat':
      return { type: 'ack', broadcastId, seq, chat: event.chat };
    case 'image-chat-updated':
      return { type: 'ack', broadcastId, seq, change: event.change };
    case 'deleted-image-chat':
      return { type: 'ack', broadcastId, seq };
  }
}

function broadcastIdOf(m: object): string | undefined {
  return 'broadcastId' in m && typeof m.broadcastId === 'string' ? m.broadcastId : undefined;
}
