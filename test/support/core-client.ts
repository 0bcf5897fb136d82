/**
 * Test helper (not a test): a session on a ChatCore through a fake socket, no
 * network, that records what the server sent and can wait for it.
 */
import { randomUUID } from 'node:crypto';
import type { ChatEvent, ServerMessage } from '../../src/protocol/messages.ts';
import { decodeServerFrame } from '../../src/protocol/decode.ts';
import type { ChatCore, Connection } from '../../src/core/core.ts';

export class CoreClient {
  readonly messages: ServerMessage[] = [];
  closed: { code?: number; reason?: string } | undefined;
  readonly bufferedAmount = 0;
  private readonly waiters = new Set<() => void>();
  readonly conn: Connection;

  protected constructor(core: ChatCore, tenant: string) {
    this.conn = core.connect(this, { tenant });
  }

  /** A connection that has not said hello (yet). */
  static Raw = class extends CoreClient {
    constructor(core: ChatCore, tenant: string) {
      super(core, tenant);
    }
  };

  static async open(core: ChatCore, tenant: string, name: string): Promise<CoreClient> {
    const client = new CoreClient(core, tenant);
    client.say({ type: 'hello', name });
    await client.until(() => client.messages.some((m) => m.type === 'welcome'), 'welcome');
    return client;
  }

  // SocketLike, as the core sees it
  send(data: string): void {
    this.messages.push(...decodeServerFrame(data));
    for (const wake of [...this.waiters]) wake();
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    for (const wake of [...this.waiters]) wake();
  }

  /** Sends one client message. */
  say(message: object): void {
    this.conn.receive(JSON.stringify(message));
  }

  create(image: string, text: string): void {
    this.say({ type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: 0.5, text });
  }

  /** The seqs of the events received for `image`, in arrival order. */
  seqs(image: string): number[] {
    return this.messages.flatMap((m) => (isEvent(m) && m.image === image ? [m.seq] : []));
  }

  /** Resolves once `check` holds after some message; fails with `what` after `failAfterMs` (a failure, not a pass, depends on it). */
  until(check: () => boolean, what: string, failAfterMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`never: ${what}`));
      }, failAfterMs);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}

function isEvent(m: ServerMessage): m is ChatEvent {
  return m.type === 'new-image-chat' || m.type === 'image-chat-updated' || m.type === 'deleted-image-chat';
}
