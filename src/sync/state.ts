/**
 * The connection's life as one pure reducer: `transition(state, event, now,
 * options)` returns the next state and the effects to perform (open or close
 * the socket, ask the server over HTTP first, arm a timer, ping, subscribe,
 * fail actions in flight). The
 * driver (connection.ts) owns the socket and the timers and does nothing but
 * carry out effects, so every timing rule here is tested with a fake clock.
 */
import type { User } from '../protocol/messages.ts';
import { defined, type ActionFacts } from './types.ts';

export { LOST_MESSAGE } from './types.ts';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export type ConnectionState =
  /** The first try, before any welcome. */
  | { readonly status: 'connecting'; readonly attempt: number; readonly socket: boolean }
  /**
   * Welcomed. `since`: when; `heard`: last frame from the server; `pinged`: when
   * a ping went out that no frame has answered yet. `attempt` is kept until
   * the connection has stayed up `stableAfter`, so a flapping link keeps backing off.
   */
  | {
      readonly status: 'online';
      readonly user: User;
      readonly attempt: number;
      readonly since: number;
      readonly heard: number;
      readonly pinged: number | null;
    }
  /**
   * Lost: `attempt` failed tries in a row; `socket` true while a retry is opening, else a retry timer
   * is armed and `retryAt` says when it fires (the banner counts down to it). `fastSince`: when the
   * visible pace began (the loss, or someone coming back to the page: see BackoffOptions.visibleFor).
   * `probing`: the try under way asks over HTTP first (see TransitionOptions.probe).
   */
  | {
      readonly status: 'reconnecting';
      readonly attempt: number;
      readonly socket: boolean;
      readonly retryAt?: number;
      readonly fastSince?: number;
      readonly probing?: boolean;
    }
  /**
   * Not connected, and saying so. `retry` false: refused for good (e.g. the SSO
   * token); `reason` says why in English, `refusal` (when the server or the
   * client said which refusal it is) gives the facts to word it. `network` true:
   * the browser reports no network; nothing is tried until its `online` event.
   * Otherwise the server has not answered for `offlineAfter` tries and retries
   * go on at the backoff pace (`retryAt`: when the next one opens).
   */
  | {
      readonly status: 'offline';
      readonly attempt: number;
      readonly reason: string;
      readonly refusal?: ActionFacts;
      readonly retry: boolean;
      readonly network: boolean;
      readonly socket: boolean;
      readonly retryAt?: number;
      readonly fastSince?: number;
      readonly probing?: boolean;
    };

export type ConnectionEvent =
  /** The driver starts; `online` is what the browser says (navigator.onLine). */
  | { readonly type: 'start'; readonly online: boolean }
  | { readonly type: 'welcome'; readonly user: User }
  /** Any frame arrived from the server. */
  | { readonly type: 'heard' }
  /**
   * The socket closed or failed to open. `reached`: it had opened (the server answered);
   * `visible`: someone is looking at the page. Both decide how long the next wait may be.
   */
  | { readonly type: 'lost'; readonly reached?: boolean; readonly visible?: boolean }
  /** The server refused us for good (for example the SSO token); `refusal`: its facts, when known. */
  | { readonly type: 'refused'; readonly reason: string; readonly refusal?: ActionFacts }
  /** The page gave a fresh sign-in token: a connection refused for its old one tries again. */
  | { readonly type: 'credentials' }
  /** The retry timer fired. */
  | { readonly type: 'retry' }
  /** The answer to a `probe`: `ok`, the server would take a socket now; otherwise it did not answer (or not well). */
  | { readonly type: 'probed'; readonly ok: boolean; readonly visible?: boolean }
  /** The heartbeat timer fired. */
  | { readonly type: 'tick' }
  /** The browser's `offline` / `online` events. */
  | { readonly type: 'network-offline' }
  | { readonly type: 'network-online' }
  /** Worth a try now: the page was shown again or focused, or the user pressed "Retry now". */
  | { readonly type: 'retry-now' };

export type Timer = 'retry' | 'heartbeat';

export type Effect =
  /** Make a socket (hello is said when it opens). */
  | { readonly type: 'open' }
  /** Ask the server over HTTP whether it would take a socket (answered by a `probed` event). */
  | { readonly type: 'probe' }
  /** Drop the current socket without waiting for its close. */
  | { readonly type: 'close' }
  /** (Re)arm a timer. */
  | { readonly type: 'wait'; readonly timer: Timer; readonly ms: number }
  | { readonly type: 'cancel'; readonly timer: Timer }
  | { readonly type: 'ping' }
  /** Subscribe every image again (after a welcome). */
  | { readonly type: 'subscribe-all' }
  /** Actions awaiting their ack fail now (ActionError `connection-lost`): they will never be replayed. */
  | { readonly type: 'fail-pending' };

