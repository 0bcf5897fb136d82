/**
 * A failed or refused action in the reader's words: "{what}: {reason}". The reason comes from the
 * error's code and the facts the server sent with it, never from its English `message` (kept for
 * logs and the `image-chat-error` event).
 */
import type { I18n } from './i18n.ts';

export interface ErrorFacts {
  readonly code: string;
  /** Which refusal or failure exactly, where the server or the connection said. */
  readonly reason?: string | undefined;
  /** Milliseconds to wait before trying again (rate limits). */
  readonly retryAfter?: number | undefined;
  readonly limit?: number | undefined;
}

/** Why it failed, as the second half of a sentence. */
export function errorReason(i18n: I18n, e: ErrorFacts): string {
  const t = i18n.text.errors;
  switch (e.reason) {
    case 'not-online':
      return t.notOnline;
    case 'ack-timeout':
      return t.ackTimeout;
    case 'connection-lost':
    case 'connection-closed':
    case 'tab-closed':
      return t.connectionLost;
  }
  switch (e.code) {
    case 'unauthorized':
      return t.unauthorized;
    case 'forbidden':
      return t.forbidden;
    case 'not-found':
      return t.notFound;
    case 'rate-limited':
      return e.retryAfter ? i18n.format(t.rateLimitedFor, { seconds: Math.max(1, Math.ceil(e.retryAfter / 1000)) }) : t.rateLimited;
    case 'too-large':
      return t.tooLarge;
    case 'invalid':
      return t.invalid;
    default:
      return t.unavailable;
  }
}

/** The whole sentence: what did not happen, and why. */
export function errorSentence(i18n: I18n, what: keyof I18n['text']['failed'], e: ErrorFacts): string {
  return i18n.format(i18n.text.errors.sentence, { what: i18n.text.failed[what], reason: errorReason(i18n, e) });
}
