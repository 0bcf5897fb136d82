/**
 * Fan-out between server nodes: in-process for one node, Redis pub/sub
 * (src/bus/redis/) for several. Payloads are strings (serialised events) so a
 * networked bus passes them through untouched and each node parses nothing it
 * only forwards. Every Bus must pass src/bus/conformance/conformance.ts.
 */
import { RoundTrip } from './round-trip.ts';

/** One subscription to a topic. */
export interface Subscription {
  /**
   * Resolves once the bus confirmed the subscription: a message published
   * after that is delivered. Rejects only when the bus could not confirm it
   * in time (the subscription stays wanted: a networked bus keeps trying and
   * reports success through `onReconnect`) or was closed.
   */
  readonly ready: Promise<void>;
  /** Ends this subscription; safe to call more than once, also before `ready`. */
  unsubscribe(): void;
}

export interface Bus {
  /** Human description for logs, e.g. `in-process` or `redis redis://cache:6379`. */
  readonly description: string;
  /** Messages one publisher sends on one topic arrive in the order they were published. */
  publish(topic: string, payload: string): void | Promise<void>;
  /**
   * Best effort, for state that is announced again and again (presence, typing): delivered like
   * `publish` (in order with this publisher's other volatile messages) while the bus is up, and
   * dropped, never queued for later, while it is down; never throws or rejects. An outage thus
   * leaves no backlog of stale announcements to flood the other nodes with once it ends.
   */
  publishVolatile(topic: string, payload: string): void;
  subscribe(topic: string, handler: (payload: string) => void): Subscription;
  /**
   * `listener` runs each time the bus lost its connection and has subscribed
   * every topic again: anything published meanwhile was missed, and whoever
   * relies on the bus must catch up from the store. Returns the unregister function.
   */
  onReconnect(listener: () => void): () => void;
  /**
   * Resolves when a message published now on this node's own health topic
   * comes back through the bus within `timeoutMs`; rejects with the reason otherwise.
   */
  check(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The topic of one image. JSON keeps it unambiguous whatever the ids hold
 * (an image id may contain any separator we might pick).
 */
export function topicFor(tenant: string, image: string): string {
  return JSON.stringify([tenant, image]);
}

/**
 * The presence topic of one image (presence-hub.ts): apart from its events, which carry a `seq`
 * and go through the image's feed. A three-item array never equals an image topic (two items).
 */
export function presenceTopicFor(tenant: string, image: string): string {
  return JSON.stringify([tenant, image, 'presence']);
}

type Handler = (payload: string) => void;

export class InProcessBus implements Bus {
  readonly description = 'in-process';
  // Entries are wrapper objects so one function subscribed twice is two subscriptions.
  private readonly topics = new Map<string, Set<{ handler: Handler }>>();
  private readonly health = new RoundTrip(this);
  private closed = false;

  constructor(private readonly onError: (error: unknown) => void = (e) => console.error('image-chat: bus handler failed', e)) {}

  /** Delivers synchronously, so events reach this node's subscribers in publish order. */
  publish(topic: string, payload: string): void {
    if (this.closed) return;
    const entries = this.topics.get(topic);
    if (!entries) return;
    for (const entry of [...entries]) {
      // One failing subscriber must not keep the event from the others, nor fail the publisher.
      try {
        entry.handler(payload);
      } catch (e) {
        this.onError(e);
      }
    }
  }

  /** One process is never down. */
  publishVolatile(topic: string, payload: string): void {
    this.publish(topic, payload);
  }

  /** Live at once: there is nothing to confirm within one process. */
  subscribe(topic: string, handler: Handler): Subscription {
    if (this.closed) return { ready: Promise.reject(new Error('the bus is closed')), unsubscribe() {} };
    const entry = { handler };
    let entries = this.topics.get(topic);
    if (!entries) this.topics.set(topic, (entries = new Set()));
    entries.add(entry);
    return {
      ready: Promise.resolve(),
      unsubscribe: () => {
        const current = this.topics.get(topic);
        if (!current) return;
        current.delete(entry);
        if (current.size === 0) this.topics.delete(topic);
      },
    };
  }

  /** One process never loses its connection. */
  onReconnect(): () => void {
    return () => {};
  }

  check(timeoutMs: number): Promise<void> {
    return this.health.check(timeoutMs);
  }

  /** Number of topics with at least one subscriber (for tests and leak checks). */
  get topicCount(): number {
    return [...this.topics.keys()].filter((topic) => topic !== this.health.topic).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.health.close();
    this.topics.clear();
  }
}
