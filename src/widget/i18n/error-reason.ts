/**
 * A failed or refused action, or a refused connection, in the reader's words. The sentence comes from
 * the error's `reason` (docs/protocol.md, "Error reasons and facts") and the numbers sent with it, else
 * from its code; never from its English `message` (kept for logs and the `image-chat-error` event).
 * It comes with the lazily loaded parts, as do the English sentences it uses (en-parts.ts): an element
 * that never meets an error never loads them. Until they arrive the element says the English `message`.
 */
import type { ActionMessage } from '../../protocol/messages.ts';
import type { ActionFacts } from '../../sync/types.ts';
import type { I18n } from './i18n.ts';
import { READONLY } from './error-text.ts';

type ErrorKey = keyof I18n['text']['errors'];

/** Reasons worded by a sentence of their own; one not here (or new) is worded by its code. */
const BY_REASON: Readonly<Record<string, ErrorKey>> = {
  ...READONLY,
  'not-author': 'notAuthor',
  'text-too-long': 'textTooLong',
  'too-many-conversations': 'tooManyConversations',
  'too-many-comments': 'tooManyComments',
  'first-comment': 'firstComment',
  'no-such-conversation': 'noSuchConversation',
  'no-such-comment': 'noSuchComment',
  'queue-full': 'queueFull',
  'too-many-images': 'tooManyImages',
  'sign-in-required': 'signInRequired',
  'sign-in-refused': 'signInRefused',
  'sign-in-expired': 'signInExpired',
  'sign-in-renewal-refused': 'signInRenewalRefused',
  'sign-in-other-user': 'signInOtherUser',
  'unknown-tenant': 'unknownTenant',
  'invalid-tenant': 'unknownTenant',
  'origin-not-allowed': 'originNotAllowed',
  'embed-ticket-missing': 'embedTicketMissing',
  'too-many-connections': 'tooManyConnections',
  restarting: 'restarting',
  'internal-error': 'unavailable',
  'not-online': 'notOnline',
  'ack-timeout': 'ackTimeout',
  'connection-lost': 'connectionLost',
  'connection-closed': 'connectionLost',
  'tab-closed': 'connectionLost',
};

const BY_CODE: Readonly<Record<string, ErrorKey>> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  invalid: 'invalid',
  'not-found': 'notFound',
  'rate-limited': 'rateLimited',
  'too-large': 'tooLarge',
};

/** Where the element connects: a refusal of the connection names the server or the tenant. */
export interface Where {
  readonly server?: string;
  readonly tenant?: string;
}

/** Why it failed, as a whole sentence. */
export function errorReason(i18n: I18n, e: ActionFacts, where: Where = {}): string {
  const t = i18n.text.errors;
  if (e.retryAfter && (e.reason === 'too-many-actions' || (!e.reason && e.code === 'rate-limited'))) {
    return i18n.format(t.rateLimitedFor, { seconds: Math.max(1, Math.ceil(e.retryAfter / 1000)) });
  }
  if (e.reason === 'bad-server-address') return i18n.format(t.badServer, { server: where.server ?? '' });
  const key = (e.reason && BY_REASON[e.reason]) || BY_CODE[e.code] || 'unavailable';
  // A reason whose number did not come along is worded by its code, never with a `{limit}` showing.
  if (t[key].includes('{limit}') && e.limit === undefined) return t[BY_CODE[e.code] ?? 'unavailable'];
  return i18n.format(t[key], { server: where.server ?? '', tenant: where.tenant ?? '', ...(e.limit === undefined ? {} : { limit: e.limit }) });
}

const WHAT: Readonly<Record<ActionMessage['type'], keyof I18n['text']['failed']>> = {
  'create-image-chat': 'create',
  'update-image-chat': 'update',
  'delete-image-chat': 'delete',
};

/** What did not happen: "Your comment was not posted". */
export const failedAction = (i18n: I18n, action: ActionMessage['type']) => i18n.text.failed[WHAT[action]];

/** The whole sentence for a failed action: what did not happen, and why. */
export function errorSentence(i18n: I18n, action: ActionMessage['type'], e: ActionFacts): string {
  return i18n.format(i18n.text.errors.sentence, { what: failedAction(i18n, action), reason: errorReason(i18n, e) });
}
