/**
 * What tabs and the leader tab say to each other over the BroadcastChannel,
 * and the pure rules both sides follow (unit-tested without a browser): how
 * the leader keeps each tab's position, whether an answer covers a tab
 * waiting for one, what status a tab shows. The names of the channel and the
 * locks are every page's (shared-key.ts); the rest loads only with the relay
 * or the follower side (tab-connection.ts).
 *
 * Every follower sends and hears the same messages; a follower that took
 * over the socket exchanges them with its own leader in-process
 * (tab-channel.ts), the others over the BroadcastChannel. A first tab's
 * elements use its socket directly (leader.ts, `LocalTab`). Messages are
 * plain structured-clone data.
 */
import type { AckMessage, ActionMessage, ErrorMessage, SeqPosition } from '../protocol/messages.ts';
import type { ConnectionState } from './state.ts';
import type { EphemeralImageMessage, ErrorReport, ImageMessage } from './types.ts';

export { channelName, leaderLockName, sameSubject, sharedKey, tag, tokenSubject } from './shared-key.ts';

export const RESEND_LOST_MESSAGE = 'The tab holding the connection closed twice before the server confirmed this.';

/** Held by each tab while it lives: the leader waits on it to learn that a tab is gone, even one that crashed. */
export const tabLockName = (tab: string) => `image-chat:tab:${tab}`;

/** Tab → leader. `tab` is the sending tab's random id. */
export type TabMessage =
  /** A tab started (or asks again): the leader answers with its status. */
  | { readonly kind: 'hello'; readonly tab: string }
  /** Follow an image from `since` (absent: the tab needs a snapshot). Sent again to catch up on a gap. */
  | { readonly kind: 'subscribe'; readonly tab: string; readonly image: string; readonly since?: SeqPosition }
  | { readonly kind: 'unsubscribe'; readonly tab: string; readonly image: string }
  /** An action; `resend`: the leader it went to is gone, this is its one retry (same broadcastId). */
  | { readonly kind: 'action'; readonly tab: string; readonly action: ActionMessage; readonly resend?: boolean }
  /** The tab let go of this connection. */
  | { readonly kind: 'bye'; readonly tab: string }
  /** The page gave a fresh sign-in token (same user): the leader renews the socket's sign-in with it. */
  | { readonly kind: 'token'; readonly tab: string; readonly token: string }
  /** Try to connect now (this tab was shown or focused, or its user pressed "Retry now"). */
  | { readonly kind: 'retry'; readonly tab: string }
  /** Whether anyone can see this tab: while any tab is visible the leader retries at the visible pace. */
  | { readonly kind: 'visible'; readonly tab: string; readonly visible: boolean }
  /** Whether this tab views `image` (presence): the socket is away only when every tab following it is. */
  | { readonly kind: 'here'; readonly tab: string; readonly image: string; readonly here: boolean }
  /** This tab's user writes in a conversation (or stopped): sent on the socket as is. */
  | { readonly kind: 'typing'; readonly tab: string; readonly image: string; readonly chatId: string; readonly stop: boolean };

/** Leader → tabs. */
export type LeaderMessage =
  /** A tab took the lock and holds the socket now: tabs send their subscriptions and unanswered actions to it. */
  | { readonly kind: 'leader'; readonly leader: string }
  | { readonly kind: 'status'; readonly leader: string; readonly state: ConnectionState }
  /** A snapshot, replay or event of one image, posted once for every tab that follows it; `base`: a replay's `since`. */
  | { readonly kind: 'image'; readonly image: string; readonly message: ImageMessage; readonly base?: SeqPosition }
  /** The answer to one tab's action: its ack, or its error's facts and English sentence. */
  | {
      readonly kind: 'result';
      readonly tab: string;
      readonly broadcastId: string;
      readonly ack?: AckMessage;
      readonly error?: ErrorReport;
    }
  /** A server error that belongs to no action. */
  | { readonly kind: 'notice'; readonly error: ErrorMessage }
  /** Who views an image or types in one of its conversations (every tab following the image takes it). */
  | { readonly kind: 'ephemeral'; readonly message: EphemeralImageMessage };

export type ChannelMessage = TabMessage | LeaderMessage;

/**
 * Where a tab will be after applying a message, as the leader sees it (the
 * same rules as chat-list): a snapshot sets it; a replay that starts at or
 * below it moves it to the replay's last event; the next live event moves it
 * by one. Anything else leaves it: the tab will ask again with its own.
 */
export function trackPosition(position: SeqPosition | undefined, message: ImageMessage, base?: SeqPosition): SeqPosition | undefined {
  switch (message.type) {
    case 'snapshot':
      return { epoch: message.epoch, seq: message.seq };
    case 'replay': {
      if (!position || !base || base.epoch !== position.epoch || base.seq > position.seq) return position;
      const last = message.events.at(-1)?.seq ?? 0;
      return last > position.seq ? { epoch: position.epoch, seq: last } : position;
    }
    default:
      return position && message.seq === position.seq + 1 ? { epoch: position.epoch, seq: message.seq } : position;
  }
}

/**
 * A tab that asked to (re)subscribe from `asked` (undefined: from nothing)
 * waits for an answer that covers it: any snapshot, or a replay from at or
 * below `asked` in its epoch. Other tabs' answers, and live events, are
 * passed over meanwhile; its own answer holds them.
 */
export function answerCovers(asked: SeqPosition | undefined, message: ImageMessage, base?: SeqPosition): boolean {
  if (message.type === 'snapshot') return true;
  if (message.type !== 'replay') return false;
  return !!asked && !!base && base.epoch === asked.epoch && base.seq <= asked.seq;
}

/**
 * The status a tab shows for the leader's state. A leader that just took over
 * starts its socket as `connecting`; a tab that was online already shows that
 * as `reconnecting`, as it would for its own socket.
 */
export function presentState(state: ConnectionState, wasOnline: boolean): ConnectionState {
  if (state.status === 'connecting' && wasOnline) return { status: 'reconnecting', attempt: state.attempt, socket: state.socket };
  return state;
}

/** What a tab shows between losing its leader and hearing the next one. */
export function handoverState(current: ConnectionState, wasOnline: boolean): ConnectionState {
  if (current.status === 'offline' && !current.retry) return current;
  return wasOnline ? { status: 'reconnecting', attempt: 0, socket: true } : { status: 'connecting', attempt: 0, socket: true };
}
