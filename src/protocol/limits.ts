/** Bounds every peer agrees on; the server enforces them, the widget checks them early. */

/** Longest message text, in characters (Unicode code points). */
export const MAX_TEXT_CHARS = 2000;
/** Longest image id; ids derived from long URLs are hashed down to fit (see widget/image-id.ts). */
export const MAX_IMAGE_ID_CHARS = 512;
/** Longest server-made id (conversation or comment) a client may name. */
export const MAX_ID_CHARS = 64;
export const MAX_NAME_CHARS = 80;
export const MAX_TOKEN_CHARS = 4096;
/** Messages in one batched client frame. */
export const MAX_BATCH = 50;
/** Largest client frame in bytes; a larger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** Counts code points, so an emoji is one character as a person counts it. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
