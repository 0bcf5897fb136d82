/**
 * Test helper (not a test): TCP connections driven byte by byte, to stop or
 * reset a connection at any point of an HTTP upgrade or a WebSocket frame.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** A connected socket; its own errors (the server closing on it) are expected and ignored. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export function upgradeRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

/** A masked client frame (opcode 1 text, 2 binary, 8 close, 9 ping, 10 pong). */
export function clientFrame(payload: Buffer | string, opcode = 1, fin = true): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const len = data.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) head[1] = 0x80 | len;
  else if (len < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}

/** Resolves once `socket` has received at least `bytes` more bytes (or rejects when it closes first); leaves it paused. */
export function received(socket: Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= bytes) {
        socket.pause();
        cleanup();
        resolve(Buffer.concat(chunks));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`closed after ${n} of ${bytes} bytes: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

/** Completes a WebSocket handshake by hand; resolves with the socket once the 101 has arrived. */
export async function rawWebSocket(port: number, path: string, headers: Record<string, string> = {}): Promise<Socket> {
  const socket = await rawConnect(port);
  const head = new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (c: Buffer) => {
      text += c.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      // Paused, so no frame is lost before the caller listens (received() resumes it).
      socket.pause();
      // Anything after the head is the start of the first frame: hand it back to the stream.
      if (end + 4 < text.length) socket.unshift(Buffer.from(text.slice(end + 4), 'latin1'));
      resolve(text.slice(0, end));
    };
    const onClose = () => reject(new Error(`closed during the handshake: ${text}`));
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  socket.write(upgradeRequest(path, headers));
  const status = (await head).split('\r\n', 1)[0]!;
  if (!status.startsWith('HTTP/1.1 101')) {
    socket.destroy();
    throw new Error(`upgrade refused: ${status}`);
  }
  return socket;
}
