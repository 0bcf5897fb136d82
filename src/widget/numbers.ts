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
  const numbers = new Map<string, number>();
  const stored = chats.filter((c) => !c.unsaved);
  if (!stored.every((c) => typeof c.number === 'number')) {
    chats.forEach((c, i) => numbers.set(c.id, i + 1));
    return numbers;
  }
  let last = 0;
  for (const c of stored) {
    numbers.set(c.id, c.number!);
    last = Math.max(last, c.number!);
  }
  for (const c of chats) if (c.unsaved) numbers.set(c.id, ++last);
  return numbers;
}
