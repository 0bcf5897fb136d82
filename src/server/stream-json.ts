/**
 * A JSON document with one long list, streamed: the text before the list, its
 * items a batch at a time (each serialised on its own, never the whole body at
 * once), then the text after it, written only as fast as the client reads.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drained } from './http.ts';

/** Body text written at a time. */
const CHUNK_CHARS = 64 * 1024;

export interface JsonListParts<T> {
  readonly open: string;
  item(value: T): string;
  /** Called once every item was written, with how many there were. */
  close(count: number): string;
}

/**
 * Status 200 and `type` go out with the first batch, so a store failing before
 * it still gets a JSON error; a client that stops reading for `drainTimeoutMs`
 * is cut off, so it cannot hold the read open.
 */
export async function streamJsonList<T>(
  req: IncomingMessage,
  res: ServerResponse,
  type: string,
  batches: AsyncIterable<readonly T[]>,
  parts: JsonListParts<T>,
  drainTimeoutMs: number,
): Promise<void> {
  let chunk = '';
  let count = 0;
  let started = false;
  /** Headers and the opening text; false for HEAD, which gets no body. */
  const start = (): boolean => {
    started = true;
    res.statusCode = 200;
    res.setHeader('content-type', type);
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.method === 'HEAD') {
      res.end();
      return false;
    }
    chunk = parts.open;
    return true;
  };
  for await (const batch of batches) {
    if (!started && !start()) return;
    for (const value of batch) {
      chunk += `${count++ === 0 ? '' : ','}${parts.item(value)}`;
      if (chunk.length >= CHUNK_CHARS) {
        const more = res.write(chunk);
        chunk = '';
        if (!more && !(await drained(res, drainTimeoutMs))) return;
      }
    }
  }
  if (!started && !start()) return;
  res.end(`${chunk}${parts.close(count)}`);
}
