/**
 * Asks the server over plain HTTP what a socket would get: a GET of the socket
 * URL answers 200 when the socket would be admitted, or the refusal's status
 * and sentence (src/server/http.ts `explainSocket`). Used after a socket failed
 * to open (a browser cannot read why an upgrade was refused) and, while the
 * server cannot be reached, before each try instead of a socket (see
 * TransitionOptions.probe in state.ts).
 */
import type { ErrorCode, ErrorReason } from '../protocol/messages.ts';
import type { ActionFacts } from './types.ts';

export type ProbeAnswer =
  /** The server answered and would take a socket. */
  | { readonly kind: 'ok' }
  /** No answer, or one that says nothing final (5xx, 429, not an image-chat server): try again later. */
  | { readonly kind: 'down' }
  /** Refused for good (unknown tenant, origin not allowed): the English sentence, and the facts when the server gave a `reason`. */
  | { readonly kind: 'refused'; readonly reason: string; readonly refusal?: ActionFacts };

export type Probe = (socketUrl: string, signal: AbortSignal) => Promise<ProbeAnswer>;

export const fetchProbe: Probe = async (socketUrl, signal) => {
  try {
    const res = await fetch(socketUrl.replace(/^ws/, 'http'), { cache: 'no-store', signal });
    const status = res.status;
    if (res.ok) return { kind: 'ok' };
    if (status === 429 || status < 400 || status >= 500) return { kind: 'down' };
    const { error } = (await res.json()) as { error?: { message?: unknown; code?: unknown; reason?: unknown } };
    const reason = typeof error?.message === 'string' ? error.message : `The server refused the connection (${status}).`;
    // The refusal's facts only when the server said a reason (not an older one, nor a proxy's page).
    if (typeof error?.reason !== 'string') return { kind: 'refused', reason };
    const code = typeof error.code === 'string' ? (error.code as ErrorCode) : (CODE_OF_STATUS[status] ?? 'invalid');
    return { kind: 'refused', reason, refusal: { code, reason: error.reason as ErrorReason } };
  } catch {
    return { kind: 'down' };
  }
};

const CODE_OF_STATUS: Record<number, ErrorCode> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found' };
