/**
 * One client connection: parses its frames, answers in order, and batches
 * what it sends. Knows nothing of sockets beyond SocketLike, so it runs the
 * same under `ws`, in tests, or behind any other transport.
 */
import type {
  ActionMessage,
  ChatEvent,
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
import type { Applied, Snapshot } from '../store/store.ts';
import type { Identified } from './identity.ts';
import type { Metrics } from './metrics.ts';

export interface SocketLike {
  send(data: string): void;
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
  readonly limits: { readonly maxSubscriptions: number; readonly maxBufferedBytes: number; readonly maxPending: number };
  snapshot(tenant: string, image: string): Promise<Snapshot>;
  /** The events after `since`, or null when only a snapshot can bring the client up to date. */
  eventsSince(tenant: string, image: string, since: SeqPosition): Promise<ChatEvent[] | null>;
  /** Who this hello makes the connection (SSO, guest, read-only) or why it is refused. */
  identify(tenant: string, hello: HelloMessage): Promise<Identified>;
  /** Checks the tenant's rules (read-only, limits), stores, acks via `stored`, broadcasts; rejects with StoreError. */
  act(tenant: string, action: ActionMessage, actor: User, stored: (applied: Applied) => void, ip?: string): Promise<void>;
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
  held: { seq: number; json: string }[] | null;
}

export class Session implements Connection {
  user: User | undefined;
  private readonly subs = new Map<string, Subscription>();
  private outbox: string[] = [];
  private flushScheduled = false;
  private ended = false;
  private closeAfterFlush: { code: number; reason: string } | undefined;
  /** Messages are handled one after another so replies keep the order of requests. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly host: SessionHost,
    private readonly socket: SocketLike,
    readonly tenant: string,
    readonly ip?: string,
  ) {}

  receive(text: string): void {
    if (this.ended || this.closeAfterFlush) return;
    // The transport enforces this too (ws maxPayload); a UTF-16 unit is at most 3 bytes.
    if (text.length > MAX_FRAME_BYTES / 3 && Buffer.byteLength(text) > MAX_FRAME_BYTES) {
      this.end(1009, 'frame too large');
      return;
    }
    for (const entry of parseClientFrame(text)) this.enqueue(entry);
  }

  receiveBinary(): void {
    if (this.ended || this.closeAfterFlush) return;
    this.enqueue({ ok: false, message: 'text frames only' });
  }

  close(): void {
    this.end();
  }

  /** A broadcast for one of this session's images (called by the core's fan-out). */
  deliver(image: string, seq: number, json: string): void {
    const sub = this.subs.get(image);
    if (!sub || this.ended) return;
    if (sub.held) sub.held.push({ seq, json });
    // Only the snapshot moves the floor: a networked bus may deliver two nodes' events out of order.
    else if (seq > sub.floor) this.queue(json);
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Closes the socket and forgets the session; safe to call more than once. */
  end(code?: number, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.outbox = [];
    for (const image of this.subs.keys()) this.host.leave(this, image);
    this.subs.clear();
    this.host.ended(this);
    try {
      this.socket.close(code, reason);
    } catch (e) {
      this.host.log('closing a socket failed', e);
    }
  }

  private enqueue(entry: Parsed): void {
    if (this.pending >= this.host.limits.maxPending) {
      const broadcastId = entry.ok ? broadcastIdOf(entry.message) : entry.broadcastId;
      this.error('rate-limited', 'too many messages waiting: slow down', broadcastId);
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(() => this.handle(entry))
      .catch((e: unknown) => this.fault(e, undefined))
      .finally(() => this.pending--);
  }

  private async handle(entry: Parsed): Promise<void> {
    if (this.ended || this.closeAfterFlush) return;
    if (!entry.ok) return this.error('invalid', entry.message, entry.broadcastId);
    const m = entry.message;
    if (m.type === 'hello') return this.hello(m);
    if (!this.user) return this.error('unauthorized', 'say hello first', broadcastIdOf(m));
    switch (m.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'subscribe':
        return this.subscribe(m);
      case 'unsubscribe':
        if (this.subs.delete(m.image)) this.host.leave(this, m.image);
        return;
      default:
        return this.act(m, this.user);
    }
  }

  private async hello(m: HelloMessage): Promise<void> {
    if (this.user) return this.error('invalid', 'hello was already said on this connection');
    const who = await this.host.identify(this.tenant, m);
    if (this.ended) return;
    if ('refused' in who) {
      // design.md: a refused hello is an error, then the connection closes (4401, like HTTP 401).
      this.error('unauthorized', who.refused);
      this.closeAfterFlush = { code: 4401, reason: 'unauthorized' };
      return;
    }
    this.user = who.user;
    this.send(who.guest === undefined ? { type: 'welcome', user: who.user } : { type: 'welcome', user: who.user, guest: who.guest });
  }

  private async subscribe(m: SubscribeMessage): Promise<void> {
    let sub = this.subs.get(m.image);
    if (!sub) {
      const max = this.host.limits.maxSubscriptions;
      if (this.subs.size >= max) {
        return this.error('rate-limited', `at most ${max} images per connection: unsubscribe from one first`);
      }
      sub = { floor: 0, held: [] };
      this.subs.set(m.image, sub);
      // Join before reading, holding events meanwhile, so none falls between snapshot (or replay) and live.
      await this.host.join(this, m.image);
    } else {
      // Subscribing again (a client catching up on a gap) holds live events the same way.
      sub.held ??= [];
    }
    let answer: ServerMessage;
    let floor: number;
    try {
      // A replay is exactly the events after `since`; when the store cannot give them (another epoch,
      // a trimmed log) the client gets the whole picture instead.
      const events = m.since ? await this.host.eventsSince(this.tenant, m.image, m.since) : null;
      if (m.since && events) {
        answer = { type: 'replay', image: m.image, events };
        floor = events.at(-1)?.seq ?? m.since.seq;
      } else {
        const snap: Snapshot = await this.host.snapshot(this.tenant, m.image);
        answer = { type: 'snapshot', image: m.image, epoch: snap.epoch, seq: snap.seq, chats: snap.chats };
        floor = snap.seq;
      }
    } catch (e) {
      if (this.subs.get(m.image) === sub) {
        this.subs.delete(m.image);
        this.host.leave(this, m.image);
      }
      throw e;
    }
    if (this.ended || this.subs.get(m.image) !== sub) return;
    this.send(answer);
    // Held events the answer already holds are dropped by the floor; the rest follow it, in order.
    const held = sub.held ?? [];
    sub.held = null;
    sub.floor = floor;
    for (const { seq, json } of held) this.deliver(m.image, seq, json);
  }

  private async act(m: ActionMessage, user: User): Promise<void> {
    try {
      await this.host.act(this.tenant, m, user, ({ event, chat }) => {
        this.send(chat ? { type: 'ack', broadcastId: m.broadcastId, seq: event.seq, chat } : { type: 'ack', broadcastId: m.broadcastId, seq: event.seq });
      }, this.ip);
    } catch (e) {
      if (e instanceof StoreError) return this.error(e.code, e.message, m.broadcastId);
      this.fault(e, m.broadcastId);
    }
  }

  private fault(e: unknown, broadcastId: string | undefined): void {
    this.host.log(`unexpected failure for tenant ${this.tenant}`, e);
    this.error('unavailable', 'the server could not complete this request; try again', broadcastId);
  }

  private error(code: StoreError['code'], message: string, broadcastId?: string): void {
    this.send(broadcastId ? { type: 'error', code, message, broadcastId } : { type: 'error', code, message });
  }

  private send(message: ServerMessage): void {
    this.queue(JSON.stringify(message));
  }

  /** Queues serialised JSON; everything queued in one tick leaves as one frame. */
  private queue(json: string): void {
    if (this.ended) return;
    this.outbox.push(json);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.ended || this.outbox.length === 0) return;
    // A client that does not read would make us buffer without bound: drop it instead.
    if ((this.socket.bufferedAmount ?? 0) > this.host.limits.maxBufferedBytes) {
      this.end(1013, 'client is not keeping up');
      return;
    }
    const parts = this.outbox;
    this.outbox = [];
    // Same bytes as encodeFrame(messages), without parsing already-serialised broadcasts again.
    const frame = parts.length === 1 ? parts[0]! : `[${parts.join(',')}]`;
    try {
      this.socket.send(frame);
    } catch (e) {
      this.host.log('sending to a socket failed', e);
      this.end(1011, 'send failed');
      return;
    }
    this.host.metrics.sent(this.tenant, parts.length, Buffer.byteLength(frame));
    if (this.closeAfterFlush) this.end(this.closeAfterFlush.code, this.closeAfterFlush.reason);
  }
}

function broadcastIdOf(m: object): string | undefined {
  return 'broadcastId' in m && typeof m.broadcastId === 'string' ? m.broadcastId : undefined;
}
