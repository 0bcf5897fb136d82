/**
 * Answers written straight to a raw socket, where node:http is not in charge
 * (a refused upgrade, a connection over the per-IP limit, a request node:http
 * could not parse or that took too long). Every such socket gets an 'error'
 * listener first: a peer that resets the connection must never take the
 * process down with an unhandled `write ECONNRESET`.
 */
import type { Duplex } from 'node:stream';
import type { ErrorReason } from '../protocol/messages.ts';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};
const CODE_OF: Record<number, string> = { 400: 'invalid', 403: 'forbidden', 404: 'not-found', 408: 'invalid', 429: 'rate-limited', 431: 'too-large', 503: 'unavailable' };

/** Errors on a socket we answer by hand are the peer's business: the socket is closed, nothing else. */
export function guard(socket: Duplex): void {
  if (socket.listeners('error').includes(destroyOnError)) return;
  socket.on('error', destroyOnError);
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Writes a JSON error response (`reason`: which refusal, docs/protocol.md) and closes the connection once it is flushed. */
export function answerRaw(socket: Duplex, status: number, message: string, reason?: ErrorReason): void {
  guard(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: CODE_OF[status] ?? 'invalid', message, ...(reason ? { reason } : {}) } });
  // Like ws's abortHandshake: a half-closed socket the peer keeps open would otherwise linger.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * node:http's 'clientError': a request it could not parse, one that took too
 * long (headersTimeout, requestTimeout), or a reset connection. Answered like
 * the default handler would, with our JSON body; with a listener installed,
 * closing the socket is ours to do.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // node:http's own default handler makes the same check: never write a status line into a response under way.
  const inResponse = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || inResponse) {
    guard(socket);
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return answerRaw(socket, 408, 'the request took too long to arrive');
  if (error.code === 'HPE_HEADER_OVERFLOW') return answerRaw(socket, 431, 'the request headers are too large');
  answerRaw(socket, 400, 'the request is not valid HTTP');
}
