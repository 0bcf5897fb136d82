/**
 * Test helper (not a test): raw protocol clients for the many-node tests, built
 * on TestClient. A FeedListener applies one image's events the way a client
 * must (in seq order, remembering `{epoch, seq}`) and can reconnect to another
 * node with `subscribe {since}`; a FeedWriter sends actions and, when its node
 * dies, sends the unacked ones again, with the same broadcastIds, elsewhere.
 */
import { randomUUID } from 'node:crypto';
import type { AckMessage, ChatEvent, ErrorMessage, ServerMessage, SeqPosition } from '../../src/protocol/messages.ts';
import { decodeServerFrame } from '../../src/protocol/decode.ts';
import { TestClient } from './test-client.ts';

const EVENT_TYPES = new Set(['new-image-chat', 'image-chat-updated', 'deleted-image-chat']);

/** Resolves when `check()` holds, re-checking after every message and close of `client`. */
function until(client: TestClient, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const again = () => {
      if (check()) return done(resolve);
      if (client.ws.readyState === client.ws.CLOSED) done(() => reject(new Error(`the socket closed before ${what}`)));
    };
    const done = (settle: () => void) => {
      client.ws.off('message', again);
      client.ws.off('close', again);
      settle();
    };
    // Registered after TestClient's own handler, so our check sees the message already recorded.
    client.ws.on('message', again);
    client.ws.on('close', again);
    again();
  });
}

export class FeedListener {
  /** Seqs of the events applied, in the order they were applied (replayed ones included). */
  readonly applied: number[] = [];
  /** What answered each subscribe: a listener that never asked again has exactly one. */
  readonly answers: ('snapshot' | 'replay')[] = [];
  position: SeqPosition | undefined;
  /** The current connection (a reconnect replaces it). */
  client!: TestClient;
  private guest: string | undefined;

  private constructor(readonly image: string) {}

  /** Connects, says hello, subscribes and resolves once the snapshot is in. */
  static async open(url: string, image: string, tenant = 'demo'): Promise<FeedListener> {
    const listener = new FeedListener(image);
    await listener.connect(url, tenant);
    return listener;
  }

  /** Connects to `url` (another node) and subscribes from the last position applied. */
  async connect(url: string, tenant = 'demo'): Promise<void> {
    const client = await TestClient.open(url, tenant);
    this.client = client;
    client.ws.on('message', (data) => {
      for (const m of decodeServerFrame(String(data))) this.apply(m);
    });
    const welcome = await client.hello(this.guest ? { guest: this.guest } : { name: 'listener' });
    this.guest = welcome.guest ?? this.guest;
    const answered = this.answers.length;
    client.send({ type: 'subscribe', image: this.image, ...(this.position ? { since: this.position } : {}) });
    await until(client, () => this.answers.length > answered, 'the subscribe was answered');
  }

  /** Resolves once `n` events have been applied. */
  untilApplied(n: number): Promise<void> {
    return until(this.client, () => this.applied.length >= n, `${n} events were applied`);
  }

  private apply(m: ServerMessage): void {
    if (m.type === 'snapshot' && m.image === this.image) {
      this.answers.push('snapshot');
      // A snapshot replaces everything before it: the applied list restarts at its position.
      this.applied.length = 0;
      this.position = { epoch: m.epoch, seq: m.seq };
    } else if (m.type === 'replay' && m.image === this.image) {
      this.answers.push('replay');
      for (const e of m.events) this.event(e);
    } else if (EVENT_TYPES.has(m.type) && (m as ChatEvent).image === this.image) {
      this.event(m as ChatEvent);
    }
  }

  private event(e: ChatEvent): void {
    this.applied.push(e.seq);
    if (this.position) this.position = { epoch: this.position.epoch, seq: e.seq };
  }
}

export class FeedWriter {
  /** broadcastId → the seq its ack carried. */
  readonly acked = new Map<string, number>();
  /** Sent, not yet acked (sent again after a reconnect). */
  private readonly pending = new Map<string, object>();
  /** Callers waiting for an answer on the current connection. */
  private readonly waiting = new Map<string, { resolve: (seq: number) => void; reject: (e: Error) => void }>();
  client!: TestClient;
  private guest: string | undefined;

  static async open(url: string, name: string, tenant = 'demo'): Promise<FeedWriter> {
    const writer = new FeedWriter();
    await writer.connect(url, name, tenant);
    return writer;
  }

  /** Connects (as the same guest after the first time) and sends every unacked action again. */
  async connect(url: string, name = 'writer', tenant = 'demo'): Promise<void> {
    const client = await TestClient.open(url, tenant);
    this.client = client;
    client.ws.on('message', (data) => {
      for (const m of decodeServerFrame(String(data))) if (m.type === 'ack' || m.type === 'error') this.answered(m);
    });
    client.ws.on('close', () => {
      if (this.client !== client) return;
      for (const [id, w] of this.waiting) w.reject(new Error(`the socket closed before ${id} was acked`));
      this.waiting.clear();
    });
    const welcome = await client.hello(this.guest ? { guest: this.guest } : { name });
    this.guest = welcome.guest ?? this.guest;
    for (const action of this.pending.values()) client.send(action);
  }

  /** Sends a new marker; resolves with the ack's seq, or rejects if the socket closes first. */
  create(image: string, text: string, x = Math.random(), y = Math.random()): Promise<number> {
    const broadcastId = randomUUID();
    const action = { type: 'create-image-chat', image, broadcastId, x, y, text };
    this.pending.set(broadcastId, action);
    const acked = this.ack(broadcastId);
    this.client.send(action);
    return acked;
  }

  /** The ack of `broadcastId` on the current connection (an error answer, or the socket closing, rejects). */
  ack(broadcastId: string): Promise<number> {
    const seq = this.acked.get(broadcastId);
    if (seq !== undefined) return Promise.resolve(seq);
    return new Promise((resolve, reject) => this.waiting.set(broadcastId, { resolve, reject }));
  }

  /** Actions sent whose ack never came (their node died). */
  get unacked(): string[] {
    return [...this.pending.keys()];
  }

  private answered(m: AckMessage | ErrorMessage): void {
    const id = m.broadcastId;
    if (id === undefined || !this.pending.has(id)) return;
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (m.type === 'error') return waiter?.reject(new Error(`refused: ${JSON.stringify(m)}`));
    this.pending.delete(id);
    this.acked.set(id, m.seq);
    waiter?.resolve(m.seq);
  }
}
