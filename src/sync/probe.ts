/**
 * Asks the server over plain HTTP what a socket would get: a GET of the socket
 * URL answers 200 when the socket would be admitted, or the refusal's status
 * and sentence (src/server/http.ts `explainSocket`). Used after a socket failed
 * to open (a browser cannot read why an upgrade was refused) and, while the
 * server cannot be reached, before each try instead of a socket (see
 * TransitionOptions.probe in state.ts).
 */

export type ProbeAnswer =
  /** The server answered and would take a socket. */
  | { readonly kind: 'ok' }
  /** No answer, or one that says nothing final (5xx, 429, not an image-chat server): try again later. */
  | { readonly kind: 'down' }
  /** Refused for good (unknown tenant, origin not allowed): the sentence to show. */
  | { readonly kind: 'refused'; readonly reason: string };

export type Probe = (socketUrl: string, signal: AbortSignal) => Promise<ProbeAnswer>;

export const fetchProbe: Probe = async (socketUrl, signal) => {
  try {
    const res = await fetch(socketUrl.replace(/^ws/, 'http'), { cache: 'no-store', signal });
    if (res.ok) return { kind: 'ok' };
    if (res.status === 429 || res.status < 400 || res.status >= 500) return { kind: 'down' };
    const body = (await res.json()) as { error?: { message?: unknown } };
    const reason = typeof body.error?.message === 'string' ? body.error.message : `The server refused the connection (${res.status}).`;
    return { kind: 'refused', reason };
  } catch {
    return { kind: 'down' };
  }
};
