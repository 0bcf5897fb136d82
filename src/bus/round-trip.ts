/**
 * The bus health check: a message published on this node's own health topic
 * must come back through the bus. A node whose subscriber connection died
 * without noticing fails it, where a mere PING on the publishing connection
 * would pass.
 */
import { randomUUID } from 'node:crypto';
import type { Bus, Subscription } from './bus.ts';

export class RoundTrip {
  /** Starts with a NUL, so it can never equal an image topic (a JSON array). */
  readonly topic = `\u0000health:${randomUUID()}`;
  private subscription: Subscription | undefined;
  private failedToSubscribe = false;
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly bus: Pick<Bus, 'publish' | 'subscribe'>) {}

  get subscribed(): boolean {
    return this.subscription !== undefined;
  }

  async check(timeoutMs: number): Promise<void> {
    if (!this.subscription || this.failedToSubscribe) {
      // Kept between checks, so the check exercises a subscription as old as the images' ones.
      this.subscription?.unsubscribe();
      const subscription = this.bus.subscribe(this.topic, (nonce) => this.waiting.get(nonce)?.());
      this.subscription = subscription;
      this.failedToSubscribe = false;
      subscription.ready.catch(() => {
        if (this.subscription === subscription) this.failedToSubscribe = true;
      });
    }
    const subscription = this.subscription;
    const nonce = randomUUID();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no round trip through the bus within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          await subscription.ready;
          const back = new Promise<void>((resolve) => this.waiting.set(nonce, resolve));
          await this.bus.publish(this.topic, nonce);
          await back;
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(nonce);
    }
  }

  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    // A check in flight then fails by its timeout: a closed bus is not healthy.
    this.waiting.clear();
  }
}
