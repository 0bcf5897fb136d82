/**
 * The storage contract. Async so that a networked database (PostgreSQL) can
 * implement it later; both implementations must pass store-conformance.ts.
 */
import type { ActionMessage, Chat, ChatEvent, ErrorCode, User } from '../protocol/messages.ts';

export interface Snapshot {
  readonly epoch: string;
  readonly seq: number;
  readonly chats: Chat[];
}

export interface Applied {
  /** The stored event, as broadcast to every subscriber of the image. */
  readonly event: ChatEvent;
  /** The conversation after the action; absent after a delete (or once it is gone). */
  readonly chat?: Chat;
  /**
   * True when the broadcastId had already been stored for this actor: nothing
   * new was written, `event` is the original. The caller acks but must not
   * broadcast again, or subscribers would see the same seq twice.
   */
  readonly duplicate: boolean;
}

export interface Store {
  /** Human description for logs, e.g. `sqlite ./data/image-chat.sqlite`. */
  readonly description: string;
  /** The image's current conversations. An image with no history gets seq 0 and a fresh epoch, and nothing is written. */
  snapshot(tenant: string, image: string): Promise<Snapshot>;
  /**
   * Validates existence and permission, writes the change, assigns the image's
   * next seq and appends the event: all or nothing. Throws StoreError.
   */
  apply(tenant: string, image: string, action: ActionMessage, actor: User): Promise<Applied>;
  /** A random secret persisted under `name`, created on first use, the same ever after. */
  secret(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A refusal the client should see as `error {code, message}`; anything else thrown is a fault. */
export class StoreError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Moderators and admins may change anyone's conversations and comments. */
export function isModerator(user: User): boolean {
  return user.role === 'moderator' || user.role === 'admin';
}
