/**
 * Fan-out between server nodes. In-process by default (one node); Redis
 * pub/sub will implement the same interface for several nodes.
 * Payloads are strings (serialised events) so a networked bus can pass them
 * through untouched and each node parses nothing it only forwards.
 */

export interface Bus {
  publish(topic: string, payload: string): void | Promise<void>;
  /** Returns the function that ends this subscription. */
  subscribe(topic: string, handler: (payload: string) => void): () => void;
  close(): Promise<void>;
}

/**
 * The topic of one image. JSON keeps it unambiguous whatever the ids hold
 * (an image id may contain any separator we might pick).
 */
export function topicFor(tenant: string, image: string): string {
  return JSON.stringify([tenant, image]);
}

type Handler = (payload: string) => void;

export class InProcessBus implements Bus {
  // Entries are wrapper objects so one function subscribed twice is two subscriptions.
  private readonly topics = new Map<string, Set<{ handler: Handler }>>();
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

  subscribe(topic: string, handler: Handler): () => void {
    if (this.closed) return () => {};
    const entry = { handler };
    let entries = this.topics.get(topic);
    if (!entries) this.topics.set(topic, (entries = new Set()));
    entries.add(entry);
    return () => {
      const current = this.topics.get(topic);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.topics.delete(topic);
    };
  }

  /** Number of topics with at least one subscriber (for tests and leak checks). */
  get topicCount(): number {
    return this.topics.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
  }
}
