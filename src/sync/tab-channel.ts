/**
 * One tab's BroadcastChannel, shared by that tab's `TabConnection` and, while
 * the tab leads, its `Leader`. Each `end()` acts as a channel object of its
 * own, as two `BroadcastChannel`s would: what one end posts reaches every other
 * tab and every other end of this tab, never the end that posted it. Between
 * the ends of one tab it goes in-process instead of through the browser, still
 * asynchronously and in posting order (a microtask each), so the leader's own
 * tab hears its leader as before, exactly once, without the browser's hop.
 */
import type { ChannelLike } from './types.ts';

/** A channel nobody else hears: where the browser refused a BroadcastChannel, or this tab leads alone. */
const silent = (): ChannelLike => ({ onmessage: null, postMessage() {}, close() {} });

export class TabChannel {
  readonly #ends = new Set<ChannelLike>();
  #channel: ChannelLike;

  constructor(channel: ChannelLike = silent()) {
    this.#channel = channel;
    // From other tabs: every end of this one hears it.
    channel.onmessage = (ev: MessageEvent) => {
      for (const end of [...this.#ends]) end.onmessage?.(ev);
    };
  }

  /** From now on other tabs hear nothing of this one, and this one nothing of them; its ends still hear each other. */
  isolate(): void {
    this.#channel.onmessage = null;
    this.#channel.close();
    this.#channel = silent();
  }

  /** A channel object of this tab's; closing the last one closes the channel. */
  end(): ChannelLike {
    const end: ChannelLike = {
      onmessage: null,
      postMessage: (data: unknown) => {
        if (!this.#ends.has(end)) return;
        this.#channel.postMessage(data);
        for (const other of this.#ends) {
          if (other === end) continue;
          // An end closed before its turn hears nothing, as a closed channel would not.
          queueMicrotask(() => {
            if (this.#ends.has(other)) other.onmessage?.(new MessageEvent('message', { data }));
          });
        }
      },
      close: () => {
        if (this.#ends.delete(end) && this.#ends.size === 0) this.#channel.close();
      },
    };
    this.#ends.add(end);
    return end;
  }
}
