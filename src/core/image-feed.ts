/**
 * Gap-free, in-order delivery of one image's events on one node.
 *
 * A networked bus gives no promise a client could build on: two nodes may
 * publish seq 6 before seq 5, and a Redis blip silently loses whatever was
 * published meanwhile. The feed keeps the last seq it delivered and hands its
 * sessions every event exactly once, in seq order:
 * - the next seq is delivered at once, and with it whatever held events follow;
 * - an event ahead of it is held; if the gap is still open after `holdMs`
 *   it is filled from the store's event log;
 * - a repeat (seq at or below the position) is dropped;
 * - `check()` (called every few seconds and after every bus reconnect)
 *   compares the position with the store's head and fills what was missed.
 * The store is the truth: the bus only makes delivery fast.
 */
import type { ChatEvent, SeqPosition } from '../protocol/messages.ts';

/** The part of the store a feed reads. */
export interface FeedStore {
  head(tenant: string, image: string): Promise<SeqPosition>;
  eventsSince(tenant: string, image: string, since: SeqPosition): Promise<ChatEvent[] | null>;
}

/** Runs `run` after `ms`; returns the function that cancels it (tests inject a manual clock). */
export type Schedule = (ms: number, run: () => void) => () => void;

export const realSchedule: Schedule = (ms, run) => {
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

/** How long an event ahead of the position waits for the bus to bring the missing ones (ms). */
export const DEFAULT_HOLD_MS = 150;

export interface ImageFeedOptions {
  tenant: string;
  image: string;
  store: FeedStore;
  /** Receives each event once, in seq order, as the JSON every session sends on. */
  deliver: (seq: number, json: string) => void;
  holdMs?: number;
  schedule?: Schedule;
  log?: (message: string, error?: unknown) => void;
}

export class ImageFeed {
  /** The last event delivered; unset until `start` has read the store's head. */
  private position: SeqPosition | undefined;
  /** Events ahead of the position (and, before `start`, every event), by seq. */
  private readonly held = new Map<number, string>();
  private cancelHold: (() => void) | undefined;
  private filling: Promise<void> | undefined;
  private fillAgain = false;
  private closed = false;
  private readonly holdMs: number;
  private readonly schedule: Schedule;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(private readonly options: ImageFeedOptions) {
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    this.schedule = options.schedule ?? realSchedule;
    this.log = options.log ?? (() => {});
  }

  /**
   * Takes the store's head as the position: everything up to it is in what a
   * session reads after this resolves (its snapshot or replay). Call once the
   * bus subscription is live, so every later event either arrives or is
   * found by `check`.
   */
  async start(): Promise<void> {
    const head = await this.options.store.head(this.options.tenant, this.options.image);
    if (this.closed || this.position) return;
    this.position = head;
    this.drain();
  }

  /** A message from the bus. */
  receive(payload: string): void {
    if (this.closed) return;
    let seq: unknown;
    try {
      seq = (JSON.parse(payload) as { seq?: unknown }).seq;
    } catch (e) {
      this.log('dropped an unreadable bus message', e);
      return;
    }
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      this.log(`dropped a bus message without a valid seq on ${this.options.image}`);
      return;
    }
    if (this.position && seq <= this.position.seq) return; // a repeat
    this.held.set(seq, payload);
    this.drain();
  }

  /** Compares the position with the store's head and fills what this node missed. */
  async check(): Promise<void> {
    if (this.closed || !this.position) return;
    const head = await this.options.store.head(this.options.tenant, this.options.image);
    if (this.closed || !this.position) return;
    if (head.epoch === this.position.epoch && head.seq <= this.position.seq) return;
    await this.fill();
  }

  /** The last seq delivered (tests and diagnostics). */
  get delivered(): SeqPosition | undefined {
    return this.position;
  }

  close(): void {
    this.closed = true;
    this.cancelHold?.();
    this.cancelHold = undefined;
    this.held.clear();
  }

  // ------------------------------------------------------------ internals

  /** Delivers the held events that continue the position; a gap left open starts the hold timer. */
  private drain(): void {
    const position = this.position;
    if (!position || this.closed) return;
    for (const seq of this.held.keys()) if (seq <= position.seq) this.held.delete(seq);
    let seq = position.seq;
    for (let json = this.held.get(seq + 1); json !== undefined; json = this.held.get(seq + 1)) {
      this.held.delete(++seq);
      this.advance(position.epoch, seq, json);
      if (this.closed) return;
    }
    if (this.held.size === 0) {
      this.cancelHold?.();
      this.cancelHold = undefined;
    } else {
      this.cancelHold ??= this.schedule(this.holdMs, () => {
        this.cancelHold = undefined;
        this.fill().catch((e: unknown) => this.log(`filling a gap on ${this.options.image} from the store failed`, e));
      });
    }
  }

  private advance(epoch: string, seq: number, json: string): void {
    this.position = { epoch, seq };
    this.options.deliver(seq, json);
  }

  /** One fill at a time; a request during a fill runs another one after it. */
  private fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return this.filling;
    }
    this.filling = (async () => {
      try {
        do {
          this.fillAgain = false;
          await this.fillOnce();
        } while (this.fillAgain && !this.closed);
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }

  private async fillOnce(): Promise<void> {
    const { store, tenant, image } = this.options;
    const from = this.position;
    if (this.closed || !from) return;
    let events = await store.eventsSince(tenant, image, from);
    if (this.closed) return;
    if (events === null) {
      // Another epoch (the history was reset) or a log trimmed past our position: start over from what
      // the store has. A session's client then sees a seq it does not expect and asks for a snapshot.
      const head = await store.head(tenant, image);
      if (this.closed) return;
      const restart = { epoch: head.epoch, seq: 0 };
      events = await store.eventsSince(tenant, image, restart);
      if (this.closed) return;
      this.log(`the position on ${image} (${from.epoch}/${from.seq}) is not in the store's log; continuing from ${head.epoch}/${head.seq}`);
      this.position = events ? restart : head;
      this.held.clear();
    }
    // Bus messages may have moved the position while the store was read: skip what is already out.
    for (const event of events ?? []) {
      const position = this.position!;
      if (event.seq !== position.seq + 1) continue;
      this.held.delete(event.seq);
      this.advance(position.epoch, event.seq, JSON.stringify(event));
      if (this.closed) return;
    }
    this.drain();
  }
}
