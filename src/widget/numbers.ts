/**
 * The number each conversation shows on its marker, in its thread and in the
 * list. The server gives every conversation its image's next number when it
 * stores it (`Chat.number`: creation order, never reused), so a number stays
 * the same when another conversation is deleted, for everyone, also after a
 * reload. A conversation of ours not stored yet shows the number it will most
 * likely get. Conversations from a server (or a cache) older than numbers are
 * counted in creation order, as before.
 */
import type { ChatView } from './chat-list.ts';

export function chatNumbers(chats: readonly ChatView[]): ReadonlyMap<string, number> {
  const stored = chats.filter((c) => !c.unsaved);
  const numbered = stored.every((c) => typeof c.number === 'number');
  // Unnumbered: every conversation counts from 1; numbered: the ones not stored yet count on from the highest.
  let last = numbered ? stored.reduce((max, c) => Math.max(max, c.number!), 0) : 0;
  return new Map(chats.map((c) => [c.id, numbered && !c.unsaved ? c.number! : ++last]));
}
