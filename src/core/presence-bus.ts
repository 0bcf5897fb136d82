/**
 * What nodes say to each other about an image's presence (presence-hub.ts), on its presence topic:
 * a node's viewers (id, name, guest, when they came), or one typist's start, refresh or stop.
 */
import type { Author } from '../protocol/messages.ts';

/** On the bus: a node's viewers of the image, or one typist's start, refresh or stop. */
export type BusMessage =
  | { readonly node: string; readonly kind: 'viewers'; readonly viewers: readonly [string, string, 0 | 1, number][]; readonly ask?: true }
  | { readonly node: string; readonly kind: 'typing'; readonly chatId: string; readonly user: Author; readonly stop?: true };

const isString = (v: unknown): v is string => typeof v === 'string';

/** Another node's message, or undefined for anything malformed (logged nowhere: it is only presence). */
export function readBusMessage(payload: string): BusMessage | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null || !isString(m.node)) return undefined;
  if (m.kind === 'viewers' && Array.isArray(m.viewers)) {
    const ok = m.viewers.every((v: unknown) => Array.isArray(v) && isString(v[0]) && isString(v[1]) && (v[2] === 0 || v[2] === 1) && typeof v[3] === 'number');
    return ok ? (m as unknown as BusMessage) : undefined;
  }
  if (m.kind === 'typing' && isString(m.chatId)) {
    const user = m.user as Record<string, unknown> | null;
    return typeof user === 'object' && user !== null && isString(user.id) && isString(user.name) ? (m as unknown as BusMessage) : undefined;
  }
  return undefined;
}