export interface BackoffOptions {
  readonly base: number;
  readonly cap: number;
  /**
   * The longest wait while the page is visible and the server could not be reached at all (the
   * socket never opened): someone is waiting, and a refused connection costs the server nothing.
   * A server that accepts and then drops keeps the full backoff. Absent: always `cap`.
   */
  readonly visibleCap?: number;
  /**
   * How long that pace lasts: from the loss, or from someone coming back to the page (shown,
   * focused, "Retry now", the network back). A restart or a deploy is over well within it; a
   * server down for longer is not hammered by every open page. Absent: for as long as it takes.
   */
  readonly visibleFor?: number;
}

export interface HeartbeatOptions {
  /** How often the heartbeat timer looks. */
  readonly every: number;
  /** Silence after which a ping is sent. */
  readonly pingAfter: number;
  /** A ping unanswered this long means the connection is dead. */
  readonly pongTimeout: number;
}

export interface TransitionOptions {
  readonly backoff: BackoffOptions;
  /** Failed tries in a row after which the status reads `offline` (retries go on). */
  readonly offlineAfter: number;
  /** Online this long resets the backoff; shorter stays count as failures. */
  readonly stableAfter: number;
  /** null: no heartbeat. */
  readonly heartbeat: HeartbeatOptions | null;
  /** Jitter source, in [0, 1). */
  readonly random: () => number;
  /**
   * After a failed try, ask the server over HTTP before opening a socket. A browser slows down
   * socket attempts after failed ones (Chromium: by up to seconds), which a server that cannot be
   * reached would otherwise pile up; a plain request is not slowed. Every PROBE_EVERY-th try opens
   * a socket anyway, for a page whose policy lets it open sockets to the server but not fetch from it.
   */
  readonly probe?: boolean;
}

/** Every this many failed tries, a socket is opened without asking first (see TransitionOptions.probe). */
export const PROBE_EVERY = 8;

/**
 * Defaults: retries from ~250 ms doubling to a 10 s cap, or to 1 s while the
 * page is visible and the server cannot be reached (for a minute from the loss
 * or from the user's return), so a visible page is back within about a second
 * of a restarted server listening again; a ping after 8 s of
 * silence, dead when unanswered for 12 s, looked at every 4 s — so a dead
 * connection is noticed within 8 + 4 + 12 + 4 = 28 s of its last frame.
 */
export const DEFAULT_OPTIONS: Omit<TransitionOptions, 'random'> = {
  backoff: { base: 250, cap: 10_000, visibleCap: 1_000, visibleFor: 60_000 },
  offlineAfter: 4,
  stableAfter: 10_000,
  heartbeat: { every: 4_000, pingAfter: 8_000, pongTimeout: 12_000 },
};

export const INITIAL_STATE: ConnectionState = { status: 'connecting', attempt: 0, socket: false };

export interface Step {
  readonly state: ConnectionState;
  readonly effects: readonly Effect[];
}

const UNREACHABLE = 'The server cannot be reached.';
const NETWORK_OFFLINE = 'The network is offline.';

const stay = (state: ConnectionState): Step => ({ state, effects: [] });

/** Offline for now or for good: the socket, the timers and the actions in flight all go. */
const STOP: readonly Effect[] = [{ type: 'close' }, { type: 'cancel', timer: 'retry' }, { type: 'cancel', timer: 'heartbeat' }, { type: 'fail-pending' }];

