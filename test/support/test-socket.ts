/** A socket the test drives by hand (not part of the bundle). */
import type { ConnectionOptions, SocketLike } from '../../src/sync/types.ts';

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(m: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(m) }));
  }
  drop() {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close'));
  }
}

/**
 * Options for connections whose sockets are FakeSockets, each kept in `sockets` in the order made: no
 * heartbeat, online, the backoff's jitter fixed, and `storage` (none by default).
 */
export function fakeSocketOptions(storage: ConnectionOptions['storage'] = null): { sockets: FakeSocket[]; options: ConnectionOptions } {
  const sockets: FakeSocket[] = [];
  const options: ConnectionOptions = {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    heartbeat: 0,
    online: true,
    random: () => 0.5,
    storage,
  };
  return { sockets, options };
}
