/**
 * Wire protocol v1: the JSON frames exchanged on `/ws?tenant=ID`.
 * Shared by the server and the widget; see docs/protocol.md and design.md.
 * A frame holds one message or a JSON array of them (batching).
 */

export const PROTOCOL_VERSION = 1;

export interface Author {
  readonly id: string;
  readonly name: string;
}

export interface Comment {
  readonly id: string;
  readonly author: Author;
  readonly text: string;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly editedAt?: number;
}

/** One conversation: a marker at a point of the image, with its messages. */
export interface Chat {
  readonly id: string;
  /** Fractions of the image's width and height, 0..1. */
  readonly x: number;
  readonly y: number;
  readonly author: Author;
  readonly createdAt: number;
  readonly resolved: boolean;
  readonly comments: readonly Comment[];
  /**
   * Its number on the image: 1 for the image's first conversation, then 2, …,
   * given by the store in creation order and never reused, so it stays when
   * another conversation is deleted. Absent only from servers older than it.
   */
  readonly number?: number;
}

export interface User extends Author {
  /** `guest` for server-made identities, `user` for SSO. */
  readonly kind: 'guest' | 'user';
  readonly role?: 'moderator' | 'admin';
  /** From the SSO token's `picture` claim (https only). */
  readonly avatar?: string;
  /**
   * May view but not act: a read-only token, a `readonly` element, or a guest
   * where the tenant lets guests only read. The server refuses its actions with
   * `forbidden`; `readonlyReason` says why in English (logs, older widgets),
   * `readonlyWhy` says which case it is, for a sentence in the reader's language.
   */
  readonly readonly?: boolean;
  readonly readonlyReason?: string;
  /** Which read-only case this is: the same word as the `reason` its refused actions carry. */
  readonly readonlyWhy?: ReadonlyReason;
}

export interface SeqPosition {
  /** Changes when the image's history is reset. */
  readonly epoch: string;
  /** Rises by one for every stored event of the image. */
  readonly seq: number;
}

// ---------------------------------------------------------------- changes

export type Change =
  | { readonly kind: 'add-comment'; readonly text: string }
  | { readonly kind: 'edit-comment'; readonly commentId: string; readonly text: string }
  | { readonly kind: 'delete-comment'; readonly commentId: string }
  | { readonly kind: 'move'; readonly x: number; readonly y: number }
  | { readonly kind: 'resolve'; readonly resolved: boolean };

/** A change as broadcast: `add-comment` carries the stored comment. */
export type AppliedChange =
  | { readonly kind: 'add-comment'; readonly text: string; readonly comment: Comment }
  | { readonly kind: 'edit-comment'; readonly commentId: string; readonly text: string; readonly editedAt: number }
  | Exclude<Change, { kind: 'add-comment' } | { kind: 'edit-comment' }>;

// ---------------------------------------------------------------- client to server

export interface HelloMessage {
  readonly type: 'hello';
  /** SSO token (HS256 JWT signed with the tenant's secret). */
  readonly token?: string;
  /** Guest token the server issued earlier, to keep the same guest identity. */
  readonly guest?: string;
  /** Display name for a guest. */
  readonly name?: string;
  /** This connection only views (the element's `readonly` attribute): the server refuses its actions. */
  readonly readonly?: boolean;
}

export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly image: string;
  readonly since?: SeqPosition;
}

export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly image: string;
}

export interface CreateImageChatMessage {
  readonly type: 'create-image-chat';
  readonly image: string;
  readonly broadcastId: string;
  readonly x: number;
  readonly y: number;
  readonly text: string;
  /**
   * The page the conversation was started on (the widget sends `location.href`).
   * Kept with the conversation for the site owner (the admin API), never sent
   * to other clients. The server keeps only an http(s) URL without its hash,
   * at most MAX_PAGE_CHARS long, and ignores anything else.
   */
  readonly page?: string;
}

export interface UpdateImageChatMessage {
  readonly type: 'update-image-chat';
  readonly image: string;
  readonly broadcastId: string;
  readonly chatId: string;
  readonly change: Change;
}

export interface DeleteImageChatMessage {
  readonly type: 'delete-image-chat';
  readonly image: string;
  readonly broadcastId: string;
  readonly chatId: string;
}

export interface PingMessage {
  readonly type: 'ping';
}

export type ActionMessage = CreateImageChatMessage | UpdateImageChatMessage | DeleteImageChatMessage;

/**
 * Whether this socket's user is looking at the image (docs/protocol.md, "Presence and typing").
 * Subscribing implies `here: true`; the widget says `here: false` once its page has been hidden
 * for a while, and `here: true` when it is shown again. Ephemeral: no ack, nothing stored.
 */
export interface PresenceHereMessage {
  readonly type: 'presence';
  readonly image: string;
  readonly here: boolean;
}

/**
 * The socket's user is writing in a conversation of the image (refreshed at most every ~2 s while
 * the text changes), or stopped (`stop: true`: sent, cleared, closed). Who is typing is the
 * session's identity, never a field of the frame. Ephemeral: no ack, nothing stored.
 */
export interface ClientTypingMessage {
  readonly type: 'typing';
  readonly image: string;
  readonly chatId: string;
  readonly stop?: true;
}

export type EphemeralMessage = PresenceHereMessage | ClientTypingMessage;

export type ClientMessage =
  | HelloMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | ActionMessage
  | EphemeralMessage
  | PingMessage;

// ---------------------------------------------------------------- server to client

export interface WelcomeMessage {
  readonly type: 'welcome';
  readonly user: User;
  /** A fresh or renewed guest token; the widget keeps it to stay the same guest. */
  readonly guest?: string;
}

