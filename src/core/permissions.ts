/**
 * Who may do what to a conversation, the same whichever store holds it
 * (docs/server.md, Permissions). Creating, replying and resolving are open to
 * anyone who said hello (the tenant's guest policy and `readonly` are checked
 * earlier, in ChatCore); changing or removing something is for its author or
 * a moderator.
 */
import type { User } from '../protocol/messages.ts';
import { StoreError } from '../store/store.ts';

/** Moderators and admins may change anyone's conversations and comments. */
export function isModerator(user: User): boolean {
  return user.role === 'moderator' || user.role === 'admin';
}

/** The actions reserved to the author of what they change (or a moderator). */
export type OwnedAction = 'edit-comment' | 'delete-comment' | 'move' | 'delete-image-chat';

const REFUSAL: Record<OwnedAction, string> = {
  'edit-comment': 'only its author or a moderator may edit this comment',
  'delete-comment': 'only its author or a moderator may delete this comment',
  move: 'only its author or a moderator may move this conversation',
  'delete-image-chat': 'only its author or a moderator may delete this conversation',
};

/** May `actor` do `action` to something written by `authorId`? */
export function mayChange(actor: User, authorId: string): boolean {
  return actor.id === authorId || isModerator(actor);
}

/** Throws `forbidden` with a sentence unless `actor` wrote it or moderates. */
export function requireAuthorOrModerator(action: OwnedAction, actor: User, authorId: string): void {
  if (!mayChange(actor, authorId)) throw new StoreError('forbidden', REFUSAL[action], { reason: 'not-author' });
}