export function transition(state: ConnectionState, event: ConnectionEvent, now: number, o: TransitionOptions): Step {
  const final = state.status === 'offline' && !state.retry;
  switch (event.type) {
    case 'start':
      if (!event.online) return offlineNetwork(state.attempt, []);
      return { state: { status: 'connecting', attempt: 0, socket: true }, effects: [{ type: 'open' }] };

    case 'welcome': {
      // A second welcome answers a renewed sign-in on the same socket: same subscriptions, same timers.
      if (state.status === 'online') return stay({ ...state, user: event.user });
      const next: ConnectionState = { status: 'online', user: event.user, attempt: state.attempt, since: now, heard: now, pinged: null };
      const effects: Effect[] = [{ type: 'cancel', timer: 'retry' }, { type: 'subscribe-all' }];
      if (o.heartbeat) effects.push({ type: 'wait', timer: 'heartbeat', ms: o.heartbeat.every });
      return { state: next, effects };
    }

    case 'heard':
      return state.status === 'online' ? stay({ ...state, heard: now, pinged: null }) : stay(state);

    case 'tick': {
      if (state.status !== 'online' || !o.heartbeat) return stay(state);
      const hb = o.heartbeat;
      const rearm: Effect = { type: 'wait', timer: 'heartbeat', ms: hb.every };
      // Judged by the ping, not by silence alone: a throttled background tab ticks late but its pongs still arrive.
      if (state.pinged !== null && now - state.pinged >= hb.pongTimeout) return lose(state, now, o, [{ type: 'close' }]);
      if (state.pinged === null && now - state.heard >= hb.pingAfter) {
        return { state: { ...state, pinged: now }, effects: [{ type: 'ping' }, rearm] };
      }
      return { state, effects: [rearm] };
    }

    case 'lost':
      if (final) return stay(state);
      if (state.status === 'offline' && state.network) return stay({ ...state, socket: false });
      return lose(state, now, o, [], event.visible === true && event.reached !== true);

    case 'retry':
    case 'retry-now': {
      if (final || state.status === 'online' || ('socket' in state && state.socket)) return stay(state);
      if (state.status === 'offline' && state.network) return stay(state); // the browser says there is no network: its `online` event will
      const ask = o.probe === true && state.attempt >= 1 && state.attempt % PROBE_EVERY !== 0;
      const effects: Effect[] = [...(event.type === 'retry-now' ? [{ type: 'cancel', timer: 'retry' } as const] : []), { type: ask ? 'probe' : 'open' }];
      // Someone came back to the page (or asked): the visible pace starts over.
      return { state: opening(state, event.type === 'retry-now' ? now : undefined, ask), effects };
    }

    case 'probed': {
      if ((state.status !== 'reconnecting' && state.status !== 'offline') || !state.probing) return stay(state); // a late answer
      if (!event.ok) return lose(state, now, o, [], event.visible === true);
      return { state: opening(state), effects: [{ type: 'open' }] };
    }

    case 'refused':
      return {
        state: defined({ status: 'offline', attempt: 0, reason: event.reason, refusal: event.refusal, retry: false, network: false, socket: false }),
        effects: STOP,
      };

    case 'credentials':
      if (!final) return stay(state);
      return { state: { status: 'connecting', attempt: 0, socket: true }, effects: [{ type: 'open' }] };

    case 'network-offline':
      if (final) return stay(state);
      return offlineNetwork(state.attempt, STOP);

    case 'network-online':
      // Skips the wait: the network is back, try now.
      if (final || state.status === 'online' || ('socket' in state && state.socket)) return stay(state);
      return {
        state: { status: 'reconnecting', attempt: state.attempt, socket: true, fastSince: now },
        effects: [{ type: 'cancel', timer: 'retry' }, { type: 'open' }],
      };
  }
}

/**
 * The same state with a try under way (a socket opening, or a probe when `probing`): no retry is
 * armed any more; `fastSince` given: the visible pace starts over from it.
 */
function opening(state: Exclude<ConnectionState, { status: 'online' }>, fastSince?: number, probing = false): ConnectionState {
  if (state.status === 'connecting') return { status: 'connecting', attempt: state.attempt, socket: true };
  return defined({ ...state, retryAt: undefined, socket: true, fastSince: fastSince ?? state.fastSince, probing: probing || undefined });
}

function offlineNetwork(attempt: number, effects: readonly Effect[]): Step {
  return { state: { status: 'offline', attempt, reason: NETWORK_OFFLINE, retry: true, network: true, socket: false }, effects };
}

/** The socket is gone (or declared dead): count the failure and arm the retry. */
function lose(state: ConnectionState, now: number, o: TransitionOptions, before: Effect[], visibleUnreachable = false): Step {
  let attempt: number;
  const fastSince = (state.status === 'reconnecting' || state.status === 'offline' ? state.fastSince : undefined) ?? now;
  const effects: Effect[] = [...before];
  if (state.status === 'online') {
    // Only a connection that stayed up a while proves the server healthy again.
    attempt = now - state.since >= o.stableAfter ? 0 : state.attempt + 1;
    effects.push({ type: 'cancel', timer: 'heartbeat' }, { type: 'fail-pending' });
  } else {
    attempt = state.attempt + 1;
  }
  const { visibleCap, visibleFor } = o.backoff;
  const fast = visibleUnreachable && visibleCap !== undefined && (visibleFor === undefined || now - fastSince < visibleFor);
  const cap = fast ? Math.min(o.backoff.cap, visibleCap) : o.backoff.cap;
  const ms = backoffDelay(attempt, o.random, { base: o.backoff.base, cap });
  effects.push({ type: 'wait', timer: 'retry', ms });
  const retryAt = now + ms;
  const next: ConnectionState =
    attempt >= o.offlineAfter
      ? { status: 'offline', attempt, reason: UNREACHABLE, retry: true, network: false, socket: false, retryAt, fastSince }
      : { status: 'reconnecting', attempt, socket: false, retryAt, fastSince };
  return { state: next, effects };
}

/** Capped exponential backoff with jitter: a delay in [half, full] of min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions): number {
  const full = Math.min(options.cap, options.base * 2 ** Math.min(attempt, 30));
  return Math.round(full / 2 + random() * (full / 2));
}