/**
 * The image's conversations at `seq`. A large snapshot comes as several of
 * these with the same `epoch` and `seq`, each with a page of `chats`, every one
 * but the last with `more: true`; the client applies them together once the
 * last has come. A small one is a single message without `more`.
 */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly image: string;
  readonly epoch: string;
  readonly seq: number;
  readonly chats: readonly Chat[];
  readonly more?: boolean;
}

export interface ReplayMessage {
  readonly type: 'replay';
  readonly image: string;
  readonly events: readonly ChatEvent[];
}

/**
 * The answer to one's own action: what it changed, never the whole thread (a
 * reply in a long thread would otherwise carry every comment again).
 */
export interface AckMessage {
  readonly type: 'ack';
  readonly broadcastId: string;
  readonly seq: number;
  /** After `create-image-chat`: the stored conversation (its server-made ids, its one comment). */
  readonly chat?: Chat;
  /** After `update-image-chat`: the change as stored (`add-comment` with its comment), as broadcast. */
  readonly change?: AppliedChange;
}

export interface NewImageChatEvent {
  readonly type: 'new-image-chat';
  readonly image: string;
  readonly seq: number;
  readonly broadcastId: string;
  readonly chat: Chat;
}

export interface ImageChatUpdatedEvent {
  readonly type: 'image-chat-updated';
  readonly image: string;
  readonly seq: number;
  readonly broadcastId: string;
  readonly chatId: string;
  readonly change: AppliedChange;
}

export interface DeletedImageChatEvent {
  readonly type: 'deleted-image-chat';
  readonly image: string;
  readonly seq: number;
  readonly broadcastId: string;
  readonly chatId: string;
}

export type ChatEvent = NewImageChatEvent | ImageChatUpdatedEvent | DeletedImageChatEvent;

export type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'invalid'
  | 'not-found'
  | 'rate-limited'
  | 'too-large'
  | 'unavailable';

/** Why a connection is read-only (`User.readonlyWhy`), and the `reason` of the `forbidden` its actions get. */
export type ReadonlyReason =
  /** The sign-in token says `readonly: true`. */
  | 'readonly-token'
  /** The element is `readonly` (hello `readonly: true`). */
  | 'readonly-view'
  /** A guest, where the tenant lets guests only read. */
  | 'readonly-guests';

/**
 * Which refusal an `error` is, as a stable word the widget can word in the
 * reader's language (docs/protocol.md, "Error reasons", says when each is
 * sent and with which facts). New words may be added: a client words an
 * unknown one by its `code`.
 */
export type ErrorReason =
  | ReadonlyReason
  // identity and sign-in
  | 'hello-missing'
  | 'hello-repeated'
  | 'sign-in-required'
  | 'sign-in-refused'
  | 'sign-in-expired'
  | 'sign-in-renewal-refused'
  | 'sign-in-other-user'
  // who may connect (also in HTTP `{error: {code, message, reason}}`)
  | 'unknown-tenant'
  | 'invalid-tenant'
  | 'origin-not-allowed'
  | 'embed-ticket-missing'
  | 'too-many-connections'
  // the action
  | 'invalid-message'
  | 'text-too-long'
  | 'broadcast-id-taken'
  | 'not-author'
  | 'first-comment'
  | 'no-such-conversation'
  | 'no-such-comment'
  | 'too-many-conversations'
  | 'too-many-comments'
  | 'too-many-images'
  | 'too-many-actions'
  | 'queue-full'
  // the server
  | 'restarting'
  | 'internal-error';

/**
 * What a sentence about an error needs: the code, which refusal it is, and
 * its numbers. Carried by `error` frames, by HTTP error bodies the widget
 * reads, and by the client's own errors (src/sync/types.ts ActionError).
 */
export interface ErrorFacts {
  readonly code: ErrorCode;
  readonly reason?: ErrorReason;
  /** Milliseconds to wait before trying again (rate limits, restarts). */
  readonly retryAfter?: number;
  /** The maximum that was reached (characters, conversations, comments, images…). */
  readonly limit?: number;
}

export interface ErrorMessage extends ErrorFacts {
  readonly type: 'error';
  /** English, for logs and the API; the widget words `reason` (or `code`) itself. */
  readonly message: string;
  readonly broadcastId?: string;
}

/** Someone viewing an image, as presence lists them. */
export interface Viewer {
  readonly id: string;
  readonly name: string;
  /** A server-made guest identity (the name is what the guest typed). */
  readonly guest?: true;
}

/**
 * Who is viewing the image now, over every node: `count` distinct users (the recipient included),
 * at most MAX_PRESENCE_VIEWERS of them listed, in the order they came. Sent on subscribe and on
 * change, coalesced per image: never more than about one a second to a socket. Ephemeral.
 */
export interface PresenceMessage {
  readonly type: 'presence';
  readonly image: string;
  readonly count: number;
  readonly viewers: readonly Viewer[];
}

/** Who is writing in one conversation of the image now (the recipient may be among them). Ephemeral. */
export interface TypingMessage {
  readonly type: 'typing';
  readonly image: string;
  readonly chatId: string;
  readonly users: readonly Author[];
}

export interface PongMessage {
  readonly type: 'pong';
}

/**
 * A fresh embed ticket (docs/protocol.md, "Embed tickets"): sent to a socket
 * the server admitted by its ticket (an `/embed` page), at once and every few
 * minutes, so its reconnects present one that has not expired. Other
 * clients never get one.
 */
export interface TicketMessage {
  readonly type: 'ticket';
  readonly ticket: string;
}

export type ServerMessage =
  | WelcomeMessage
  | TicketMessage
  | SnapshotMessage
  | ReplayMessage
  | AckMessage
  | ChatEvent
  | ErrorMessage
  | PresenceMessage
  | TypingMessage
  | PongMessage;
