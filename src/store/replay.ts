/**
 * The rules of Store.eventsSince, shared by every store: when the missed
 * events can be given exactly, and when the caller must send a snapshot.
 * A store reads the image's head, asks `replayRange`, reads the log rows after
 * `from` in the same consistent view, and hands them to `exactReplay`.
 */
import type { ChatEvent, SeqPosition } from '../protocol/messages.ts';

export interface ImageHead {
  readonly epoch: string;
  readonly seq: number;
}

/**
 * `null`: no exact replay (another epoch, a position beyond the image's, or
 * more than `max` missed); `[]`: up to date; otherwise the log rows to read
 * are those after seq `from`.
 */
export function replayRange(head: ImageHead, since: SeqPosition, max: number): { from: number } | [] | null {
  if (since.epoch !== head.epoch || since.seq > head.seq) return null;
  if (since.seq === head.seq) return [];
  if (head.seq - since.seq > max) return null;
  return { from: since.seq };
}

/** The events of `rows` (seq order), or null when the log no longer holds every one of them (trimmed). */
export function exactReplay(rows: readonly { seq: number; payload: string }[], head: ImageHead, from: number): ChatEvent[] | null {
  if (rows[0]?.seq !== from + 1 || rows.length !== head.seq - from) return null;
  return rows.map((r) => JSON.parse(r.payload) as ChatEvent);
}
