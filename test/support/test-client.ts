/**
 * Test helper (not a test): a `ws` client that records every frame and lets a
 * test wait for the next message matching a predicate.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { ServerMessage, WelcomeMessage } from '../../src/protocol/messages.ts';
import { decodeServerFrame } from '../../src/protocol/decode.ts';

type Predicate = (m: ServerMessage) => boolean;

export class TestClient {
  /** Raw text frames, in arrival order. */
  readonly frames: string[] = [];
  /** Decoded messages not yet taken by `take`. */
  readonly inbox: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the server sent a binary frame');
      const text = String(data);
      this.frames.push(text);
      this.inbox.push(...decodeServerFrame(text));
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      });
    });
  }

  static open(baseUrl: string, tenant?: string): Promise<TestClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws${tenant === undefined ? '' : `?tenant=${encodeURIComponent(tenant)}`}`;
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Sends a value as JSON, or a string as is. */
  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Removes and returns the first message matching `match`, waiting for it if need be. */
  async take(match: Predicate | ServerMessage['type'], timeoutMs = 2000): Promise<ServerMessage> {
    const predicate: Predicate = typeof match === 'string' ? (m) => m.type === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(predicate);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching message; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * A round trip that no other message can be mistaken for, so everything the server sent
   * before it has arrived. Not a ping: a test may send pings of its own, and any pong would do.
   * An action with a bad chat id is refused by the parser (before hello, and storing nothing)
   * with an error that carries our own broadcastId.
   */
  async sync(): Promise<void> {
    const broadcastId = randomUUID();
    this.send({ type: 'delete-image-chat', image: 'sync', broadcastId, chatId: '!' });
    await this.take((m) => m.type === 'error' && m.broadcastId === broadcastId);
  }

  async hello(fields: Record<string, unknown> = {}): Promise<WelcomeMessage> {
    this.send({ type: 'hello', ...fields });
    return (await this.take('welcome')) as WelcomeMessage;
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
