/**
 * How the widget reads server frames. The server is trusted to send well-formed
 * messages (it builds them from typed values), so this only splits batches and
 * drops what is not a message at all, rather than validating every field.
 */
import type { ServerMessage } from './messages.ts';

export function decodeServerFrame(frame: string): ServerMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.filter(
    (m): m is ServerMessage => typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string',
  );
}

/** One frame for one or many messages: a lone message is sent bare, several as an array. */
export function encodeFrame(messages: readonly unknown[]): string {
  return JSON.stringify(messages.length === 1 ? messages[0] : messages);
}
