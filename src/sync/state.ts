/**
 * The connection's life as one small pure function: states, events, and the
 * backoff delay. The driver (connection.ts) performs the effects; a later
 * change can turn the driver into a reducer with an injected clock as well.
 */
import type { User } from '../protocol/messages.ts';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export type ConnectionState =
  /** The first try, before any welcome. */
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'online'; readonly user: User }
  /** Lost or not reached yet; `attempt` = failed tries in a row, a retry is scheduled. */
  | { readonly status: 'reconnecting'; readonly attempt: number }
  /** Given up for now (`retry` false) or waiting longer / for the network (`retry` true). */
  | { readonly status: 'offline'; readonly attempt: number; readonly reason: string; readonly retry: boolean };

export type ConnectionEvent =
  | { readonly type: 'welcome'; readonly user: User }
  /** The socket closed or failed to open. */
  | { readonly type: 'lost' }
  /** The server refused us for good (for example the SSO token). */
  | { readonly type: 'refused'; readonly reason: string }
  /** The browser says the network is gone. */
  | { readonly type: 'network-offline' };

export interface TransitionOptions {
  /** Failed tries in a row after which the status reads `offline` (retries go on). */
  readonly offlineAfter: number;
}

export const INITIAL_STATE: ConnectionState = { status: 'connecting', attempt: 0 };

export function transition(state: ConnectionState, event: ConnectionEvent, options: TransitionOptions): ConnectionState {
  switch (event.type) {
    case 'welcome':
      return { status: 'online', user: event.user };
    case 'lost': {
      if (state.status === 'offline' && !state.retry) return state;
      // Losing a working connection retries at once (attempt 0); each failure after that counts.
      const attempt = state.status === 'online' ? 0 : state.attempt + 1;
      return attempt >= options.offlineAfter
        ? { status: 'offline', attempt, reason: 'The server cannot be reached.', retry: true }
        : { status: 'reconnecting', attempt };
    }
    case 'refused':
      return { status: 'offline', attempt: 0, reason: event.reason, retry: false };
    case 'network-offline':
      if (state.status === 'offline' && !state.retry) return state;
      return { status: 'offline', attempt: 'attempt' in state ? state.attempt : 0, reason: 'The network is offline.', retry: true };
  }
}

export interface BackoffOptions {
  readonly base: number;
  readonly cap: number;
}

/** Capped exponential backoff with jitter: a delay in [half, full] of min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions): number {
  const full = Math.min(options.cap, options.base * 2 ** Math.min(attempt, 30));
  return Math.round(full / 2 + random() * (full / 2));
}
