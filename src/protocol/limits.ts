/** Bounds every peer agrees on; the server enforces them, the widget checks them early. */

/** Longest message text, in characters (Unicode code points). */
export const MAX_TEXT_CHARS = 2000;
/** Longest image id; ids derived from long URLs are hashed down to fit (see widget/image-id.ts). */
export const MAX_IMAGE_ID_CHARS = 512;
/** Longest server-made id (conversation or comment) a client may name. */
export const MAX_ID_CHARS = 64;
export const MAX_NAME_CHARS = 80;
/** Longest page URL kept with a conversation (`create-image-chat.page`). */
export const MAX_PAGE_CHARS = 2048;
export const MAX_TOKEN_CHARS = 4096;
/** Viewers a `presence` message lists by name; `count` says how many there are in all. */
export const MAX_PRESENCE_VIEWERS = 12;
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

/**
 * Why a text or name may not be stored, or undefined: control characters
 * other than newline and tab (C0, DEL, C1) and lone surrogates (not Unicode
 * at all). Both are invisible in the widget, and JSON escapes each to six
 * bytes, which would let a short text weigh six times its length on the wire.
 */
export function unprintable(text: string): string | undefined {
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) return 'must not contain control characters (other than newline and tab)';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}
